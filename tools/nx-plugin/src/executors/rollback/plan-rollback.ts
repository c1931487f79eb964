import type { DeployHistoryEntry } from "@platform/toolchain";

/**
 * The line a migration file carries when the previous version of the service still works against the
 * schema it leaves (expand/contract: it only adds what the old code ignores). Only such migrations may
 * be rolled back past: rollback redeploys the old image and never undoes a migration.
 */
export const ROLLBACK_COMPATIBLE_MARKER = "-- rollback: compatible";
const MARKER_LINE = /^\s*--\s*rollback:\s*compatible\s*$/im;

/** A rollback that was refused before anything changed; `name` says why. */
export class RollbackRefusedError extends Error {}

/** The environment has no succeeded deploy of the service at all. */
export class NoDeployHistoryError extends RollbackRefusedError {
  override readonly name = "NoDeployHistoryError";
}

/** The service was deployed, but never with another digest before the current one. */
export class NoPreviousDeployError extends RollbackRefusedError {
  override readonly name = "NoPreviousDeployError";
}

/** `--to` names nothing that was successfully deployed to that environment. */
export class RollbackTargetNotDeployedError extends RollbackRefusedError {
  override readonly name = "RollbackTargetNotDeployedError";
}

/** A migration applied since the target does not declare the target's code compatible with it. */
export class MigrationForbidsRollbackError extends RollbackRefusedError {
  override readonly name = "MigrationForbidsRollbackError";
  constructor(
    message: string,
    /** The migration files that forbid it. */
    readonly migrations: readonly string[],
  ) {
    super(message);
  }
}

export interface PlanRollbackInput {
  readonly environment: string;
  readonly service: string;
  /** The service's history in the environment, oldest first. */
  readonly history: readonly DeployHistoryEntry[];
  /** `--to`: a digest (sha256:...) or a git sha prefix of at least 7 hex characters; undefined = the previous deploy. */
  readonly to?: string;
  /** The service's migration files' text by file name (read from `migrationsDir`). */
  readonly migrationFiles: ReadonlyMap<string, string>;
  /** Where `migrationFiles` were read, named in errors. */
  readonly migrationsDir: string;
}

export interface RollbackPlan {
  /** The last succeeded deploy: what runs now. */
  readonly current: DeployHistoryEntry;
  readonly target: DeployHistoryEntry;
  /** Migrations the current image has and the target lacks, each marked compatible. */
  readonly compatibleMigrations: readonly string[];
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;
const GIT_SHA_PREFIX = /^[0-9a-f]{7,40}$/;

/** Chooses the rollback target and checks the migrations in between; throws a RollbackRefusedError otherwise. */
export function planRollback(input: PlanRollbackInput): RollbackPlan {
  const where = `${input.service} in ${input.environment}`;
  const succeeded = input.history.filter((e) => e.result === "succeeded");
  const current = succeeded.at(-1);
  if (!current) {
    throw new NoDeployHistoryError(
      `NoDeployHistoryError: ${where} has no successful deploy in its history; there is nothing to roll back (deploy it first: nx run ${input.service}:deploy -c ${input.environment}).`,
    );
  }
  const target = input.to === undefined ? previousDeploy(succeeded, current) : named(succeeded, input.to);
  if (!target) {
    if (input.to !== undefined) {
      const known = [...new Map(succeeded.map((e) => [e.digest, e])).values()]
        .reverse()
        .map((e) => `${e.digest} (git ${e.gitSha}, ${e.deployedAt})`);
      throw new RollbackTargetNotDeployedError(
        `RollbackTargetNotDeployedError: --to ${input.to} was never successfully deployed to ${input.environment} for ${input.service}; deployed there: ${known.join("; ")}.`,
      );
    }
    throw new NoPreviousDeployError(
      `NoPreviousDeployError: ${where} has no earlier successful deploy with another digest than the running ${current.digest} (git ${current.gitSha}).`,
    );
  }
  if (target.digest === current.digest) {
    throw new RollbackTargetNotDeployedError(
      `RollbackTargetNotDeployedError: --to ${input.to} is what ${where} runs now (${current.digest}); name an earlier deploy.`,
    );
  }
  const newer = current.migrations.filter((m) => !target.migrations.includes(m));
  const forbidding = newer.filter((m) => !MARKER_LINE.test(input.migrationFiles.get(m) ?? ""));
  if (forbidding.length > 0) {
    const detail = forbidding.map((m) =>
      input.migrationFiles.has(m) ? m : `${m} (not in ${input.migrationsDir})`,
    );
    throw new MigrationForbidsRollbackError(
      `MigrationForbidsRollbackError: rolling ${where} back to ${target.digest} (git ${target.gitSha}) would run it against migrations it predates, not marked \`${ROLLBACK_COMPATIBLE_MARKER}\`: ${detail.join(", ")}. Nothing was changed; deploy a fix forward instead, or mark each migration compatible once the old version is known to work with it.`,
      forbidding,
    );
  }
  return { current, target, compatibleMigrations: newer };
}

/** The newest succeeded deploy before `current` with another digest. */
function previousDeploy(
  succeeded: readonly DeployHistoryEntry[],
  current: DeployHistoryEntry,
): DeployHistoryEntry | undefined {
  return succeeded
    .slice(0, -1)
    .reverse()
    .find((e) => e.digest !== current.digest);
}

/** A `--to` as planRollback matches it; anything else throws naming the accepted forms. */
export function checkRollbackTo(to: string): string {
  const wanted = to.trim().toLowerCase();
  if (!DIGEST.test(wanted) && !GIT_SHA_PREFIX.test(wanted)) {
    throw new Error(
      `Option "to" must be a digest (sha256:<64 hex>) or a git sha (7 to 40 hex characters), got ${JSON.stringify(to)}.`,
    );
  }
  return wanted;
}

/** The newest succeeded deploy `to` names (its digest, or a prefix of its git sha). */
function named(succeeded: readonly DeployHistoryEntry[], to: string): DeployHistoryEntry | undefined {
  const wanted = checkRollbackTo(to);
  const match = DIGEST.test(wanted)
    ? (e: DeployHistoryEntry) => e.digest === wanted
    : (e: DeployHistoryEntry) => e.gitSha.toLowerCase().startsWith(wanted);
  return [...succeeded].reverse().find(match);
}
