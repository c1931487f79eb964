import * as os from "node:os";
import type { FastifyInstance } from "fastify";
import type { Pool } from "pg";
import { buildApp } from "../../src/app";
import type { BuildInfo } from "../../src/build-info";
import { createPool } from "../../src/db";
import { Lifecycle } from "../../src/lifecycle";
import type { TestDatabase } from "./test-database";

export const TEST_BUILD_INFO: BuildInfo = {
  name: "sample-service",
  version: "1.2.3",
  buildTime: "2026-01-02T03:04:05.000Z",
  gitSha: "0123456789abcdef0123456789abcdef01234567",
  hostname: os.hostname(),
};

export interface TestApp {
  readonly app: FastifyInstance;
  readonly pool: Pool;
  readonly lifecycle: Lifecycle;
  /** Base URL of the real listener on 127.0.0.1. */
  readonly url: string;
  /** Raw JSON log lines. */
  readonly logs: string[];
  close(): Promise<void>;
}

/** The app in-process on a real port and a real database, logging into an array. */
export async function startTestApp(
  db: TestDatabase,
  options: { enableTestRoutes?: boolean } = {},
): Promise<TestApp> {
  const logs: string[] = [];
  const pool = createPool(db.config, { warn: () => undefined });
  const lifecycle = new Lifecycle();
  const app = buildApp({
    pool,
    buildInfo: TEST_BUILD_INFO,
    lifecycle,
    logLevel: "info",
    enableTestRoutes: options.enableTestRoutes,
    logStream: { write: (line) => logs.push(line) },
  });
  const url = await app.listen({ host: "127.0.0.1", port: 0 });
  let closed = false;
  return {
    app,
    pool,
    lifecycle,
    url,
    logs,
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
      await pool.end().catch(() => undefined);
    },
  };
}

/** fetch + JSON body, for terse assertions. */
export async function request(
  url: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; body: unknown; text: string }> {
  const res = await fetch(url, {
    method: init.method ?? "GET",
    headers: { ...(init.body === undefined ? {} : { "content-type": "application/json" }), ...init.headers },
    body:
      init.body === undefined
        ? undefined
        : typeof init.body === "string"
          ? init.body
          : JSON.stringify(init.body),
  });
  const text = await res.text();
  let body: unknown = text;
  if ((res.headers.get("content-type") ?? "").startsWith("application/json")) body = JSON.parse(text);
  return { status: res.status, headers: res.headers, body, text };
}
