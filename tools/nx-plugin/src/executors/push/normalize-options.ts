import { type EnvironmentName, parseEnvironment, pathOption, requireString } from "../../lib/environment";
import { assertImageName } from "../dockerize/build-args";

export interface PushExecutorOptions {
  readonly environment?: string;
  readonly onlyEnvironments?: readonly string[];
  readonly imageFile?: string;
  readonly outputFile?: string;
  readonly outputsFile?: string;
  readonly repositoryUrlOutput?: string;
  readonly repositoryName?: string;
}

export interface NormalizedPushOptions {
  readonly root: string;
  readonly environment: EnvironmentName;
  readonly imageFile: string;
  readonly outputFile: string;
  readonly outputsFile: string;
  readonly repositoryUrlOutput: string;
  readonly repositoryName: string;
}

export function normalizePushOptions(options: PushExecutorOptions, root: string): NormalizedPushOptions {
  const environment = parseEnvironment(options.environment);
  const repositoryName = requireString(options.repositoryName ?? "sample-service", "repositoryName");
  assertImageName(repositoryName, "repositoryName");
  return {
    root,
    environment,
    imageFile: pathOption(
      options.imageFile,
      "imageFile",
      "dist/docker/sample-service/image.json",
      root,
      environment,
    ),
    outputFile: pathOption(
      options.outputFile,
      "outputFile",
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
    repositoryUrlOutput: requireString(
      options.repositoryUrlOutput ?? "repository_url",
      "repositoryUrlOutput",
    ),
    repositoryName,
  };
}
