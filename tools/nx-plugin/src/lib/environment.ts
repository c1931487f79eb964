import { isAbsolute, join } from "node:path";

/** Environments the chain deploys to; `local` runs on the Docker engine, the rest on AWS (or its emulator). */
export const ENVIRONMENTS = ["local", "dev", "staging", "prod"] as const;
export type EnvironmentName = (typeof ENVIRONMENTS)[number];
export type EnvironmentKind = "local" | "aws";

export function parseEnvironment(value: unknown, option = "environment"): EnvironmentName {
  if (typeof value !== "string" || !(ENVIRONMENTS as readonly string[]).includes(value)) {
    throw new Error(
      `Option "${option}" must be one of ${ENVIRONMENTS.join(", ")} (got ${JSON.stringify(value)}); ` +
        "pass it with a configuration, e.g. `-c dev`.",
    );
  }
  return value as EnvironmentName;
}

export function environmentKind(env: EnvironmentName): EnvironmentKind {
  return env === "local" ? "local" : "aws";
}

/** A service name as service.json allows it (the chain's record folders and stack names use it). */
const SERVICE_NAME = /^[a-z](?:[a-z0-9-]{0,16}[a-z0-9])$/;

/**
 * The service a chain step works for: the `service` option, else the project the target belongs to.
 * Its records live under dist/deploy/<env>/<service>/ and its stack is service-<service>-<env>.
 */
export function resolveService(value: unknown, projectName: string | undefined): string {
  const service = value ?? projectName;
  if (typeof service !== "string" || !SERVICE_NAME.test(service)) {
    throw new Error(
      `Option "service" must be a service name (2-18 characters of a-z, 0-9 and '-', as in apps/<name>/service.json; default: the project's name), got ${JSON.stringify(service)}.`,
    );
  }
  return service;
}

/**
 * Resolves a path option against the workspace root, replacing `{environment}`, `{service}`, `{repoRoot}` (where the
 * stacks read dist/deploy/<env>/*.json: `PLATFORM_REPO_ROOT`, else the workspace root) and `{stacksOut}`
 * (where the stacks CLI writes outputs: `PLATFORM_STACKS_OUT_DIR`, else stacks/out). The same variables
 * move the stacks' files, so a test or a second operator can keep a whole chain apart.
 */
export function resolveEnvPath(
  root: string,
  template: string,
  env?: EnvironmentName,
  environ: NodeJS.ProcessEnv = process.env,
  service?: string,
): string {
  if (/\{environment\}/.test(template) && !env) {
    throw new Error(
      `Path option ${JSON.stringify(template)} uses {environment} but no environment was given.`,
    );
  }
  if (/\{service\}/.test(template) && !service) {
    throw new Error(`Path option ${JSON.stringify(template)} uses {service} but no service was given.`);
  }
  const p = template
    .replace(/\{environment\}/g, env ?? "")
    .replace(/\{service\}/g, service ?? "")
    .replace(/\{repoRoot\}/g, environ.PLATFORM_REPO_ROOT?.trim() || root)
    .replace(/\{stacksOut\}/g, environ.PLATFORM_STACKS_OUT_DIR?.trim() || join(root, "stacks", "out"));
  return isAbsolute(p) ? p : join(root, p);
}

export function requireString(value: unknown, option: string): string {
  if (typeof value !== "string" || value.trim().length === 0) {
    throw new Error(`Option "${option}" must be a non-empty string (got ${JSON.stringify(value)}).`);
  }
  return value;
}

export function requirePositiveNumber(value: unknown, option: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new Error(`Option "${option}" must be a positive number (got ${JSON.stringify(value)}).`);
  }
  return value;
}

/**
 * For steps only some environments need (the local proxy image): the reason to skip, or undefined to run.
 * Both options unset = always run.
 */
export function skipReason(
  environment: unknown,
  onlyEnvironments: unknown,
  what: string,
): string | undefined {
  if (onlyEnvironments === undefined) return undefined;
  if (!Array.isArray(onlyEnvironments) || onlyEnvironments.length === 0) {
    throw new Error(`Option "onlyEnvironments" must be a non-empty list of ${ENVIRONMENTS.join(", ")}.`);
  }
  for (const e of onlyEnvironments) parseEnvironment(e, "onlyEnvironments");
  const env = parseEnvironment(environment);
  return onlyEnvironments.includes(env)
    ? undefined
    : `skipped: ${what} is used only by ${onlyEnvironments.join(", ")}, not by ${env}`;
}

/** A path option (its default when unset), validated and resolved as {@link resolveEnvPath} does. */
export function pathOption(
  value: unknown,
  option: string,
  fallback: string,
  root: string,
  env?: EnvironmentName,
  service?: string,
): string {
  return resolveEnvPath(root, requireString(value ?? fallback, option), env, process.env, service);
}
