import { type ClientConfig, Pool } from "pg";
import type { WorkerConfig } from "./config";
import type { Logger } from "./log";

/** Bounds every query (claims, writes), so the job in hand always ends before the drain deadline. */
export const STATEMENT_TIMEOUT_MS = 10_000;

export function clientConfig(config: WorkerConfig): ClientConfig {
  const { ssl, ...connection } = config.database;
  return {
    ...connection,
    // Explicit, or pg reads PGSSLMODE itself with other semantics.
    ssl: ssl === false ? false : { ...ssl },
    connectionTimeoutMillis: 5_000,
    application_name: "post-worker",
  };
}

export function createPool(config: WorkerConfig, log: Logger): Pool {
  const pool = new Pool({
    ...clientConfig(config),
    max: config.poolMax,
    statement_timeout: STATEMENT_TIMEOUT_MS,
  });
  // An idle client's error (database restart) would otherwise crash the process.
  pool.on("error", (err) => log.warn("idle database connection failed; it will be replaced", { err }));
  return pool;
}
