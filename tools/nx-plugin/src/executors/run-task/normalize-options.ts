import {
  type EnvironmentName,
  parseEnvironment,
  pathOption,
  requirePositiveNumber,
  resolveService,
} from "../../lib/environment";

export interface RunTaskExecutorOptions {
  readonly environment?: string;
  readonly service?: string;
  /** The command; else the words after `--` (`nx run <service>:run-task -c dev -- node -e 1`). */
  readonly command?: readonly string[];
  readonly outputsFile?: string;
  readonly timeoutSeconds?: number;
  readonly pollIntervalSeconds?: number;
  /** The words after `--`, as the executor reads them from the task (Nx parses them into options too). */
  readonly __overrides_unparsed__?: readonly string[];
}

export interface NormalizedRunTaskOptions {
  readonly root: string;
  readonly environment: EnvironmentName;
  readonly service: string;
  readonly command: readonly string[];
  readonly outputsFile: string;
  readonly timeoutSeconds: number;
  readonly pollIntervalSeconds: number;
}

/** Defaults resolved and checked before anything runs; a missing command is a named error. */
export function normalizeRunTaskOptions(
  options: RunTaskExecutorOptions,
  root: string,
  projectName?: string,
): NormalizedRunTaskOptions {
  const environment = parseEnvironment(options.environment);
  const service = resolveService(options.service, projectName);
  const command = options.command ?? options.__overrides_unparsed__ ?? [];
  if (!Array.isArray(command) || command.some((c) => typeof c !== "string")) {
    throw new Error(`Option "command" must be a list of strings (got ${JSON.stringify(command)}).`);
  }
  if (command.length === 0 || command[0] === "") {
    throw new Error(
      `run-task needs a command: \`npx nx run ${service}:run-task -c ${environment} -- <command> [args]\` (option "command"). Nothing was started.`,
    );
  }
  return {
    root,
    environment,
    service,
    command,
    outputsFile: pathOption(
      options.outputsFile,
      "outputsFile",
      "{stacksOut}/outputs/{environment}.json",
      root,
      environment,
    ),
    timeoutSeconds: requirePositiveNumber(options.timeoutSeconds ?? 3600, "timeoutSeconds"),
    pollIntervalSeconds: requirePositiveNumber(options.pollIntervalSeconds ?? 5, "pollIntervalSeconds"),
  };
}
