import {
  type EnvironmentName,
  parseEnvironment,
  pathOption,
  requirePositiveNumber,
  requireString,
  resolveService,
} from "../../lib/environment";

export interface ApplyExecutorOptions {
  readonly environment?: string;
  readonly service?: string;
  readonly onlyServiceStack?: boolean;
  readonly stacksProject?: string;
  readonly stacksTarget?: string;
  readonly waitForStable?: boolean;
  readonly requirePushedImage?: boolean;
  readonly pinDeployedImage?: boolean;
  readonly imageFile?: string;
  readonly outputsFile?: string;
  readonly timeoutSeconds?: number;
  readonly pollIntervalSeconds?: number;
}

export interface NormalizedApplyOptions {
  readonly root: string;
  readonly environment: EnvironmentName;
  /**
   * The service whose stack and records this step uses; undefined = every service of the environment
   * (an infrastructure-only deploy: pins and waits for each).
   */
  readonly service?: string;
  /** Apply only the service's stack (`stacks:apply --service <name>`), not every stack of the environment. */
  readonly onlyServiceStack: boolean;
  readonly stacksProject: string;
  /** Undefined = wait only. */
  readonly stacksTarget?: string;
  readonly waitForStable: boolean;
  readonly requirePushedImage: boolean;
  readonly pinDeployedImage: boolean;
  /** The image record of a service (the `imageFile` option with `{service}` filled in). */
  readonly imageFileOf: (service: string) => string;
  readonly outputsFile: string;
  readonly timeoutSeconds: number;
  readonly pollIntervalSeconds: number;
}

export function normalizeApplyOptions(options: ApplyExecutorOptions, root: string): NormalizedApplyOptions {
  const environment = parseEnvironment(options.environment);
  const service = options.service === undefined ? undefined : resolveService(options.service, undefined);
  const bool = (v: unknown, name: string, dflt: boolean) => {
    if (v === undefined) return dflt;
    if (typeof v !== "boolean")
      throw new Error(`Option "${name}" must be true or false (got ${JSON.stringify(v)}).`);
    return v;
  };
  return {
    root,
    environment,
    service,
    onlyServiceStack: onlyServiceStack(bool(options.onlyServiceStack, "onlyServiceStack", false), service),
    stacksProject: requireString(options.stacksProject ?? "stacks", "stacksProject"),
    stacksTarget:
      options.stacksTarget === ""
        ? undefined
        : requireString(options.stacksTarget ?? "apply", "stacksTarget"),
    waitForStable: bool(options.waitForStable, "waitForStable", true),
    requirePushedImage: bool(options.requirePushedImage, "requirePushedImage", true),
    pinDeployedImage: bool(options.pinDeployedImage, "pinDeployedImage", false),
    imageFileOf: (name: string) =>
      pathOption(
        options.imageFile,
        "imageFile",
        "{repoRoot}/dist/deploy/{environment}/{service}/image.json",
        root,
        environment,
        name,
      ),
    outputsFile: pathOption(
      options.outputsFile,
      "outputsFile",
      "{stacksOut}/outputs/{environment}.json",
      root,
      environment,
    ),
    timeoutSeconds: requirePositiveNumber(options.timeoutSeconds ?? 900, "timeoutSeconds"),
    pollIntervalSeconds: requirePositiveNumber(options.pollIntervalSeconds ?? 10, "pollIntervalSeconds"),
  };
}

function onlyServiceStack(only: boolean, service: string | undefined): boolean {
  if (only && !service)
    throw new Error(`Option "onlyServiceStack" needs option "service" (whose stack to apply).`);
  return only;
}
