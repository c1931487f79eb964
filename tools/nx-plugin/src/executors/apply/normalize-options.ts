import { join } from "node:path";
import type { DeployHistoryStore } from "@platform/toolchain";
import { serviceHistoryStore } from "../../lib/deploy-history";
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
  readonly recordHistory?: boolean;
  readonly historyFile?: string;
  readonly migrationsDir?: string;
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
  /**
   * The service's deploy history of the environment, appended to after its apply (succeeded or failed);
   * undefined = no entry (the option `recordHistory` is false, or no service is applied).
   */
  readonly history?: DeployHistoryStore;
  /** The service's migrations folder, whose file names a history entry lists. */
  readonly migrationsDir?: string;
}

export function normalizeApplyOptions(
  options: ApplyExecutorOptions,
  root: string,
  projectRoot?: string,
  environ: NodeJS.ProcessEnv = process.env,
): NormalizedApplyOptions {
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
    ...historyOptions(
      options,
      root,
      environment,
      service,
      bool(options.recordHistory, "recordHistory", true),
      projectRoot,
      environ,
    ),
  };
}

/** The history and migrations folder of a service's apply, when it records history. */
function historyOptions(
  options: ApplyExecutorOptions,
  root: string,
  environment: EnvironmentName,
  service: string | undefined,
  record: boolean,
  projectRoot: string | undefined,
  environ: NodeJS.ProcessEnv,
): Pick<NormalizedApplyOptions, "history" | "migrationsDir"> {
  if (!record || !service) return {};
  const repoRoot = environ.PLATFORM_REPO_ROOT?.trim() || root;
  return {
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
      options.migrationsDir !== undefined
        ? pathOption(options.migrationsDir, "migrationsDir", "", root, environment, service)
        : projectRoot
          ? join(root, projectRoot, "migrations")
          : undefined,
  };
}

function onlyServiceStack(only: boolean, service: string | undefined): boolean {
  if (only && !service)
    throw new Error(`Option "onlyServiceStack" needs option "service" (whose stack to apply).`);
  return only;
}
