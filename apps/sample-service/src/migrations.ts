import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Client } from "pg";
import type { JsonLogger } from "./json-log";

/** pg_advisory_lock key of this service's migrations (any constant; it only has to be ours). */
export const MIGRATION_LOCK_KEY = "7310585010423";

/** `001_create_posts.sql`: numeric version, then a name. */
export const MIGRATION_FILE = /^(\d+)_([A-Za-z0-9_-]+)\.sql$/;

export interface MigrationFile {
  readonly version: number;
  /** File name, e.g. `001_create_posts.sql`. */
  readonly name: string;
  readonly sql: string;
  /** sha256 of the file: an applied migration must never change afterwards. */
  readonly checksum: string;
}

export interface MigrationResult {
  /** Names applied by this run, in order. */
  readonly applied: readonly string[];
  /** How many were already applied before this run. */
  readonly alreadyApplied: number;
}

/** A failure with a message fit for the operator: what, which file, the database's words. */
export class MigrationError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "MigrationError";
  }
}

export function readMigrations(dir: string): MigrationFile[] {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new MigrationError(`migrations directory ${dir} does not exist (set MIGRATIONS_DIR)`);
  }
  const files: MigrationFile[] = [];
  for (const name of fs.readdirSync(dir).filter((n) => n.endsWith(".sql"))) {
    const match = MIGRATION_FILE.exec(name);
    if (match === null) {
      throw new MigrationError(
        `migration file ${name} must be named like 001_create_posts.sql (<number>_<name>.sql)`,
      );
    }
    const sql = fs.readFileSync(path.join(dir, name), "utf8");
    const checksum = createHash("sha256").update(sql).digest("hex");
    files.push({ version: Number(match[1]), name, sql, checksum });
  }
  files.sort((a, b) => a.version - b.version);
  for (let i = 1; i < files.length; i++) {
    if (files[i]!.version === files[i - 1]!.version) {
      throw new MigrationError(
        `migration files ${files[i - 1]!.name} and ${files[i]!.name} share version ${files[i]!.version}`,
      );
    }
  }
  return files;
}

interface PgErrorFields {
  readonly code?: string;
  readonly position?: string;
  readonly detail?: string;
  readonly hint?: string;
}

function lineOf(sql: string, position: string | undefined): string {
  const pos = Number(position);
  if (!Number.isInteger(pos) || pos < 1) return "";
  return ` at line ${sql.slice(0, pos - 1).split("\n").length}`;
}

export interface RunMigrationsOptions {
  /** A connected client; the caller ends it. */
  readonly client: Client;
  readonly dir: string;
  readonly lockTimeoutMs: number;
  readonly log: JsonLogger;
}

/**
 * Applies pending migrations under an advisory lock, each file and its bookkeeping row in one
 * transaction: a concurrent run waits and then finds nothing to do, a failing file leaves
 * nothing of itself behind, and a re-run is a no-op.
 */
export async function runMigrations({
  client,
  dir,
  lockTimeoutMs,
  log,
}: RunMigrationsOptions): Promise<MigrationResult> {
  const files = readMigrations(dir);
  await acquireLock(client, lockTimeoutMs, log);
  try {
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now(),
      duration_ms integer NOT NULL
    )`);
    const { rows: applied } = await client.query<{ version: number; name: string; checksum: string }>(
      "SELECT version, name, checksum FROM schema_migrations ORDER BY version",
    );
    const byVersion = new Map(files.map((f) => [f.version, f]));
    for (const row of applied) {
      const file = byVersion.get(row.version);
      if (file === undefined) {
        // Normal while an older image runs next to a newer schema: report it, do not fail.
        log.warn(`applied migration ${row.name} has no file in ${dir}; the schema is newer than this build`, {
          migration: row.name,
        });
      } else if (file.checksum !== row.checksum || file.name !== row.name) {
        throw new MigrationError(
          `migration ${file.name} was changed after it was applied as ${row.name} ` +
            `(checksum ${row.checksum.slice(0, 12)} in the database, ${file.checksum.slice(0, 12)} on disk); ` +
            "add a new migration instead of editing an applied one",
        );
      }
    }
    const appliedVersions = new Set(applied.map((r) => r.version));
    const latest = applied.at(-1);
    const pending = files.filter((f) => !appliedVersions.has(f.version));
    for (const file of pending) {
      if (latest !== undefined && file.version < latest.version) {
        throw new MigrationError(
          `migration ${file.name} is older than the latest applied one (${latest.name}); give it a higher number`,
        );
      }
    }
    if (pending.length === 0) {
      log.info("database schema is up to date", { already_applied: applied.length });
    }
    const done: string[] = [];
    for (const file of pending) {
      await applyOne(client, file, log);
      done.push(file.name);
    }
    return { applied: done, alreadyApplied: applied.length };
  } finally {
    await client.query("SELECT pg_advisory_unlock($1::bigint)", [MIGRATION_LOCK_KEY]).catch(() => {
      // The connection is gone, and with it the session lock.
    });
  }
}

async function acquireLock(client: Client, lockTimeoutMs: number, log: JsonLogger): Promise<void> {
  const { rows } = await client.query<{ locked: boolean }>(
    "SELECT pg_try_advisory_lock($1::bigint) AS locked",
    [MIGRATION_LOCK_KEY],
  );
  if (rows[0]!.locked) return;
  log.info(`another migrate run holds the migration lock; waiting up to ${lockTimeoutMs} ms`, {
    lock_key: MIGRATION_LOCK_KEY,
  });
  await client.query("SELECT set_config('lock_timeout', $1, false)", [`${lockTimeoutMs}ms`]);
  try {
    await client.query("SELECT pg_advisory_lock($1::bigint)", [MIGRATION_LOCK_KEY]);
  } catch (err) {
    if ((err as PgErrorFields).code === "55P03") {
      throw new MigrationError(
        `another migrate run held the migration lock for more than ${lockTimeoutMs} ms (MIGRATION_LOCK_TIMEOUT_MS); nothing was applied`,
        { cause: err },
      );
    }
    throw err;
  } finally {
    await client.query("SELECT set_config('lock_timeout', '0', false)");
  }
}

async function applyOne(client: Client, file: MigrationFile, log: JsonLogger): Promise<void> {
  const started = Date.now();
  await client.query("BEGIN");
  try {
    // No parameters: the simple protocol, so a file may hold several statements.
    await client.query(file.sql);
    await client.query(
      "INSERT INTO schema_migrations (version, name, checksum, duration_ms) VALUES ($1, $2, $3, $4)",
      [file.version, file.name, file.checksum, Date.now() - started],
    );
    await client.query("COMMIT");
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {
      // A dead connection rolls back by itself.
    });
    const pg = err as PgErrorFields & Error;
    const extra = [pg.detail && `detail: ${pg.detail}`, pg.hint && `hint: ${pg.hint}`]
      .filter(Boolean)
      .join("; ");
    throw new MigrationError(
      `migration ${file.name} failed${lineOf(file.sql, pg.position)}: ${pg.message}` +
        `${pg.code ? ` (SQLSTATE ${pg.code})` : ""}${extra ? `; ${extra}` : ""}; it was rolled back`,
      { cause: err },
    );
  }
  log.info(`applied migration ${file.name}`, { migration: file.name, duration_ms: Date.now() - started });
}
