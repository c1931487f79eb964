import { existsSync, readFileSync } from "node:fs";
import { pathOption, requireString, resolveService } from "../../lib/environment";
import { assertImageName } from "./build-args";

export interface DockerizeExecutorOptions {
  readonly environment?: string;
  readonly service?: string;
  readonly onlyEnvironments?: readonly string[];
  readonly dockerfile?: string;
  readonly context?: string;
  readonly imageName?: string;
  readonly versionFrom?: string;
  readonly outputFile?: string;
  readonly baseImageArg?: string;
  readonly baseImageFrom?: string;
  readonly buildArgs?: Readonly<Record<string, string>>;
  readonly network?: string;
}

export interface NormalizedDockerizeOptions {
  readonly root: string;
  readonly dockerfile: string;
  readonly context: string;
  readonly imageName: string;
  readonly version: string;
  readonly outputFile: string;
  readonly baseImageArg: string;
  readonly baseImageFrom: string;
  readonly buildArgs: Readonly<Record<string, string>>;
  readonly network?: string;
}

const RESERVED_ARGS = ["APP_VERSION", "BUILD_TIME", "GIT_SHA"];

export function normalizeDockerizeOptions(
  options: DockerizeExecutorOptions,
  root: string,
  projectName?: string,
): NormalizedDockerizeOptions {
  const service = resolveService(options.service, projectName);
  const dockerfile = pathOption(
    options.dockerfile,
    "dockerfile",
    "apps/{service}/Dockerfile",
    root,
    undefined,
    service,
  );
  if (!existsSync(dockerfile)) throw new Error(`Option "dockerfile": ${dockerfile} does not exist.`);
  const context = pathOption(options.context, "context", ".", root);
  if (!existsSync(context)) throw new Error(`Option "context": ${context} does not exist.`);
  const imageName = requireString(options.imageName ?? service, "imageName");
  assertImageName(imageName);
  const versionFile = pathOption(
    options.versionFrom,
    "versionFrom",
    "apps/{service}/package.json",
    root,
    undefined,
    service,
  );
  if (!existsSync(versionFile)) throw new Error(`Option "versionFrom": ${versionFile} does not exist.`);
  const version = (JSON.parse(readFileSync(versionFile, "utf8")) as { version?: unknown }).version;
  if (typeof version !== "string" || version.length === 0) {
    throw new Error(`Option "versionFrom": ${versionFile} has no "version" string.`);
  }
  const buildArgs = options.buildArgs ?? {};
  for (const [k, v] of Object.entries(buildArgs)) {
    if (RESERVED_ARGS.includes(k)) {
      throw new Error(
        `Option "buildArgs" must not set ${k}: dockerize sets ${RESERVED_ARGS.join(", ")} itself.`,
      );
    }
    if (typeof v !== "string")
      throw new Error(`Option "buildArgs.${k}" must be a string (got ${JSON.stringify(v)}).`);
  }
  return {
    root,
    dockerfile,
    context,
    imageName,
    version,
    outputFile: pathOption(
      options.outputFile,
      "outputFile",
      "dist/docker/{service}/image.json",
      root,
      undefined,
      service,
    ),
    baseImageArg: requireString(options.baseImageArg ?? "NODE_BASE_IMAGE", "baseImageArg"),
    baseImageFrom: requireString(options.baseImageFrom ?? "NODE_BASE_IMAGE", "baseImageFrom"),
    buildArgs,
    network: options.network,
  };
}
