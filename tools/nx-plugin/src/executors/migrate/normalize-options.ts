import {
  type EnvironmentName,
  parseEnvironment,
  pathOption,
  requirePositiveNumber,
  resolveService,
} from "../../lib/environment";

export interface MigrateExecutorOptions {
  readonly environment?: string;
  readonly service?: string;
  readonly enabled?: boolean;
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
  /** The service whose migration task and records this step uses. */
  readonly service: string;
  /** False for a service without migrations: the step says so and does nothing. */
  readonly enabled: boolean;
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
  projectName?: string,
): NormalizedMigrateOptions {
  const environment = parseEnvironment(options.environment);
  const service = resolveService(options.service, projectName);
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
  if (options.enabled !== undefined && typeof options.enabled !== "boolean")
    throw new Error(`Option "enabled" must be true or false (got ${JSON.stringify(options.enabled)}).`);
  return {
    root,
    environment,
    service,
    enabled: options.enabled ?? true,
    imageFile: pathOption(
      options.imageFile,
      "imageFile",
      "{repoRoot}/dist/deploy/{environment}/{service}/image.json",
      root,
      environment,
      service,
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
      "{repoRoot}/dist/deploy/{environment}/{service}/migration.json",
      root,
      environment,
      service,
    ),
    command,
    timeoutSeconds: requirePositiveNumber(options.timeoutSeconds ?? 900, "timeoutSeconds"),
    pollIntervalSeconds: requirePositiveNumber(options.pollIntervalSeconds ?? 5, "pollIntervalSeconds"),
  };
}
