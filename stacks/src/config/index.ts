import {
  type EnvironmentConfig,
  parseEnvironmentConfig,
  parseSharedConfig,
  type SharedConfig,
} from "@platform/env-config";
import { dev } from "./dev";
import { local } from "./local";
import { prod } from "./prod";
import { shared } from "./shared";
import { staging } from "./staging";

/** Environment names, in the order an operator usually promotes through them. */
export const ENVIRONMENT_NAMES = ["local", "dev", "staging", "prod"] as const;
export type EnvironmentName = (typeof ENVIRONMENT_NAMES)[number];

const RAW: Record<EnvironmentName, unknown> = { local, dev, staging, prod };

/**
 * Under Nx, `-c <name>` is the environment and wins over a PLATFORM_ENV the shell holds (Nx passes it as
 * NX_TASK_TARGET_CONFIGURATION). Nx drops a configuration the target does not define before the task
 * starts, so `-c prdo` is refused earlier, by the workspace plugin (tools/nx-plugin/src/plugin); this
 * check catches a child process that inherits some other task's configuration.
 */
export function assertNxConfiguration(environ: NodeJS.ProcessEnv): EnvironmentName | undefined {
  const configuration = environ.NX_TASK_TARGET_CONFIGURATION?.trim();
  if (!configuration) return undefined;
  return assertEnvironmentName(configuration, `nx configuration (-c ${configuration})`);
}

/** Throws naming the allowed environments unless `name` is one of them. */
export function assertEnvironmentName(name: string | undefined, source: string): EnvironmentName {
  if (!name || !(ENVIRONMENT_NAMES as readonly string[]).includes(name)) {
    throw new Error(
      `${source}: environment must be one of ${ENVIRONMENT_NAMES.join(", ")} (got ${JSON.stringify(name ?? "")})`,
    );
  }
  return name as EnvironmentName;
}

/** The validated config of one environment; errors name `stacks/src/config/<name>.ts` and the field. */
export function loadEnvironmentConfig(name: EnvironmentName): EnvironmentConfig {
  const config = parseEnvironmentConfig(RAW[name], `stacks/src/config/${name}.ts`);
  if (config.name !== name) {
    throw new Error(
      `stacks/src/config/${name}.ts: name must be "${name}" (the file's name), got "${config.name}"`,
    );
  }
  return config;
}

/** The validated shared settings (state bucket, registry). */
export function loadSharedConfig(): SharedConfig {
  return parseSharedConfig(shared, "stacks/src/config/shared.ts");
}
