import {
  type EnvironmentName,
  parseEnvironment,
  pathOption,
  requirePositiveNumber,
  requireString,
  resolveService,
} from "../../lib/environment";

export interface SmokeExecutorOptions {
  readonly environment?: string;
  readonly service?: string;
  readonly imageFile?: string;
  readonly outputsFile?: string;
  readonly path?: string;
  readonly consecutive?: number;
  readonly timeoutSeconds?: number;
}

export interface NormalizedSmokeOptions {
  readonly root: string;
  readonly environment: EnvironmentName;
  /** The service whose URL and image record this step checks. */
  readonly service: string;
  readonly imageFile: string;
  readonly outputsFile: string;
  readonly path: string;
  readonly consecutive: number;
  readonly timeoutSeconds: number;
}

export function normalizeSmokeOptions(
  options: SmokeExecutorOptions,
  root: string,
  projectName?: string,
): NormalizedSmokeOptions {
  const environment = parseEnvironment(options.environment);
  const service = resolveService(options.service, projectName);
  const consecutive = requirePositiveNumber(options.consecutive ?? 5, "consecutive");
  if (!Number.isInteger(consecutive))
    throw new Error(`Option "consecutive" must be an integer (got ${consecutive}).`);
  const path = requireString(options.path ?? "/version", "path");
  if (!path.startsWith("/"))
    throw new Error(`Option "path" must start with / (got ${JSON.stringify(path)}).`);
  return {
    root,
    environment,
    service,
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
    path,
    consecutive,
    timeoutSeconds: requirePositiveNumber(options.timeoutSeconds ?? 120, "timeoutSeconds"),
  };
}
