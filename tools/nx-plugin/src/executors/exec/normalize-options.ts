import { type EnvironmentName, parseEnvironment, pathOption, resolveService } from "../../lib/environment";

/**
 * What runs when no command is given: the runtime image has no shell (`sh` is missing), and `node`
 * (a REPL) is what every service image has.
 */
export const DEFAULT_EXEC_COMMAND: readonly string[] = ["node"];

export interface ExecExecutorOptions {
  readonly environment?: string;
  readonly service?: string;
  /** The command; else the words after `--`; else {@link DEFAULT_EXEC_COMMAND}. */
  readonly command?: readonly string[];
  readonly outputsFile?: string;
  /** The words after `--`, as the executor reads them from the task (Nx parses them into options too). */
  readonly __overrides_unparsed__?: readonly string[];
}

export interface NormalizedExecOptions {
  readonly root: string;
  readonly environment: EnvironmentName;
  readonly service: string;
  readonly command: readonly string[];
  readonly outputsFile: string;
}

/** Defaults resolved and checked before anything is looked up. */
export function normalizeExecOptions(
  options: ExecExecutorOptions,
  root: string,
  projectName?: string,
): NormalizedExecOptions {
  const environment = parseEnvironment(options.environment);
  const service = resolveService(options.service, projectName);
  const given = options.command ?? options.__overrides_unparsed__ ?? [];
  if (!Array.isArray(given) || given.some((c) => typeof c !== "string")) {
    throw new Error(`Option "command" must be a list of strings (got ${JSON.stringify(given)}).`);
  }
  if (given.length > 0 && given[0].trim() === "") {
    throw new Error(
      `Option "command" must start with a program name (got ${JSON.stringify(given)}); e.g. \`npx nx run ${service}:exec -c ${environment} -- node -e "console.log(process.env.NODE_ENV)"\`.`,
    );
  }
  return {
    root,
    environment,
    service,
    command: given.length > 0 ? given : DEFAULT_EXEC_COMMAND,
    outputsFile: pathOption(
      options.outputsFile,
      "outputsFile",
      "{stacksOut}/outputs/{environment}.json",
      root,
      environment,
    ),
  };
}
