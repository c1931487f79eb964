import { join } from "node:path";
import type { DeployHistoryStore } from "@platform/toolchain";
import { serviceHistoryStore } from "../../lib/deploy-history";
import {
  type EnvironmentName,
  parseEnvironment,
  pathOption,
  requireString,
  resolveService,
} from "../../lib/environment";
import { checkRollbackTo } from "./plan-rollback";

export interface RollbackExecutorOptions {
  readonly environment?: string;
  readonly service?: string;
  /**
   * Digest or git sha to roll back to; default the previous deploy. A number when Nx parsed a
   * digit-only sha (`--to 1234567`).
   */
  readonly to?: string | number;
  readonly imageFile?: string;
  readonly historyFile?: string;
  readonly migrationsDir?: string;
  readonly applyTarget?: string;
  readonly smokeTarget?: string;
}

export interface NormalizedRollbackOptions {
  readonly root: string;
  readonly environment: EnvironmentName;
  readonly service: string;
  /** The project whose apply and smoke targets redeploy (the service's project). */
  readonly project: string;
  /** Lower-case digest or git sha prefix; undefined = the previous deploy. */
  readonly to?: string;
  readonly imageFile: string;
  /** The service's deploy history in the environment (the rollback's target comes from it). */
  readonly history: DeployHistoryStore;
  readonly migrationsDir: string;
  readonly applyTarget: string;
  readonly smokeTarget: string;
}

/** Defaults resolved and `to` checked before anything is read or changed. */
export function normalizeRollbackOptions(
  options: RollbackExecutorOptions,
  root: string,
  projectName: string | undefined,
  projectRoot: string | undefined,
  environ: NodeJS.ProcessEnv = process.env,
): NormalizedRollbackOptions {
  const environment = parseEnvironment(options.environment);
  const service = resolveService(options.service, projectName);
  const project = requireString(projectName, "projectName (the project the rollback target belongs to)");
  // Nx parses a digit-only `--to 1234567` into a number: back to its text (one that began with 0 lost
  // it, is then too short or wrong, and the check says which forms work: the digest always does).
  const to = options.to === undefined || options.to === "" ? undefined : checkRollbackTo(String(options.to));
  const repoRoot = environ.PLATFORM_REPO_ROOT?.trim() || root;
  return {
    root,
    environment,
    service,
    project,
    to,
    imageFile: pathOption(
      options.imageFile,
      "imageFile",
      "{repoRoot}/dist/deploy/{environment}/{service}/image.json",
      root,
      environment,
      service,
    ),
    history: serviceHistoryStore(
      repoRoot,
      environment,
      service,
      options.historyFile === undefined
        ? undefined
        : pathOption(options.historyFile, "historyFile", "", root, environment, service),
      environ,
    ),
    migrationsDir:
      options.migrationsDir === undefined
        ? join(root, requireString(projectRoot, "projectRoot"), "migrations")
        : pathOption(options.migrationsDir, "migrationsDir", "", root, environment, service),
    applyTarget: requireString(options.applyTarget ?? "apply", "applyTarget"),
    smokeTarget: requireString(options.smokeTarget ?? "smoke", "smokeTarget"),
  };
}
