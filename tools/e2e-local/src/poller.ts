/**
 * The polling client of the redeploy test: `GET <url>/version` every `--interval-ms` (a new request on
 * schedule even while an earlier one is still waiting, so a stuck request cannot hide later ones), each on
 * its own connection (no keep-alive: every request goes through the proxy's upstream choice afresh), one
 * JSON line per finished request appended to `--out` (see PollEntry). Runs as its own process so the
 * test's work cannot delay the schedule; stops on SIGTERM/SIGINT after the requests in flight finish.
 *
 *   node -r @swc-node/register tools/e2e-local/src/poller.ts --url http://127.0.0.1:8080 --out poll.log
 */
import { type ChildProcess, spawn } from "node:child_process";
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import * as http from "node:http";
import { join } from "node:path";
import type { PollEntry } from "./poll-log";

export interface PollerOptions {
  /** Base URL, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  /** Log file (JSON lines), truncated at start. */
  readonly out: string;
  /** @default 100 */
  readonly intervalMs?: number;
  /** A request with no answer after this long counts as failed. @default 10000 */
  readonly timeoutMs?: number;
}

/** One `GET /version` on a fresh connection. */
export function pollOnce(url: string, seq: number, timeoutMs: number): Promise<PollEntry> {
  const startMs = Date.now();
  return new Promise((resolve) => {
    const done = (fields: Omit<PollEntry, "seq" | "startMs" | "endMs">) =>
      resolve({ seq, startMs, endMs: Date.now(), ...fields });
    const fail = (status: number | null, error: string) =>
      done({ ok: false, status, version: null, gitSha: null, hostname: null, error });
    const req = http.get(new URL("/version", url), { agent: false, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", (err) => fail(res.statusCode ?? null, `response: ${err.message}`));
      res.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        if (!res.complete) return fail(res.statusCode ?? null, "response cut off");
        if (res.statusCode !== 200) return fail(res.statusCode ?? null, body.slice(0, 200));
        try {
          const v = JSON.parse(body) as { version?: unknown; git_sha?: unknown; hostname?: unknown };
          if (typeof v.version !== "string" || typeof v.git_sha !== "string") {
            return fail(200, `not /version's JSON: ${body.slice(0, 200)}`);
          }
          done({
            ok: true,
            status: 200,
            version: v.version,
            gitSha: v.git_sha,
            hostname: typeof v.hostname === "string" ? v.hostname : null,
            error: null,
          });
        } catch {
          fail(200, `not JSON: ${body.slice(0, 200)}`);
        }
      });
    });
    req.on("timeout", () => req.destroy(new Error(`no answer in ${timeoutMs} ms`)));
    req.on("error", (err: NodeJS.ErrnoException) => fail(null, err.code ?? err.message));
  });
}

/** Polls until `signal` aborts, then waits for the requests in flight. */
export async function poll(options: PollerOptions, signal: AbortSignal): Promise<number> {
  const interval = options.intervalMs ?? 100;
  const timeout = options.timeoutMs ?? 10_000;
  writeFileSync(options.out, "");
  const inFlight = new Set<Promise<void>>();
  let seq = 0;
  const started = Date.now();
  while (!signal.aborted) {
    const p = pollOnce(options.url, seq++, timeout).then((entry) => {
      appendFileSync(options.out, `${JSON.stringify(entry)}\n`);
      inFlight.delete(p);
    });
    inFlight.add(p);
    // Fixed schedule (start + n * interval), not "interval after the last one": no drift.
    const next = started + seq * interval - Date.now();
    if (next > 0) await new Promise((r) => setTimeout(r, next));
  }
  await Promise.all(inFlight);
  return seq;
}

/** A poller running as a child process. */
export interface RunningPoller {
  readonly logFile: string;
  /** SIGTERM, then waits until the requests in flight are logged and the process exited. */
  stop(): Promise<void>;
}

/**
 * Starts this file as its own process (through @swc-node/register, from the workspace root) and returns
 * once it has logged `warmup` answers, so the caller knows the client runs before it changes anything.
 */
export async function startPoller(
  url: string,
  logFile: string,
  options: { readonly intervalMs?: number; readonly warmup?: number; readonly workspaceRoot: string },
): Promise<RunningPoller> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      "-r",
      "@swc-node/register",
      __filename,
      "--url",
      url,
      "--out",
      logFile,
      "--interval-ms",
      String(options.intervalMs ?? 100),
    ],
    { cwd: options.workspaceRoot, stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  let running = true;
  void exited.then(() => (running = false));
  const stop = async () => {
    if (running) child.kill("SIGTERM");
    const code = await exited;
    if (code !== 0) throw new Error(`poller exited with ${code}: ${stderr.trim()}`);
  };
  const deadline = Date.now() + 30_000;
  const lines = () =>
    existsSync(logFile) ? readFileSync(logFile, "utf8").split("\n").filter(Boolean).length : 0;
  while (lines() < (options.warmup ?? 5)) {
    if (!running || Date.now() > deadline) {
      await stop().catch(() => undefined);
      throw new Error(`poller did not start logging to ${logFile} (${stderr.trim() || "no output"})`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { logFile, stop };
}

/** Path helper for callers that keep several poll logs in one directory. */
export function pollLogFile(dir: string, label: string): string {
  return join(dir, `poll-${label}.jsonl`);
}

function parseArgs(argv: readonly string[]): PollerOptions {
  const get = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const url = get("url");
  const out = get("out");
  if (!url || !out) throw new Error("usage: poller --url <base url> --out <log file> [--interval-ms 100]");
  const intervalMs = Number(get("interval-ms") ?? 100);
  if (!Number.isInteger(intervalMs) || intervalMs < 1)
    throw new Error("--interval-ms must be a positive integer");
  return { url, out, intervalMs };
}

if (require.main === module) {
  const options = parseArgs(process.argv.slice(2));
  const stop = new AbortController();
  process.on("SIGTERM", () => stop.abort());
  process.on("SIGINT", () => stop.abort());
  poll(options, stop.signal).then(
    (n) => {
      process.stdout.write(`poller: ${n} requests to ${options.url}/version -> ${options.out}\n`);
      process.exit(0);
    },
    (err: Error) => {
      process.stderr.write(`poller: ${err.message}\n`);
      process.exit(1);
    },
  );
}
