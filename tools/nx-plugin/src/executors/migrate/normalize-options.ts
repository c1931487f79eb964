import {
  type EnvironmentName,
  parseEnvironment,
  requirePositiveNumber,
  requireString,
  resolveEnvPath,
} from "../../lib/environment";

export interface MigrateExecutorOptions {
  readonly environment?: string;
  readonly imageFile?: string;
  readonly outputsFile?: string;
  readonly outputFile?: string;
  readonly command?: readonly string[];
  readonly timeoutSeconds?: number;
  readonly pollIntervalSeconds?: number;
}

export interface NormalizedMigrateOptions {
  readonly root: string;
  readonly environment: EnvironmentName;
  readonly imageFile: string;
  readonly outputsFile: string;
  readonly outputFile: string;
  readonly command: readonly string[];
  readonly timeoutSeconds: number;
  readonly pollIntervalSeconds: number;
}

export function normalizeMigrateOptions(
  options: MigrateExecutorOptions,
  root: string,
): NormalizedMigrateOptions {
  const environment = parseEnvironment(options.environment);
  const command = options.command ?? ["node", "dist/migrate.js"];
  if (
    !Array.isArray(command) ||
    command.length === 0 ||
    command.some((c) => typeof c !== "string" || c === "")
  ) {
    throw new Error(
      `Option "command" must be a non-empty list of non-empty strings (got ${JSON.stringify(command)}).`,
    );
  }
  return {
    root,
    environment,
    imageFile: resolveEnvPath(
      root,
      requireString(options.imageFile ?? "{repoRoot}/dist/deploy/{environment}/image.json", "imageFile"),
      environment,
    ),
    outputsFile: resolveEnvPath(
      root,
      requireString(options.outputsFile ?? "{stacksOut}/outputs/{environment}.json", "outputsFile"),
      environment,
    ),
    outputFile: resolveEnvPath(
      root,
      requireString(
        options.outputFile ?? "{repoRoot}/dist/deploy/{environment}/migration.json",
        "outputFile",
      ),
      environment,
    ),
    command,
    timeoutSeconds: requirePositiveNumber(options.timeoutSeconds ?? 900, "timeoutSeconds"),
    pollIntervalSeconds: requirePositiveNumber(options.pollIntervalSeconds ?? 5, "pollIntervalSeconds"),
  };
}
