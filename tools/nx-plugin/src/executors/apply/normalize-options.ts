import {
  type EnvironmentName,
  parseEnvironment,
  pathOption,
  requirePositiveNumber,
  requireString,
} from "../../lib/environment";

export interface ApplyExecutorOptions {
  readonly environment?: string;
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
  readonly stacksProject: string;
  /** Undefined = wait only. */
  readonly stacksTarget?: string;
  readonly waitForStable: boolean;
  readonly requirePushedImage: boolean;
  readonly pinDeployedImage: boolean;
  readonly imageFile: string;
  readonly outputsFile: string;
  readonly timeoutSeconds: number;
  readonly pollIntervalSeconds: number;
}

export function normalizeApplyOptions(options: ApplyExecutorOptions, root: string): NormalizedApplyOptions {
  const environment = parseEnvironment(options.environment);
  const bool = (v: unknown, name: string, dflt: boolean) => {
    if (v === undefined) return dflt;
    if (typeof v !== "boolean")
      throw new Error(`Option "${name}" must be true or false (got ${JSON.stringify(v)}).`);
    return v;
  };
  return {
    root,
    environment,
    stacksProject: requireString(options.stacksProject ?? "stacks", "stacksProject"),
    stacksTarget:
      options.stacksTarget === ""
        ? undefined
        : requireString(options.stacksTarget ?? "apply", "stacksTarget"),
    waitForStable: bool(options.waitForStable, "waitForStable", true),
    requirePushedImage: bool(options.requirePushedImage, "requirePushedImage", true),
    pinDeployedImage: bool(options.pinDeployedImage, "pinDeployedImage", false),
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
    timeoutSeconds: requirePositiveNumber(options.timeoutSeconds ?? 900, "timeoutSeconds"),
    pollIntervalSeconds: requirePositiveNumber(options.pollIntervalSeconds ?? 10, "pollIntervalSeconds"),
  };
}
