import { type EnvironmentName, parseEnvironment, pathOption } from "../../lib/environment";

export interface PreflightExecutorOptions {
  readonly environment?: string;
  readonly outputsFile?: string;
  readonly checkDocker?: boolean;
}

export interface NormalizedPreflightOptions {
  readonly environment: EnvironmentName;
  readonly outputsFile: string;
  readonly checkDocker: boolean;
}

export function normalizePreflightOptions(
  options: PreflightExecutorOptions,
  root: string,
): NormalizedPreflightOptions {
  const environment = parseEnvironment(options.environment);
  if (options.checkDocker !== undefined && typeof options.checkDocker !== "boolean") {
    throw new Error(
      `Option "checkDocker" must be true or false (got ${JSON.stringify(options.checkDocker)}).`,
    );
  }
  return {
    environment,
    outputsFile: pathOption(
      options.outputsFile,
      "outputsFile",
      "{stacksOut}/outputs/{environment}.json",
      root,
      environment,
    ),
    checkDocker: options.checkDocker ?? true,
  };
}
