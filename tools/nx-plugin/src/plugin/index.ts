import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { type CreateNodes, createNodesFromFiles, type PreTasksExecution } from "@nx/devkit";
import { normalizePluginOptions, type PlatformPluginOptions } from "./plugin-options";
import { assertKnownConfigurations } from "./requested-configurations";
import { parseServiceMarker, serviceTargets } from "./service-targets";

export type { PlatformPluginOptions } from "./plugin-options";

export const name = "@platform/nx-plugin";

/** Tag of every service project (what `nx run-many -p tag:service` selects). */
export const SERVICE_TAG = "service";

/** Every `apps/<name>/service.json` makes its project a service with the deploy chain targets. */
export const createNodes: CreateNodes<PlatformPluginOptions> = [
  "apps/*/service.json",
  (files, rawOptions, context) => {
    const options = normalizePluginOptions(rawOptions);
    return createNodesFromFiles(
      (file) => {
        const projectRoot = dirname(file);
        const service = parseServiceMarker(file, readFileSync(join(context.workspaceRoot, file), "utf8"));
        if (!options.chainServiceTypes.includes(service.type)) return {};
        // Tagged so every service can be selected at once: `nx run-many -t deploy -p tag:service`.
        const tags = [SERVICE_TAG, `service-type:${service.type}`];
        return {
          projects: { [projectRoot]: { tags, targets: serviceTargets(projectRoot, service, options) } },
        };
      },
      files,
      rawOptions,
      context,
    );
  },
];

/** Refuses an unknown `-c` before any task runs (Nx would drop it and run the target unconfigured). */
export const preTasksExecution: PreTasksExecution<PlatformPluginOptions> = (rawOptions, context) => {
  const { environments } = normalizePluginOptions(rawOptions);
  // argv is [node, nx script, ...the words typed after `nx`].
  assertKnownConfigurations(context.argv.slice(2), environments);
};
