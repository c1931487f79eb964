import * as path from "node:path";

/** Environment as handed to the process (`process.env` or a test's object). */
export type Env = Readonly<Record<string, string | undefined>>;

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * TLS towards PostgreSQL, libpq's PGSSLMODE names. `require` encrypts without verifying the
 * certificate (libpq semantics; RDS's CA is not in Node's store), `verify-full` verifies it
 * against Node's CAs plus NODE_EXTRA_CA_CERTS. `prefer`/`allow` are refused: pg cannot fall back.
 */
export const SSL_MODES = ["disable", "no-verify", "require", "verify-full"] as const;
export type SslMode = (typeof SSL_MODES)[number];

/** ECS stops a task with SIGKILL 30 s after SIGTERM; shutdown must finish before that. */
export const ECS_STOP_TIMEOUT_MS = 30_000;

/** How to reach PostgreSQL: pg's client options, without secrets in any error message. */
export interface DatabaseConfig {
  /** From DATABASE_URL; when set, the discrete fields below are unset. */
  readonly connectionString?: string;
  readonly host?: string;
  readonly port?: number;
  readonly user?: string;
  readonly password?: string;
  readonly database?: string;
  /** `false` = plain TCP; otherwise TLS with or without certificate verification. */
  readonly ssl: false | { readonly rejectUnauthorized: boolean };
  /** Upper bound of pooled connections per process. */
  readonly poolMax: number;
  /** Safe to log: host, port and database name, never the password. */
  readonly description: string;
}

export interface ServerConfig {
  readonly host: string;
  /** 0 = an ephemeral port (tests); the bound port is logged. */
  readonly port: number;
  readonly logLevel: LogLevel;
  /** Hard deadline for a graceful shutdown; the process exits 1 if in-flight work outlives it. */
  readonly shutdownTimeoutMs: number;
  /** Time between SIGTERM and closing the listener, during which /_ready answers 503. */
  readonly shutdownDrainDelayMs: number;
  /** Registers /_test/* routes (tests only). */
  readonly enableTestRoutes: boolean;
  readonly database: DatabaseConfig;
}

export interface MigrateConfig {
  readonly logLevel: LogLevel;
  readonly migrationsDir: string;
  /** How long to wait for another migrate run's advisory lock before failing. */
  readonly lockTimeoutMs: number;
  readonly database: DatabaseConfig;
}

/** Every problem found in the environment, each naming the variable and what is allowed. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Collects problems so that one start reports all of them, not one per attempt. */
class Reader {
  readonly problems: string[] = [];

  constructor(private readonly env: Env) {}

  /** Unset and empty are the same: ECS and docker-compose render missing values as "". */
  raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === "" ? undefined : value.trim();
  }

  /** Passwords may legitimately start or end with spaces: take them as given. */
  exact(name: string): string | undefined {
    return this.raw(name) === undefined ? undefined : this.env[name];
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      this.problems.push(`${name} must be an integer from ${min} to ${max} (got ${JSON.stringify(value)})`);
      return fallback;
    }
    return Number(value);
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const found = allowed.find((a) => a === value.toLowerCase());
    if (found === undefined) {
      this.problems.push(`${name} must be one of ${allowed.join(", ")} (got ${JSON.stringify(value)})`);
      return fallback;
    }
    return found;
  }

  finish<T>(result: T): T {
    if (this.problems.length > 0) throw new ConfigError(this.problems);
    return result;
  }
}

const PG_DISCRETE_VARIABLES = ["PGHOST", "PGUSER", "PGPASSWORD", "PGDATABASE"] as const;

function readDatabase(r: Reader): DatabaseConfig {
  const sslMode = r.oneOf("PGSSLMODE", SSL_MODES, "disable");
  const ssl = sslMode === "disable" ? false : { rejectUnauthorized: sslMode === "verify-full" };
  const poolMax = r.integer("DB_POOL_MAX", 10, 1, 1000);
  const url = r.raw("DATABASE_URL");
  if (url !== undefined) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      // The value may hold a password: never echo it.
      r.problems.push(
        "DATABASE_URL must be a URL like postgres://user:password@host:5432/db (it does not parse)",
      );
    }
    if (parsed !== undefined && parsed.protocol !== "postgres:" && parsed.protocol !== "postgresql:") {
      r.problems.push(
        `DATABASE_URL must use the postgres:// or postgresql:// scheme (got ${parsed.protocol}//)`,
      );
    }
    const description =
      parsed === undefined ? "DATABASE_URL" : `${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`;
    return { connectionString: url, ssl, poolMax, description };
  }
  const missing = PG_DISCRETE_VARIABLES.filter((name) => r.raw(name) === undefined);
  if (missing.length > 0) {
    r.problems.push(
      `database settings missing: set DATABASE_URL, or all of ${PG_DISCRETE_VARIABLES.join(", ")} ` +
        `(missing: ${missing.join(", ")})`,
    );
  }
  const host = r.raw("PGHOST");
  const port = r.integer("PGPORT", 5432, 1, 65535);
  const database = r.raw("PGDATABASE");
  return {
    host,
    port,
    user: r.raw("PGUSER"),
    password: r.exact("PGPASSWORD"),
    database,
    ssl,
    poolMax,
    description: `${host}:${port}/${database}`,
  };
}

export function loadDatabaseConfig(env: Env): DatabaseConfig {
  const r = new Reader(env);
  return r.finish(readDatabase(r));
}

export function loadServerConfig(env: Env): ServerConfig {
  const r = new Reader(env);
  const shutdownTimeoutMs = r.integer("SHUTDOWN_TIMEOUT_MS", 20_000, 100, ECS_STOP_TIMEOUT_MS - 1_000);
  const shutdownDrainDelayMs = r.integer("SHUTDOWN_DRAIN_DELAY_MS", 0, 0, ECS_STOP_TIMEOUT_MS - 1_000);
  if (shutdownDrainDelayMs >= shutdownTimeoutMs) {
    r.problems.push(
      `SHUTDOWN_DRAIN_DELAY_MS (${shutdownDrainDelayMs}) must be less than SHUTDOWN_TIMEOUT_MS (${shutdownTimeoutMs})`,
    );
  }
  const config: ServerConfig = {
    host: r.raw("HOST") ?? "0.0.0.0",
    port: r.integer("PORT", 3000, 0, 65535),
    logLevel: r.oneOf("LOG_LEVEL", LOG_LEVELS, "info"),
    shutdownTimeoutMs,
    shutdownDrainDelayMs,
    enableTestRoutes: r.oneOf("ENABLE_TEST_ROUTES", ["0", "1"], "0") === "1",
    database: readDatabase(r),
  };
  return r.finish(config);
}

/**
 * `migrationsDir` defaults to `<package>/migrations`, resolved from this file, so it works
 * from `dist/` in the repo, from `src/` under a TypeScript loader, and in the image (/app).
 */
export function loadMigrateConfig(
  env: Env,
  defaultMigrationsDir = path.resolve(__dirname, "..", "migrations"),
) {
  const r = new Reader(env);
  const dir = r.raw("MIGRATIONS_DIR");
  const config: MigrateConfig = {
    logLevel: r.oneOf("LOG_LEVEL", LOG_LEVELS, "info"),
    migrationsDir: dir === undefined ? defaultMigrationsDir : path.resolve(dir),
    lockTimeoutMs: r.integer("MIGRATION_LOCK_TIMEOUT_MS", 120_000, 1, 3_600_000),
    database: readDatabase(r),
  };
  return r.finish(config);
}
