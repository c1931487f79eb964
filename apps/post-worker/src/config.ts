import * as os from "node:os";
import type { ClientConfig } from "pg";

/** Environment as handed to the process (`process.env` or a test's object). */
export type Env = Readonly<Record<string, string | undefined>>;

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** ECS sends SIGKILL 30 s after SIGTERM: the drain deadline stays a second below that. */
const MAX_SHUTDOWN_MS = 29_000;

export interface WorkerConfig {
  /** pg client settings: DATABASE_URL, or the PG* variables ECS injects. */
  readonly database: Pick<
    ClientConfig,
    "connectionString" | "host" | "port" | "user" | "password" | "database"
  > & {
    readonly ssl: false | { readonly rejectUnauthorized: boolean };
  };
  /** host:port/db, safe to log. */
  readonly databaseLabel: string;
  readonly poolMax: number;
  readonly logLevel: LogLevel;
  /** Stored in post_jobs.locked_by: which worker holds a job. */
  readonly workerId: string;
  /** Sleep between claims when the queue is empty (a NOTIFY wakes the worker earlier). */
  readonly pollIntervalMs: number;
  /** LISTEN on channel post_jobs to pick up new jobs without waiting for the next poll. */
  readonly listen: boolean;
  /** A job that failed this many times is marked failed and left alone. */
  readonly maxAttempts: number;
  /** A failed job is retried after attempts x this. */
  readonly retryDelayMs: number;
  /** A running job whose worker has not finished it after this long is claimed again (worker died). */
  readonly leaseMs: number;
  /** After SIGTERM: how long the job in hand may take; then it is released to the queue. */
  readonly shutdownTimeoutMs: number;
  /** Tests only: before processing, wait for PostgreSQL advisory lock with this key. */
  readonly testHoldLockKey?: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Reads the whole environment and reports every problem at once (the process then exits 1). */
export function loadWorkerConfig(env: Env): WorkerConfig {
  const problems: string[] = [];
  // ECS and docker-compose render unset values as "": both mean "use the default".
  const value = (name: string) => (env[name]?.trim() ? env[name]!.trim() : undefined);
  const number = (name: string, fallback: number, [min, max]: [number, number]) => {
    const text = value(name) ?? String(fallback);
    const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
    if (n >= min && n <= max) return n;
    problems.push(`${name} must be an integer from ${min} to ${max} (got ${JSON.stringify(text)})`);
    return fallback;
  };
  const choice = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const text = (value(name) ?? fallback).toLowerCase();
    if ((allowed as readonly string[]).includes(text)) return text as T;
    problems.push(`${name} must be one of ${allowed.join(", ")} (got ${JSON.stringify(value(name))})`);
    return fallback;
  };

  // libpq's PGSSLMODE names, as sample-service reads them: require = TLS without a CA check (RDS).
  const sslMode = choice("PGSSLMODE", ["disable", "no-verify", "require", "verify-full"], "disable");
  const ssl = sslMode === "disable" ? false : { rejectUnauthorized: sslMode === "verify-full" };
  let database: WorkerConfig["database"];
  let databaseLabel: string;
  const url = value("DATABASE_URL");
  if (url !== undefined) {
    database = { connectionString: url, ssl };
    const parsed = URL.canParse(url) ? new URL(url) : undefined;
    // Never echo the URL: it holds the password.
    if (parsed === undefined || !/^postgres(ql)?:$/.test(parsed.protocol)) {
      problems.push("DATABASE_URL must be a URL like postgres://user:password@host:5432/db");
    }
    databaseLabel = parsed ? `${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}` : "DATABASE_URL";
  } else {
    const missing = ["PGHOST", "PGUSER", "PGPASSWORD", "PGDATABASE"].filter((n) => value(n) === undefined);
    if (missing.length > 0) {
      problems.push(
        `set DATABASE_URL, or all of PGHOST, PGUSER, PGPASSWORD, PGDATABASE (missing: ${missing})`,
      );
    }
    const port = number("PGPORT", 5432, [1, 65535]);
    // A password may start or end with spaces: taken as given.
    database = {
      host: value("PGHOST"),
      port,
      user: value("PGUSER"),
      password: env.PGPASSWORD,
      database: value("PGDATABASE"),
      ssl,
    };
    databaseLabel = `${database.host}:${port}/${database.database}`;
  }

  const holdKey = value("WORKER_TEST_HOLD_LOCK_KEY");
  const config: WorkerConfig = {
    database,
    databaseLabel,
    // One connection for the job in hand, one to release it at the drain deadline.
    poolMax: number("DB_POOL_MAX", 2, [1, 100]),
    logLevel: choice("LOG_LEVEL", LOG_LEVELS, "info"),
    workerId: value("WORKER_ID") ?? `${os.hostname()}-${process.pid}`,
    pollIntervalMs: number("WORKER_POLL_INTERVAL_MS", 500, [10, 600_000]),
    listen: choice("WORKER_LISTEN", ["0", "1"], "1") === "1",
    maxAttempts: number("WORKER_MAX_ATTEMPTS", 5, [1, 1000]),
    retryDelayMs: number("WORKER_RETRY_DELAY_MS", 1_000, [0, 3_600_000]),
    leaseMs: number("WORKER_LEASE_MS", 300_000, [1_000, 86_400_000]),
    shutdownTimeoutMs: number("SHUTDOWN_TIMEOUT_MS", 20_000, [100, MAX_SHUTDOWN_MS]),
    testHoldLockKey: holdKey === undefined ? undefined : number("WORKER_TEST_HOLD_LOCK_KEY", 0, [1, 2 ** 31]),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
