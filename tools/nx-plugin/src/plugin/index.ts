import { readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { type CreateNodes, createNodesFromFiles, type PreTasksExecution } from "@nx/devkit";
import { LAYER_MARKER, LAYERS_DIR, layerProjectName, parseLayerMarker } from "@platform/toolchain";
import { layerTargets } from "./layer-targets";
import { normalizePluginOptions, type PlatformPluginOptions } from "./plugin-options";
import { assertKnownConfigurations } from "./requested-configurations";
import { parseServiceMarker, serviceTargets } from "./service-targets";

export type { PlatformPluginOptions } from "./plugin-options";

export const name = "@platform/nx-plugin";

/** Tag of every service project (what `nx run-many -p tag:service` selects). */
export const SERVICE_TAG = "service";

/** Tag of every shared layer project (`nx run-many -t deploy -p tag:layer`). */
export const LAYER_TAG = "layer";

/**
 * Every `apps/<name>/service.json` makes its project a service with the deploy chain targets; every
 * `stacks/layers/<layer>/layer.json` makes a layer project `stack-<layer>` that depends on the construct
 * packages its stacks are built from (so `nx affected` sees which layer a package change touches).
 */
export const createNodes: CreateNodes<PlatformPluginOptions> = [
  `{apps/*/service.json,${LAYERS_DIR}/*/${LAYER_MARKER}}`,
  (files, rawOptions, context) => {
    const options = normalizePluginOptions(rawOptions);
    return createNodesFromFiles(
      (file) => {
        const projectRoot = dirname(file);
        const text = readFileSync(join(context.workspaceRoot, file), "utf8");
        if (basename(file) === LAYER_MARKER) {
          const layer = parseLayerMarker(file, text);
          return {
            projects: {
              [projectRoot]: {
                name: layerProjectName(layer.name),
                tags: [LAYER_TAG],
                implicitDependencies: [...layer.packages],
                targets: layerTargets(layer, options),
              },
            },
          };
        }
        const service = parseServiceMarker(file, text);
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
