import { Pool } from "pg";
import { type JobDatabase, useJobDatabase } from "../test/support";
import { analyze } from "./analyze";
import { claimJob } from "./jobs";
import { createLogger } from "./log";
import { Worker, type WorkerOptions } from "./worker";

let db: JobDatabase;
useJobDatabase((created) => {
  db = created;
});

interface JobRow {
  post_id: number;
  status: string;
  attempts: number;
  locked_by: string | null;
  last_error: string | null;
}

const jobs = () =>
  db.query<JobRow>("SELECT post_id, status, attempts, locked_by, last_error FROM post_jobs ORDER BY post_id");

/** A worker loop with a pool of its own: two of them behave like two processes towards PostgreSQL. */
function worker(id: string, options: Partial<WorkerOptions> = {}): Worker {
  return new Worker({
    pool: db.pool(),
    log: createLogger(id, "silent"),
    workerId: id,
    pollIntervalMs: 20,
    maxAttempts: 3,
    retryDelayMs: 0,
    leaseMs: 60_000,
    ...options,
  });
}

describe("Worker", () => {
  it("two instances with separate pools process each of 200 jobs exactly once", async () => {
    const n = 200;
    const ids = await db.enqueuePosts(
      Array.from({ length: n }, (_, i) => ({ title: `post ${i}`, content: "word ".repeat(i % 17) })),
    );
    // Every call of the work itself, per post: more than one would mean a job ran twice.
    const calls = new Map<string, number>();
    const counting = (post: { title: string; content: string }) => {
      calls.set(post.title, (calls.get(post.title) ?? 0) + 1);
      return analyze(post);
    };
    const a = worker("worker-a", { analyze: counting });
    const b = worker("worker-b", { analyze: counting });
    await Promise.all([a.runUntilIdle(), b.runUntilIdle()]);

    expect(calls.size).toBe(n);
    expect([...calls.values()].every((c) => c === 1)).toBe(true);
    const rows = await jobs();
    expect(rows).toHaveLength(n);
    expect(rows.filter((r) => r.status === "done" && r.attempts === 1 && r.last_error === null)).toHaveLength(
      n,
    );
    expect(rows.filter((r) => r.locked_by !== "worker-a" && r.locked_by !== "worker-b")).toEqual([]);
    const posts = await db.query<{ id: number; word_count: number; summary: string }>(
      "SELECT id, word_count, summary FROM posts WHERE processed_at IS NOT NULL ORDER BY id",
    );
    expect(posts.map((p) => p.id)).toEqual(ids);
    expect(posts.map((p) => p.word_count)).toEqual(ids.map((_, i) => i % 17));
  });

  it("writes the word count and summary back onto the post", async () => {
    const [id] = await db.enqueuePosts([{ title: "T", content: "Hello there, world. And more." }]);
    await worker("w").runUntilIdle();
    expect(await db.query("SELECT word_count, summary FROM posts WHERE id = $1", [id])).toEqual([
      { word_count: 5, summary: "Hello there, world." },
    ]);
  });

  it("a failing job records last_error and attempts, is retried, and gives up after maxAttempts", async () => {
    const [bad, good] = await db.enqueuePosts([
      { title: "bad", content: "x" },
      { title: "good", content: "y" },
    ]);
    const failing = (post: { title: string; content: string }) => {
      if (post.title === "bad") throw new Error("cannot analyse this one");
      return analyze(post);
    };
    const w = worker("w", { analyze: failing, maxAttempts: 3 });

    // One claim at a time: the first failure puts the job back, queued, with its error.
    await (w as unknown as { step(): Promise<boolean> }).step();
    expect((await jobs()).find((j) => j.post_id === bad)).toMatchObject({
      status: "queued",
      attempts: 1,
      last_error: "cannot analyse this one",
    });

    await w.runUntilIdle();
    const rows = await jobs();
    expect(rows).toEqual([
      { post_id: bad, status: "failed", attempts: 3, locked_by: "w", last_error: "cannot analyse this one" },
      { post_id: good, status: "done", attempts: 1, locked_by: "w", last_error: null },
    ]);
    expect(await db.query("SELECT word_count FROM posts WHERE id = $1", [bad])).toEqual([
      { word_count: null },
    ]);
  });

  it("a retry waits attempts x retryDelayMs before the job is claimable again", async () => {
    await db.enqueuePosts([{ title: "bad", content: "x" }]);
    const w = worker("w", {
      retryDelayMs: 3_600_000,
      analyze: () => {
        throw new Error("boom");
      },
    });
    await w.runUntilIdle();
    expect(await jobs()).toMatchObject([{ status: "queued", attempts: 1, last_error: "boom" }]);
    expect(await claimJob(db.pool(), "other", 60_000, 3)).toBeUndefined();
  });

  it("discards its result when the post was updated (re-queued) while it was processing", async () => {
    const [id] = await db.enqueuePosts([{ title: "T", content: "old content here" }]);
    const w = worker("w", {
      beforeProcess: async () => {
        // What PUT /posts/:id does, between the claim and the write-back.
        await db.query("UPDATE posts SET content = 'new', word_count = NULL WHERE id = $1", [id]);
        await db.query(
          "UPDATE post_jobs SET status = 'queued', attempts = 0, locked_by = NULL WHERE post_id = $1",
          [id],
        );
      },
    });
    await (w as unknown as { step(): Promise<boolean> }).step();
    expect(await jobs()).toMatchObject([{ status: "queued", attempts: 0 }]);
    expect(await db.query("SELECT word_count FROM posts")).toEqual([{ word_count: null }]);
    await worker("w2").runUntilIdle();
    expect(await db.query("SELECT word_count, summary FROM posts")).toEqual([
      { word_count: 1, summary: "new" },
    ]);
  });

  it("claims a running job again once its lease expired (its worker died), and fails it on the last attempt", async () => {
    const [id] = await db.enqueuePosts([{ title: "T", content: "a b" }]);
    await db.query(
      "UPDATE post_jobs SET status = 'running', attempts = 1, locked_by = 'dead', locked_at = now() - interval '1 hour'",
    );
    await worker("w", { leaseMs: 1_000 }).runUntilIdle();
    expect(await jobs()).toMatchObject([{ post_id: id, status: "done", attempts: 2, locked_by: "w" }]);

    await db.query(
      "UPDATE post_jobs SET status = 'running', attempts = 3, locked_by = 'dead', locked_at = now() - interval '1 hour'",
    );
    await worker("w", { leaseMs: 1_000, maxAttempts: 3 }).runUntilIdle();
    expect(await jobs()).toMatchObject([
      { status: "failed", attempts: 3, last_error: expect.stringMatching(/lease/) },
    ]);
  });

  it("run() wakes on NOTIFY and stop() ends it after the job in hand", async () => {
    const w = worker("w", { pollIntervalMs: 600_000, listen: db.clientConfig });
    const running = w.run();
    // The loop sleeps 10 minutes between polls: only the notification can bring this job in.
    const waitForListen = async () => {
      for (;;) {
        const [row] = await db.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN post_jobs'",
        );
        if (row!.n > 0) return;
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    await waitForListen();
    await db.enqueuePosts([{ title: "T", content: "notified" }]);
    for (;;) {
      const [job] = await jobs();
      if (job?.status === "done") break;
      await new Promise((r) => setTimeout(r, 20));
    }
    w.stop();
    await running;
    expect(await jobs()).toMatchObject([{ status: "done", attempts: 1 }]);
  });
});

describe("Worker against a database that is not there", () => {
  it("logs the first of several failed claims only, not one line per poll", async () => {
    const lines: { msg: string }[] = [];
    const pool = new Pool({ host: "127.0.0.1", port: 1, user: "u", password: "p", database: "d" });
    pool.on("error", () => undefined);
    const w = new Worker({
      pool,
      log: createLogger("w", "info", (line) => lines.push(JSON.parse(line))),
      workerId: "w",
      pollIntervalMs: 10,
      maxAttempts: 3,
      retryDelayMs: 0,
      leaseMs: 60_000,
    });
    const steps = w as unknown as { step(): Promise<boolean> };
    for (let i = 0; i < 3; i++) expect(await steps.step()).toBe(false);
    expect(lines.map((l) => l.msg)).toEqual(["could not claim a job; retrying every poll interval"]);
    await pool.end();
  });
});
