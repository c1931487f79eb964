import {
  type EnvironmentName,
  parseEnvironment,
  pathOption,
  requireString,
  resolveService,
} from "../../lib/environment";
import { assertImageName } from "../dockerize/build-args";

export interface PushExecutorOptions {
  readonly environment?: string;
  readonly service?: string;
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
  /** The service whose image, repository and record this step handles. */
  readonly service: string;
  readonly imageFile: string;
  readonly outputFile: string;
  readonly outputsFile: string;
  readonly repositoryUrlOutput: string;
  readonly repositoryName: string;
}

export function normalizePushOptions(
  options: PushExecutorOptions,
  root: string,
  projectName?: string,
): NormalizedPushOptions {
  const environment = parseEnvironment(options.environment);
  const service = resolveService(options.service, projectName);
  const repositoryName = requireString(options.repositoryName ?? service, "repositoryName");
  assertImageName(repositoryName, "repositoryName");
  return {
    root,
    environment,
    service,
    imageFile: pathOption(
      options.imageFile,
      "imageFile",
      "dist/docker/{service}/image.json",
      root,
      environment,
      service,
    ),
    outputFile: pathOption(
      options.outputFile,
      "outputFile",
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
    repositoryUrlOutput: requireString(
      options.repositoryUrlOutput ?? "repository_url",
      "repositoryUrlOutput",
    ),
    repositoryName,
  };
}
