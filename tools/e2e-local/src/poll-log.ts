import { readFileSync } from "node:fs";

/** One request of the polling client, as a JSON line in its log (see poller.ts). */
export interface PollEntry {
  /** Request number, in the order the requests were started. */
  readonly seq: number;
  /** When the request was sent / answered (or failed), epoch milliseconds. */
  readonly startMs: number;
  readonly endMs: number;
  /** True for a 200 whose body is `/version`'s JSON; anything else counts as a failed request. */
  readonly ok: boolean;
  /** HTTP status, or null when no response arrived. */
  readonly status: number | null;
  readonly version: string | null;
  readonly gitSha: string | null;
  /** The replica that answered (`/version`'s hostname). */
  readonly hostname: string | null;
  /** Why the request failed (network error, status, unparsable body); null when ok. */
  readonly error: string | null;
}

/** A deployed build as `/version` reports it. */
export interface BuildId {
  readonly version: string;
  readonly gitSha: string;
}

/** What a log says about one redeploy from `from` to `to`. */
export interface RedeployAnalysis {
  readonly total: number;
  readonly failed: readonly PollEntry[];
  /** ok answers that are neither `from` nor `to`. */
  readonly unexpected: readonly PollEntry[];
  readonly oldCount: number;
  readonly newCount: number;
  /** Distinct replicas (hostnames) that answered with each build. */
  readonly oldReplicas: readonly string[];
  readonly newReplicas: readonly string[];
  /** Version of the first and of the last ok answer ("old" / "new" / "other"), undefined if none. */
  readonly first?: "old" | "new" | "other";
  readonly last?: "old" | "new" | "other";
  readonly firstNew?: PollEntry;
  readonly lastOld?: PollEntry;
  /**
   * Old answers to requests sent after the client had already received a new one: what a client sees
   * going back to the old version while both run.
   */
  readonly oldAfterNew: readonly PollEntry[];
  /**
   * Switch-over time: last old answer minus first new answer (ms). Positive = both versions answered
   * during that window (round-robin over old and new replicas); zero or negative = a clean cut.
   */
  readonly switchOverMs?: number;
  /** Slowest answer (ms) and its request. */
  readonly maxLatencyMs: number;
}

/** Parses a poller log (JSON lines); a malformed line is an error naming its line number. */
export function readPollLog(file: string): PollEntry[] {
  const lines = readFileSync(file, "utf8").split("\n");
  const entries: PollEntry[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    try {
      entries.push(JSON.parse(line) as PollEntry);
    } catch (err) {
      throw new Error(`${file}:${i + 1}: not a JSON line (${(err as Error).message})`);
    }
  });
  return entries.sort((a, b) => a.seq - b.seq);
}

function classify(e: PollEntry, from: BuildId, to: BuildId): "old" | "new" | "other" {
  if (e.version === from.version && e.gitSha === from.gitSha) return "old";
  if (e.version === to.version && e.gitSha === to.gitSha) return "new";
  return "other";
}

/** Reads a redeploy from a poll log: failures, order of versions, switch-over. */
export function analyzeRedeploy(entries: readonly PollEntry[], from: BuildId, to: BuildId): RedeployAnalysis {
  if (from.version === to.version && from.gitSha === to.gitSha) {
    throw new Error(`analyzeRedeploy: "from" and "to" are the same build (${from.version} ${from.gitSha})`);
  }
  const ordered = [...entries].sort((a, b) => a.seq - b.seq);
  const ok = ordered.filter((e) => e.ok);
  const kinds = ok.map((e) => ({ e, kind: classify(e, from, to) }));
  const olds = kinds.filter((k) => k.kind === "old").map((k) => k.e);
  const news = kinds.filter((k) => k.kind === "new").map((k) => k.e);
  // The first new answer the client received (by arrival, not by send order).
  const firstNew = [...news].sort((a, b) => a.endMs - b.endMs)[0];
  const lastOld = [...olds].sort((a, b) => b.endMs - a.endMs)[0];
  const replicas = (list: readonly PollEntry[]) =>
    [...new Set(list.map((e) => e.hostname).filter((h): h is string => !!h))].sort();
  return {
    total: ordered.length,
    failed: ordered.filter((e) => !e.ok),
    unexpected: kinds.filter((k) => k.kind === "other").map((k) => k.e),
    oldCount: olds.length,
    newCount: news.length,
    oldReplicas: replicas(olds),
    newReplicas: replicas(news),
    first: kinds[0]?.kind,
    last: kinds.at(-1)?.kind,
    firstNew,
    lastOld,
    oldAfterNew: firstNew ? olds.filter((e) => e.startMs > firstNew.endMs) : [],
    switchOverMs: firstNew && lastOld ? lastOld.endMs - firstNew.endMs : undefined,
    maxLatencyMs: ordered.reduce((m, e) => Math.max(m, e.endMs - e.startMs), 0),
  };
}

/** One line per fact, for test failure messages and the benchmark. */
export function describeRedeploy(a: RedeployAnalysis, t0Ms?: number): string[] {
  const at = (ms: number | undefined) =>
    ms === undefined
      ? "-"
      : t0Ms === undefined
        ? new Date(ms).toISOString()
        : `+${((ms - t0Ms) / 1000).toFixed(2)}s`;
  const lines = [
    `requests ${a.total}: ${a.oldCount} old, ${a.newCount} new, ${a.failed.length} failed, ${a.unexpected.length} unexpected`,
    `replicas answering: old ${a.oldReplicas.length} (${a.oldReplicas.join(", ")}), new ${a.newReplicas.length} (${a.newReplicas.join(", ")})`,
    `first answer ${a.first ?? "-"}, last answer ${a.last ?? "-"}`,
    `first new answer at ${at(a.firstNew?.endMs)}, last old answer at ${at(a.lastOld?.endMs)}`,
    a.switchOverMs === undefined
      ? "switch-over: not observed (one of the versions never answered)"
      : a.switchOverMs > 0
        ? `switch-over: both versions answered for ${(a.switchOverMs / 1000).toFixed(2)} s (${a.oldAfterNew.length} old answers after the first new one)`
        : `switch-over: clean cut (last old ${(-a.switchOverMs / 1000).toFixed(2)} s before the first new)`,
    `slowest answer ${(a.maxLatencyMs / 1000).toFixed(3)} s`,
  ];
  for (const f of a.failed.slice(0, 10)) {
    lines.push(`  failed #${f.seq} at ${at(f.startMs)}: ${f.status ?? "no response"} ${f.error ?? ""}`);
  }
  return lines;
}
