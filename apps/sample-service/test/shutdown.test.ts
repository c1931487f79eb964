import * as net from "node:net";
import type { Client } from "pg";
import { createGracefulShutdown } from "../src/shutdown";
import { ServiceProcess } from "./support/service-process";
import { request, startTestApp } from "./support/test-app";
import { TestDatabase } from "./support/test-database";

/** Advisory lock the test route waits on; the test holds it to keep requests in flight. */
const KEY = 4242;

let db: TestDatabase;
let holder: Client;

beforeAll(async () => {
  db = await TestDatabase.create();
});

beforeEach(async () => {
  holder = await db.client();
});

afterEach(async () => {
  await ServiceProcess.killAll();
  await holder.end();
});

afterAll(async () => {
  await db.drop();
});

function startServer(env: Record<string, string> = {}): ServiceProcess {
  return ServiceProcess.start("server", {
    ...db.env,
    HOST: "127.0.0.1",
    PORT: "0",
    ENABLE_TEST_ROUTES: "1",
    ...env,
  });
}

/** Requests blocked in PostgreSQL behind our lock (i.e. provably in flight in the server). */
async function waitForBlockedRequests(n: number, server: ServiceProcess): Promise<void> {
  for (;;) {
    const { rows } = await holder.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_database d ON d.oid = l.database
       WHERE l.locktype = 'advisory' AND NOT l.granted AND d.datname = current_database()`,
    );
    if (rows[0]!.n >= n) return;
    if (!server.isRunning) throw new Error(`server exited\n${server.output()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Resolves with the connect error code, or "connected". */
function tryConnect(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname);
    socket.once("connect", () => {
      socket.destroy();
      resolve("connected");
    });
    socket.once("error", (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

async function waitUntilRefused(url: string, server: ServiceProcess): Promise<void> {
  while ((await tryConnect(url)) !== "ECONNREFUSED") {
    if (!server.isRunning) throw new Error(`server exited before refusing connections\n${server.output()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("SIGTERM", () => {
  it("lets in-flight requests finish, refuses new connections, closes the pool and exits 0", async () => {
    await holder.query("SELECT pg_advisory_lock($1)", [KEY]);
    const server = startServer();
    const url = await server.listening();
    let finished = 0;
    const inFlight = [1, 2, 3].map(() =>
      request(`${url}/_test/wait-for-lock/${KEY}`).then((res) => {
        finished++;
        return res;
      }),
    );
    await waitForBlockedRequests(3, server);

    server.kill("SIGTERM");
    await server.waitForLog((l) => l.msg === "shutdown started; readiness now reports 503", "shutdown start");
    await waitUntilRefused(url, server);
    // Still draining: the three requests wait on our lock, and the process waits for them.
    expect(finished).toBe(0);
    expect(server.isRunning).toBe(true);

    await holder.query("SELECT pg_advisory_unlock($1)", [KEY]);
    const responses = await Promise.all(inFlight);
    expect(responses.map((r) => [r.status, r.body])).toEqual([
      [200, { waited: true }],
      [200, { waited: true }],
      [200, { waited: true }],
    ]);
    expect(await server.exit).toEqual({ code: 0, signal: null });
    const messages = server.logs().map((l) => l.msg);
    expect(messages).toEqual(
      expect.arrayContaining([
        "listener closed and in-flight requests finished",
        "database pool closed; shutdown complete",
      ]),
    );
    expect(messages.indexOf("listener closed and in-flight requests finished")).toBeGreaterThan(
      messages.lastIndexOf("request completed"),
    );
  });

  it("exits 1 at SHUTDOWN_TIMEOUT_MS when a request outlives the deadline", async () => {
    await holder.query("SELECT pg_advisory_lock($1)", [KEY]);
    const server = startServer({ SHUTDOWN_TIMEOUT_MS: "300" });
    const url = await server.listening();
    const stuck = request(`${url}/_test/wait-for-lock/${KEY}`).then(
      (res) => `answered ${res.status}`,
      (err: Error) => `failed: ${err.message}`,
    );
    await waitForBlockedRequests(1, server);
    server.kill("SIGTERM");
    expect(await server.exit).toEqual({ code: 1, signal: null });
    expect(server.logs().map((l) => l.msg)).toContain(
      "shutdown deadline exceeded; exiting with work still in flight",
    );
    expect(await stuck).toBe("failed: fetch failed");
  });

  it("SIGINT drains the same way", async () => {
    const server = startServer();
    await server.listening();
    server.kill("SIGINT");
    expect(await server.exit).toEqual({ code: 0, signal: null });
    expect(server.logs().find((l) => l.msg.startsWith("shutdown started"))).toMatchObject({
      reason: "SIGINT",
    });
  });
});

describe("createGracefulShutdown", () => {
  it("reports 503 on /_ready during the drain delay while serving everything else, then closes", async () => {
    const t = await startTestApp(db);
    let openGate!: () => void;
    const gate = new Promise<void>((resolve) => {
      openGate = resolve;
    });
    const exitCodes: number[] = [];
    const shutdown = createGracefulShutdown({
      app: t.app,
      pool: t.pool,
      lifecycle: t.lifecycle,
      log: t.app.log,
      timeoutMs: 10_000,
      drainDelayMs: 5_000,
      exit: (code) => exitCodes.push(code),
      wait: () => gate,
    });
    const done = shutdown.shutdown("SIGTERM");

    const ready = await request(`${t.url}/_ready`);
    expect(ready.status).toBe(503);
    expect(ready.body).toEqual({ status: "unavailable", reason: "shutting down (SIGTERM)" });
    expect((await request(`${t.url}/posts`)).status).toBe(200);
    expect(exitCodes).toEqual([]);

    openGate();
    await done;
    expect(exitCodes).toEqual([0]);
    expect(t.pool.ended).toBe(true);
    expect(await tryConnect(t.url)).toBe("ECONNREFUSED");
  });

  it("runs once when signalled twice", async () => {
    const t = await startTestApp(db);
    const exitCodes: number[] = [];
    const shutdown = createGracefulShutdown({
      app: t.app,
      pool: t.pool,
      lifecycle: t.lifecycle,
      log: t.app.log,
      timeoutMs: 10_000,
      drainDelayMs: 0,
      exit: (code) => exitCodes.push(code),
    });
    await Promise.all([shutdown.shutdown("SIGTERM"), shutdown.shutdown("SIGINT")]);
    expect(exitCodes).toEqual([0]);
    expect(t.lifecycle.reason).toBe("SIGTERM");
  });
});
