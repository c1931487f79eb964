import {
  BOOTSTRAP_PASSWORD_VARIABLES,
  bootstrapSql,
  derivedRolePassword,
  type ServiceDatabaseRoles,
} from "@platform/toolchain";
import { CommandError, run } from "../../lib/exec";
import type { StepLog } from "../../lib/log";

export interface LocalBootstrapInput {
  /** The database container (PGHOST on the local network). */
  readonly container: string;
  /** The admin user and its password (the container's POSTGRES_USER / POSTGRES_PASSWORD). */
  readonly adminUser: string;
  readonly adminPassword: string;
  readonly database: string;
  readonly roles: ServiceDatabaseRoles;
  /** Environment of the docker CLI (DOCKER_HOST). */
  readonly env: NodeJS.ProcessEnv;
  readonly signal?: AbortSignal;
}

/**
 * The only step that uses the local admin user: psql inside the database container creates or
 * updates the service's schema and roles (idempotent), with the passwords derived from the admin one
 * passed as environment variables (names on the command line, values in the CLI's environment).
 * Returns the migrator's connection variables for the migration container.
 */
export async function bootstrapLocalDatabase(
  input: LocalBootstrapInput,
  log: StepLog,
): Promise<{ PGUSER: string; PGPASSWORD: string }> {
  const { roles } = input;
  const passwords = {
    [BOOTSTRAP_PASSWORD_VARIABLES.migrator]: derivedRolePassword(input.adminPassword, roles.migratorRole),
    [BOOTSTRAP_PASSWORD_VARIABLES.app]: derivedRolePassword(input.adminPassword, roles.appRole),
  };
  const args = ["exec", "-i"];
  for (const key of Object.keys(passwords)) args.push("--env", key);
  args.push(input.container, "psql", "-X", "-q", "-U", input.adminUser, "-d", input.database, "-f", "-");
  log.info(
    `database bootstrap: schema ${roles.schema}, roles ${roles.migratorRole} (DDL) and ${roles.appRole} (rows only)`,
  );
  try {
    await run("docker", args, {
      env: { ...input.env, ...passwords },
      input: bootstrapSql(roles),
      signal: input.signal,
    });
  } catch (err) {
    if (!(err instanceof CommandError)) throw err;
    throw new Error(
      `The database bootstrap for ${roles.service} failed; no migration ran and the running service is untouched.\n${err.message}`,
    );
  }
  return { PGUSER: roles.migratorRole, PGPASSWORD: passwords[BOOTSTRAP_PASSWORD_VARIABLES.migrator] };
}
