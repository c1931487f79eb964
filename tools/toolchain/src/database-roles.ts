/**
 * Each service that owns a database gets its own schema and two login roles, so no running service
 * and no migration ever uses the database's admin user:
 * - `<schema>_migrator` owns the schema: the migrate step runs the service's DDL as it;
 * - `<schema>_app` may only read and write rows in that schema (no CREATE, no other schema): the
 *   running service (and a service sharing it through `databaseOf`) connects as it.
 * Both roles have `search_path` set to the schema, so a service's unqualified SQL lands there.
 * The admin user runs only {@link bootstrapSql}, once per migrate, idempotently.
 */
import { createHash } from "node:crypto";

export interface ServiceDatabaseRoles {
  /** The service that owns the schema. */
  readonly service: string;
  /** The service's schema: its name in snake_case. */
  readonly schema: string;
  /** Owns the schema; runs migrations (DDL). */
  readonly migratorRole: string;
  /** Row access only (SELECT, INSERT, UPDATE, DELETE); what the service runs as. */
  readonly appRole: string;
}

/** psql variables {@link bootstrapSql} reads its passwords from (`\getenv`, never argv). */
export const BOOTSTRAP_PASSWORD_VARIABLES = {
  migrator: "PLATFORM_MIGRATOR_PASSWORD",
  app: "PLATFORM_APP_PASSWORD",
} as const;

const SERVICE_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
/** PostgreSQL truncates identifiers at 63 bytes; the longest suffix is `_migrator` (9). */
const MAX_SCHEMA_LENGTH = 63 - "_migrator".length;

/** The schema and roles of the service that owns a database (`databaseOf`'s target, or itself). */
export function serviceDatabaseRoles(service: string): ServiceDatabaseRoles {
  if (!SERVICE_NAME.test(service)) {
    throw new Error(`service name "${service}" is not kebab-case (a-z, 0-9, single dashes)`);
  }
  const schema = service.replaceAll("-", "_");
  if (schema.length > MAX_SCHEMA_LENGTH) {
    throw new Error(
      `service name "${service}" is too long for its database roles (at most ${MAX_SCHEMA_LENGTH} characters)`,
    );
  }
  return { service, schema, migratorRole: `${schema}_migrator`, appRole: `${schema}_app` };
}

/**
 * Local environments only: a role's password derived from the admin password, so the stacks
 * (Terraform's `base64sha256`) and the migrate step compute the same value with no second secret to
 * keep. `base64sha256("<admin>:<role>")` in Terraform gives exactly this.
 */
export function derivedRolePassword(adminPassword: string, role: string): string {
  if (!adminPassword) throw new Error("derivedRolePassword: the admin password is empty");
  return createHash("sha256").update(`${adminPassword}:${role}`).digest("base64");
}

/**
 * Idempotent psql script, run as the admin user in the environment's database: creates or updates both
 * roles (passwords from the environment variables in {@link BOOTSTRAP_PASSWORD_VARIABLES}), the
 * schema owned by the migrator, the app role's row privileges (on what exists and, through default
 * privileges, on what the migrator creates later), and closes `public` and the database to everyone
 * else. Serialised by a transaction-scoped advisory lock, so concurrent runs do not race.
 */
export function bootstrapSql(roles: ServiceDatabaseRoles): string {
  const { schema, migratorRole: m, appRole: a } = roles;
  const createRole = (role: string) =>
    `SELECT 'CREATE ROLE ${role}' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${role}') \\gexec`;
  // New roles are NOSUPERUSER NOREPLICATION already; saying so again needs a superuser (RDS has none).
  return [
    "\\set ON_ERROR_STOP on",
    `\\getenv migrator_password ${BOOTSTRAP_PASSWORD_VARIABLES.migrator}`,
    `\\getenv app_password ${BOOTSTRAP_PASSWORD_VARIABLES.app}`,
    `\\if :{?migrator_password}`,
    "\\else",
    `  \\warn 'bootstrap: ${BOOTSTRAP_PASSWORD_VARIABLES.migrator} is not set'`,
    "  \\quit 3",
    "\\endif",
    `\\if :{?app_password}`,
    "\\else",
    `  \\warn 'bootstrap: ${BOOTSTRAP_PASSWORD_VARIABLES.app} is not set'`,
    "  \\quit 3",
    "\\endif",
    "BEGIN;",
    // Any constant: only bootstraps take it.
    "SELECT pg_advisory_xact_lock(7305718260149612);",
    createRole(m),
    createRole(a),
    `ALTER ROLE ${m} WITH LOGIN NOCREATEDB NOCREATEROLE PASSWORD :'migrator_password';`,
    `ALTER ROLE ${a} WITH LOGIN NOCREATEDB NOCREATEROLE PASSWORD :'app_password';`,
    // RDS's admin is no superuser: since PostgreSQL 16 creating a role gives it ADMIN, not SET, so it
    // takes membership to hand the schema to the migrator and set the migrator's default privileges.
    `GRANT ${m} TO CURRENT_USER;`,
    `CREATE SCHEMA IF NOT EXISTS ${schema} AUTHORIZATION ${m};`,
    `ALTER SCHEMA ${schema} OWNER TO ${m};`,
    `REVOKE ALL ON SCHEMA ${schema} FROM PUBLIC;`,
    `GRANT USAGE ON SCHEMA ${schema} TO ${a};`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${schema} TO ${a};`,
    `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${schema} TO ${a};`,
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${m} IN SCHEMA ${schema} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${a};`,
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${m} IN SCHEMA ${schema} GRANT USAGE, SELECT ON SEQUENCES TO ${a};`,
    `ALTER ROLE ${m} SET search_path = ${schema};`,
    `ALTER ROLE ${a} SET search_path = ${schema};`,
    // PostgreSQL < 15 lets every role create in public; no service role needs it.
    "REVOKE CREATE ON SCHEMA public FROM PUBLIC;",
    // The database the script runs in (its name is not known when the script is written).
    "SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database()) \\gexec",
    `SELECT format('GRANT CONNECT ON DATABASE %I TO ${m}, ${a}', current_database()) \\gexec`,
    "COMMIT;",
    "",
  ].join("\n");
}
