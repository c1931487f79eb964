import { Client } from "pg";
import { errorMessage } from "../lib/aws";
import type { MigrationRecord } from "../lib/deploy-records";

/** The newest row of the service's `schema_migrations` table. */
export interface AppliedMigration {
  readonly version: number;
  readonly name: string;
  readonly appliedAt: string;
  /** Rows in the table. */
  readonly count: number;
}

/** What status reports about migrations: the database's table when reachable, and the migrate step's record. */
export interface MigrationStatus {
  readonly database?: AppliedMigration;
  /** Why the database was not read (not asked, unreachable, no table). */
  readonly databaseNote?: string;
  /** The service's `dist/deploy/<env>/<service>/migration.json` when present. */
  readonly record?: MigrationRecord;
}

/**
 * Reads the last applied migration. `connection` is a libpq-style connection string, or undefined for the
 * standard PG* variables. Read only; a short connect timeout because status must not hang on a private
 * database the operator cannot reach.
 */
export async function readAppliedMigration(
  connection: string | undefined,
): Promise<AppliedMigration | string> {
  const client = new Client({
    connectionString: connection,
    connectionTimeoutMillis: 5000,
    statement_timeout: 5000,
  });
  try {
    await client.connect();
  } catch (err) {
    return `database unreachable (${errorMessage(err)})`;
  }
  try {
    const table = await client.query<{ t: string | null }>(
      "SELECT to_regclass('schema_migrations')::text AS t",
    );
    if (!table.rows[0]?.t) return "no schema_migrations table (never migrated)";
    const res = await client.query<{ version: number; name: string; applied_at: Date; count: string }>(
      `SELECT version, name, applied_at, (SELECT count(*) FROM schema_migrations) AS count
         FROM schema_migrations ORDER BY version DESC LIMIT 1`,
    );
    const row = res.rows[0];
    if (!row) return "schema_migrations is empty";
    return {
      version: row.version,
      name: row.name,
      appliedAt: row.applied_at.toISOString(),
      count: Number(row.count),
    };
  } finally {
    await client.end().catch(() => {});
  }
}
