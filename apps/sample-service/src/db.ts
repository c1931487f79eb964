import { type ClientConfig, Pool } from "pg";
import type { DatabaseConfig } from "./config";

/** A connection attempt that hangs (security group, DNS) must fail a request, not stall it. */
export const CONNECT_TIMEOUT_MS = 5_000;
/** Bounds every query, so in-flight work always ends before the shutdown deadline. */
export const STATEMENT_TIMEOUT_MS = 10_000;

export interface WarnLogger {
  warn(obj: object, msg: string): void;
}

/** pg client options for a config; shared by the pool and the migration runner. */
export function clientConfig(config: DatabaseConfig, applicationName: string): ClientConfig {
  const connection =
    config.connectionString !== undefined
      ? { connectionString: config.connectionString }
      : {
          host: config.host,
          port: config.port,
          user: config.user,
          password: config.password,
          database: config.database,
        };
  return {
    ...connection,
    // An explicit value: otherwise pg reads PGSSLMODE itself with different semantics.
    ssl: config.ssl === false ? false : { ...config.ssl },
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: applicationName,
  };
}

export function createPool(config: DatabaseConfig, log: WarnLogger): Pool {
  const pool = new Pool({
    ...clientConfig(config, "sample-service"),
    max: config.poolMax,
    idleTimeoutMillis: 30_000,
    statement_timeout: STATEMENT_TIMEOUT_MS,
  });
  // Without a listener, an idle client's error (database restart, failover) crashes the process.
  pool.on("error", (err) => log.warn({ err }, "idle database connection failed; it will be replaced"));
  return pool;
}

/** Node socket errors that mean "cannot reach the database". */
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
]);

/** SQLSTATEs of a database that is down, starting, overloaded or too slow. */
const UNAVAILABLE_SQLSTATES = new Set(["57P01", "57P02", "57P03", "53300", "57014"]);

/** pg's own messages for connections that died or never came up. */
const UNAVAILABLE_MESSAGES = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect/,
  /is not queryable/,
  /^Cannot use a pool after calling end/,
  /^Query read timeout/,
];

/**
 * Why the database cannot serve a request right now, or undefined for errors that are bugs.
 * Callers answer 503 for the former (and the load balancer retries elsewhere).
 */
export function databaseUnavailableReason(err: unknown): string | undefined {
  if (!(err instanceof Error)) return undefined;
  const code = (err as { code?: unknown }).code;
  if (typeof code === "string") {
    if (NETWORK_CODES.has(code)) return `database unreachable (${code})`;
    if (code.startsWith("08")) return `database connection failed (SQLSTATE ${code})`;
    if (UNAVAILABLE_SQLSTATES.has(code)) return `database unavailable (SQLSTATE ${code})`;
    // The service started before `migrate` ran: unavailable until it does, not a crash.
    if (code === "42P01") return "database schema is not migrated (run migrate)";
  }
  // Aggregated connect failures (IPv4 + IPv6) carry the codes on their parts.
  if (err instanceof AggregateError) {
    for (const inner of err.errors) {
      const reason = databaseUnavailableReason(inner);
      if (reason !== undefined) return reason;
    }
  }
  if (UNAVAILABLE_MESSAGES.some((re) => re.test(err.message))) return `database unavailable (${err.message})`;
  return undefined;
}
