/**
 * Benchmark (prints figures; not a test): the built service on a throwaway PostgreSQL, measured
 * with autocannon, next to a bare node:http server in the same run.
 *
 *   npx nx run sample-service:bench      (builds first)
 *
 * BENCH_DURATION_SECONDS (default 10), BENCH_CONNECTIONS (default 10), BENCH_LOG_LEVEL (default
 * info, as in production: every request writes two JSON lines, consumed through a pipe).
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import autocannon from "autocannon";
import { Client } from "pg";
import { createDatabase, freePort, PostgresCluster } from "../test/support/postgres-cluster";

const APP_DIR = path.resolve(__dirname, "..");
const DURATION_SECONDS = Number(process.env.BENCH_DURATION_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? "info";
const WARMUP_SECONDS = 2;

interface Scenario {
  readonly name: string;
  readonly url: string;
  readonly method?: string;
  readonly body?: string;
}

interface Figures {
  readonly name: string;
  readonly reqPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly requests: number;
  readonly failures: number;
}

/**
 * Starts a node process, draining its stdout (as a log driver would); `port` resolves with the
 * port `portFrom` finds in a line, when given.
 */
function startProcess(
  args: string[],
  env: Record<string, string>,
  portFrom?: (line: string) => number | undefined,
) {
  const child = spawn(process.execPath, args, {
    cwd: APP_DIR,
    env: { PATH: process.env.PATH ?? "", ...env },
  });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (c: string) => {
    stderr += c;
  });
  let partial = "";
  const lineListeners: ((line: string) => void)[] = [];
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    const lines = (partial + chunk).split("\n");
    partial = lines.pop()!;
    for (const line of lines) for (const listener of lineListeners) listener(line);
  });
  const port =
    portFrom === undefined
      ? undefined
      : new Promise<number>((resolve, reject) => {
          lineListeners.push((line) => {
            const found = portFrom(line);
            if (found !== undefined) resolve(found);
          });
          child.once("exit", (code) =>
            reject(new Error(`${args.join(" ")} exited (${code}) before listening\n${stderr}`)),
          );
        });
  return { child, port };
}

async function waitUntilReady(url: string, child: ChildProcess): Promise<void> {
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`the service exited (${child.exitCode}) before it was ready`);
    const status = await fetch(url).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

async function measure(s: Scenario): Promise<Figures> {
  const options: autocannon.Options = {
    url: s.url,
    connections: CONNECTIONS,
    method: s.method ?? "GET",
    headers: s.body === undefined ? {} : { "content-type": "application/json" },
    body: s.body,
  };
  await autocannon({ ...options, duration: WARMUP_SECONDS });
  const r = await autocannon({ ...options, duration: DURATION_SECONDS });
  return {
    name: s.name,
    reqPerSec: r.requests.average,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    requests: r.requests.total,
    failures: r.errors + r.timeouts + r.non2xx,
  };
}

/** autocannon records whole milliseconds. */
function ms(value: number): string {
  return value < 1 ? "<1" : value.toFixed(0);
}

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(APP_DIR, "dist", "server.js"))) {
    throw new Error(
      "dist/server.js is missing: run `npx nx run sample-service:build` (the bench target does)",
    );
  }
  const cluster = await PostgresCluster.create();
  const children: ChildProcess[] = [];
  const cleanUp = async () => {
    for (const child of children) await stop(child);
    await cluster.destroy();
  };
  // Ctrl-C must not leave the servers and the cluster behind.
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      void cleanUp().finally(() => process.exit(130));
    });
  }
  try {
    const database = await createDatabase(cluster.settings(), "bench");
    const dbEnv = {
      PGHOST: cluster.host,
      PGPORT: String(cluster.port),
      PGUSER: cluster.user,
      PGPASSWORD: cluster.password,
      PGDATABASE: database,
    };
    await promisify(execFile)(process.execPath, ["dist/migrate.js"], {
      cwd: APP_DIR,
      env: { PATH: process.env.PATH ?? "", ...dbEnv, LOG_LEVEL: "warn" },
    });
    const client = new Client({ ...cluster.settings(), database });
    await client.connect();
    await client.query(
      "INSERT INTO posts (title, content) SELECT 'post ' || g, repeat('lorem ipsum ', 20) FROM generate_series(1, 100) g",
    );
    await client.end();

    // A port chosen here: at LOG_LEVEL=warn the server does not log where it listens.
    const servicePort = await freePort();
    const service = startProcess(["dist/server.js"], {
      ...dbEnv,
      HOST: "127.0.0.1",
      PORT: String(servicePort),
      LOG_LEVEL,
    });
    children.push(service.child);
    // The same JSON body /version returns, from a server with no framework at all.
    const bareCode = `
      const body = JSON.stringify({ version: "1.0.0", build_time: new Date().toISOString(), git_sha: "unknown", hostname: require("os").hostname() });
      require("http").createServer((req, res) => {
        res.writeHead(200, { "content-type": "application/json; charset=utf-8" });
        res.end(body);
      }).listen(0, "127.0.0.1", function () { console.log("port " + this.address().port); });`;
    const bare = startProcess(["-e", bareCode], {}, (line) => {
      const m = /^port (\d+)$/.exec(line);
      return m === null ? undefined : Number(m[1]);
    });
    children.push(bare.child);
    const barePort = await bare.port!;
    await waitUntilReady(`http://127.0.0.1:${servicePort}/_ready`, service.child);

    const scenarios: Scenario[] = [
      { name: "bare node:http hello-world", url: `http://127.0.0.1:${barePort}/` },
      { name: "GET /version", url: `http://127.0.0.1:${servicePort}/version` },
      { name: "GET /posts?limit=100 (100 rows)", url: `http://127.0.0.1:${servicePort}/posts?limit=100` },
      {
        name: "POST /posts",
        url: `http://127.0.0.1:${servicePort}/posts`,
        method: "POST",
        body: JSON.stringify({ title: "bench post", content: "written by autocannon" }),
      },
    ];
    const results: Figures[] = [];
    for (const s of scenarios) {
      process.stderr.write(`measuring ${s.name} (${WARMUP_SECONDS} s warm-up + ${DURATION_SECONDS} s)...\n`);
      results.push(await measure(s));
    }

    const cpus = os.cpus();
    console.log(
      `\nsample-service benchmark: node ${process.version}, ${cpus.length} x ${cpus[0]?.model ?? "cpu"}, ` +
        `PostgreSQL on 127.0.0.1, ${CONNECTIONS} connections, ${DURATION_SECONDS} s per scenario, LOG_LEVEL=${LOG_LEVEL}`,
    );
    console.log(
      "(autocannon, the service and PostgreSQL share this machine's CPUs; latency resolution is 1 ms)\n",
    );
    const header = ["scenario", "req/s", "p50 ms", "p99 ms", "requests", "failed"];
    const rows = results.map((r) => [
      r.name,
      r.reqPerSec.toFixed(0),
      ms(r.p50Ms),
      ms(r.p99Ms),
      String(r.requests),
      String(r.failures),
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
    const fmt = (cells: string[]) =>
      cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
    console.log(fmt(header));
    for (const row of rows) console.log(fmt(row));
    const version = results[1]!;
    const bareFigures = results[0]!;
    console.log(
      `\nGET /version vs bare node:http: ${(version.reqPerSec / bareFigures.reqPerSec).toFixed(2)}x req/s, ` +
        `p99 ${ms(version.p99Ms)} ms vs ${ms(bareFigures.p99Ms)} ms`,
    );
  } finally {
    await cleanUp();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exitCode = 1;
});
