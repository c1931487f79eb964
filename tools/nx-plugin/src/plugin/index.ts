import type { PreTasksExecution } from "@nx/devkit";
import { assertKnownConfigurations } from "./requested-configurations";

/** Options of the workspace plugin in nx.json (`plugins[].options`). */
export interface PlatformPluginOptions {
  /** The environments; every `-c` must name one. Kept equal to stacks/src/config's ENVIRONMENT_NAMES (a test checks). */
  readonly environments: readonly string[];
}

export const name = "@platform/nx-plugin";

/** Refuses an unknown `-c` before any task runs (Nx would drop it and run the target unconfigured). */
export const preTasksExecution: PreTasksExecution<PlatformPluginOptions> = (options, context) => {
  const environments = options?.environments;
  if (!environments || environments.length === 0) {
    throw new Error(`${name}: nx.json plugin options need "environments" (the environment names)`);
  }
  // argv is [node, nx script, ...the words typed after `nx`].
  assertKnownConfigurations(context.argv.slice(2), environments);
};
