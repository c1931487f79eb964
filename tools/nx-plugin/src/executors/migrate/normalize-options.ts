import {
  type EnvironmentName,
  parseEnvironment,
  pathOption,
  requirePositiveNumber,
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
    imageFile: pathOption(
      options.imageFile,
      "imageFile",
      "{repoRoot}/dist/deploy/{environment}/image.json",
      root,
      environment,
    ),
    outputsFile: pathOption(
      options.outputsFile,
      "outputsFile",
      "{stacksOut}/outputs/{environment}.json",
      root,
      environment,
    ),
    outputFile: pathOption(
      options.outputFile,
      "outputFile",
      "{repoRoot}/dist/deploy/{environment}/migration.json",
      root,
      environment,
    ),
    command,
    timeoutSeconds: requirePositiveNumber(options.timeoutSeconds ?? 900, "timeoutSeconds"),
    pollIntervalSeconds: requirePositiveNumber(options.pollIntervalSeconds ?? 5, "pollIntervalSeconds"),
  };
}
