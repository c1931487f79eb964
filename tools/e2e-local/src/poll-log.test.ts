import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analyzeRedeploy, type BuildId, describeRedeploy, type PollEntry, readPollLog } from "./poll-log";

const OLD: BuildId = { version: "1.0.0", gitSha: "a".repeat(40) };
const NEW: BuildId = { version: "1.0.1", gitSha: "b".repeat(40) };

/** A log with one request per 100 ms answered in 5 ms; `answers` are "old", "new" or "fail". */
function log(
  answers: readonly ("old" | "new" | "fail")[],
  host = (i: number) => `replica-${i % 2}`,
): PollEntry[] {
  return answers.map((a, seq) => {
    const startMs = 1_000_000 + seq * 100;
    const build = a === "old" ? OLD : a === "new" ? NEW : undefined;
    return {
      seq,
      startMs,
      endMs: startMs + 5,
      ok: build !== undefined,
      status: build ? 200 : null,
      version: build?.version ?? null,
      gitSha: build?.gitSha ?? null,
      hostname: build ? `${a}-${host(seq)}` : null,
      error: build ? null : "ECONNREFUSED",
    };
  });
}

describe("analyzeRedeploy", () => {
  it("a clean cut: old then new, no failure, a negative switch-over", () => {
    const a = analyzeRedeploy(log(["old", "old", "old", "new", "new"]), OLD, NEW);
    expect(a).toMatchObject({ total: 5, oldCount: 3, newCount: 2, first: "old", last: "new" });
    expect(a.failed).toEqual([]);
    expect(a.oldAfterNew).toEqual([]);
    expect(a.switchOverMs).toBe(-100);
  });

  it("counts failed requests and names them", () => {
    const a = analyzeRedeploy(log(["old", "fail", "new"]), OLD, NEW);
    expect(a.failed.map((e) => e.seq)).toEqual([1]);
  });

  it("measures the window in which both versions answered (round-robin over old and new replicas)", () => {
    const a = analyzeRedeploy(log(["old", "new", "old", "new", "old", "new", "new"]), OLD, NEW);
    expect(a.switchOverMs).toBe(300);
    expect(a.oldAfterNew.map((e) => e.seq)).toEqual([2, 4]);
    expect([a.first, a.last]).toEqual(["old", "new"]);
  });

  it("orders by when the first new answer arrived, not by when its request was sent", () => {
    const entries = log(["old", "new", "old"]);
    // Request 1 (new) was slow: it arrived after request 2 (old) was sent, so that old answer is not "after new".
    const slow = entries.map((e) => (e.seq === 1 ? { ...e, endMs: e.startMs + 250 } : e));
    expect(analyzeRedeploy(slow, OLD, NEW).oldAfterNew).toEqual([]);
  });

  it("an answer from neither build is unexpected, not old or new", () => {
    const other = { ...log(["old"])[0], seq: 1, version: "0.9.0" };
    const a = analyzeRedeploy([...log(["old"]), other], OLD, NEW);
    expect(a.unexpected.map((e) => e.seq)).toEqual([1]);
    expect(a.last).toBe("other");
  });

  it("lists the replicas that answered per build", () => {
    const a = analyzeRedeploy(log(["old", "old", "new", "new"]), OLD, NEW);
    expect(a.oldReplicas).toEqual(["old-replica-0", "old-replica-1"]);
    expect(a.newReplicas).toEqual(["new-replica-0", "new-replica-1"]);
  });

  it("refuses the same build as from and to", () => {
    expect(() => analyzeRedeploy([], OLD, OLD)).toThrow(/same build/);
  });

  it("describes the outcome in lines", () => {
    const lines = describeRedeploy(analyzeRedeploy(log(["old", "fail", "new"]), OLD, NEW), 1_000_000);
    expect(lines[0]).toBe("requests 3: 1 old, 1 new, 1 failed, 0 unexpected");
    expect(lines.join("\n")).toMatch(/failed #1 at \+0\.10s: no response ECONNREFUSED/);
  });
});

describe("readPollLog", () => {
  const dir = mkdtempSync(join(tmpdir(), "poll-log-test-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads JSON lines in request order", () => {
    const file = join(dir, "ok.jsonl");
    const [a, b] = log(["old", "new"]);
    writeFileSync(file, `${JSON.stringify(b)}\n${JSON.stringify(a)}\n\n`);
    expect(readPollLog(file).map((e) => e.seq)).toEqual([0, 1]);
  });

  it("names the line that is not JSON", () => {
    const file = join(dir, "bad.jsonl");
    writeFileSync(file, `${JSON.stringify(log(["old"])[0])}\n{oops\n`);
    expect(() => readPollLog(file)).toThrow(/bad\.jsonl:2: not a JSON line/);
  });
});
