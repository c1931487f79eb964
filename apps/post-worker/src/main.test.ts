import { Client } from "pg";
import { type JobDatabase, useJobDatabase, WorkerProcess } from "../test/support";

let db: JobDatabase;
useJobDatabase((created) => {
  db = created;
});

const LOCK_KEY = 4242;

function start(env: Record<string, string> = {}): WorkerProcess {
  return new WorkerProcess({ ...db.env, WORKER_POLL_INTERVAL_MS: "50", ...env });
}

async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 50));
}

const jobs = () =>
  db.query<{ status: string; attempts: number; locked_by: string | null }>("SELECT * FROM post_jobs");

describe("post-worker process (src/main.ts)", () => {
  it("logs its version and git sha on start, and exits 0 on SIGTERM when idle", async () => {
    const w = start({ APP_VERSION: "2.3.4", GIT_SHA: "0123456789abcdef0123456789abcdef01234567" });
    const started = await w.waitFor("post-worker started");
    expect(started).toMatchObject({
      level: 30,
      name: "post-worker",
      version: "2.3.4",
      git_sha: "0123456789abcdef0123456789abcdef01234567",
      poll_interval_ms: 50,
    });
    w.signal("SIGTERM");
    expect(await w.exited).toBe(0);
    expect(w.lines.map((l) => l.msg)).toContain("shutdown complete: no job in hand, pool closed");
  });

  it("exits 1 naming every bad variable", async () => {
    const w = start({ PGHOST: "", WORKER_POLL_INTERVAL_MS: "soon" });
    expect(await w.exited).toBe(1);
    expect(w.stderr).toContain("missing: PGHOST");
    expect(w.stderr).toContain("WORKER_POLL_INTERVAL_MS must be an integer");
  });

  it("two worker processes process each of 100 jobs exactly once", async () => {
    const n = 100;
    await db.enqueuePosts(Array.from({ length: n }, (_, i) => ({ title: `p${i}`, content: `w ${i}` })));
    const workers = [start({ WORKER_ID: "one" }), start({ WORKER_ID: "two" })];
    await until(async () => (await jobs()).filter((j) => j.status === "done").length === n);
    for (const w of workers) w.signal("SIGTERM");
    expect(await Promise.all(workers.map((w) => w.exited))).toEqual([0, 0]);

    // Each job's "job done" line appears once across both processes' logs.
    const done = workers.flatMap((w) => w.lines.filter((l) => l.msg === "job done").map((l) => l.job_id));
    expect(done).toHaveLength(n);
    expect(new Set(done).size).toBe(n);
    const rows = await jobs();
    expect(rows.every((j) => j.status === "done" && j.attempts === 1)).toBe(true);
    expect(rows.every((j) => j.locked_by === "one" || j.locked_by === "two")).toBe(true);
  });

  describe("SIGTERM with a job in hand", () => {
    let holder: Client;

    beforeEach(async () => {
      // The worker waits for this lock before processing: the test decides when the job may finish.
      holder = new Client(db.clientConfig);
      await holder.connect();
      await holder.query("SELECT pg_advisory_lock($1::bigint)", [LOCK_KEY]);
    });

    afterEach(async () => {
      await holder.end();
    });

    it("finishes the job in hand, claims no other, and exits 0", async () => {
      const [first] = await db.enqueuePosts([{ title: "in hand", content: "one two three" }]);
      const w = start({ WORKER_TEST_HOLD_LOCK_KEY: String(LOCK_KEY) });
      await w.waitFor("test hold: waiting for advisory lock");
      await db.enqueuePosts([{ title: "left for the next worker", content: "x" }]);
      w.signal("SIGTERM");
      const drain = await w.waitFor("shutdown started; finishing the job in hand");
      expect(drain.job_id).toBe(1);
      await holder.query("SELECT pg_advisory_unlock($1::bigint)", [LOCK_KEY]);

      expect(await w.exited).toBe(0);
      expect(await db.query("SELECT id, word_count FROM posts ORDER BY id")).toEqual([
        { id: first, word_count: 3 },
        { id: first! + 1, word_count: null },
      ]);
      expect(await db.query("SELECT post_id, status, attempts FROM post_jobs ORDER BY post_id")).toEqual([
        { post_id: first, status: "done", attempts: 1 },
        { post_id: first! + 1, status: "queued", attempts: 0 },
      ]);
    });

    it("past SHUTDOWN_TIMEOUT_MS releases the job back to the queue and exits 0", async () => {
      const [id] = await db.enqueuePosts([{ title: "stuck", content: "a b" }]);
      const w = start({ WORKER_TEST_HOLD_LOCK_KEY: String(LOCK_KEY), SHUTDOWN_TIMEOUT_MS: "200" });
      await w.waitFor("test hold: waiting for advisory lock");
      w.signal("SIGTERM");
      // The lock is held until the process is gone: the job can only be released, not finished.
      expect(await w.exited).toBe(0);
      expect(w.lines.map((l) => l.msg)).toContain("job released back to the queue");
      expect(await db.query("SELECT post_id, status, attempts, locked_by FROM post_jobs")).toEqual([
        { post_id: id, status: "queued", attempts: 0, locked_by: null },
      ]);
      expect(await db.query("SELECT word_count FROM posts")).toEqual([{ word_count: null }]);
    });
  });
});
