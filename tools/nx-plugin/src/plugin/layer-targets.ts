import type { TargetConfiguration } from "@nx/devkit";
import { type LayerDefinition, layerProjectName } from "@platform/toolchain";

export interface LayerTargetsOptions {
  /** Every environment; each target gets one configuration per environment. */
  readonly environments: readonly string[];
  /** The configuration the targets run without `-c`. */
  readonly defaultEnvironment: string;
}

/** What every layer target needs first: the compiled stacks CLI, the toolchain and a preflight check. */
const PREREQUISITES = [
  { projects: ["stacks"], target: "build" },
  { projects: ["toolchain"], target: "ensure" },
  { projects: ["stacks"], target: "preflight" },
  // The local platform layer runs the entry-point proxy (a no-op for AWS environments).
  { projects: ["stacks"], target: "push-proxy" },
];

/**
 * The targets of one shared layer's project (`stack-<layer>`): `plan` for reviewers, `apply` of only the
 * layer's stack (skipped without a plan while byte-identical to its last apply), and `deploy`, what
 * `nx affected -t deploy` runs when a construct package the layer is built from changed.
 */
export function layerTargets(
  layer: LayerDefinition,
  options: LayerTargetsOptions,
): Record<string, TargetConfiguration> {
  const configurations = Object.fromEntries(
    options.environments.map((env) => [env, { env: { PLATFORM_ENV: env } }]),
  );
  const perEnvironment = {
    cache: false,
    defaultConfiguration: options.defaultEnvironment,
    configurations,
  };
  const cli = `node stacks/dist/cli/main.js`;
  const upstreamApplies = layer.after.map((name) => ({
    projects: [layerProjectName(name)],
    target: "apply",
  }));
  return {
    plan: {
      executor: "nx:run-commands",
      metadata: {
        description: `Plan only the ${layer.name} layer's stack (-c <env>): the Markdown review summary in stacks/out/plans/<env>/summary.md.`,
      },
      dependsOn: PREREQUISITES,
      options: { command: `${cli} plan --layer ${layer.name} --changes-exit-code 0`, cwd: "{workspaceRoot}" },
      ...perEnvironment,
    },
    apply: {
      executor: "nx:run-commands",
      metadata: {
        description: `Apply only the ${layer.name} layer's stack (-c <env>) after ${layer.after.length ? layer.after.join(", ") : "nothing else"}; a stack whose synthesized JSON and state are those of its last apply from this checkout prints "unchanged since <sha>, skipped" instead of a Terraform plan.`,
      },
      dependsOn: [...PREREQUISITES, ...upstreamApplies],
      options: { command: `${cli} apply --layer ${layer.name} --skip-unchanged`, cwd: "{workspaceRoot}" },
      ...perEnvironment,
    },
    deploy: {
      executor: "nx:noop",
      metadata: {
        description: `Deploy the ${layer.name} layer (-c <env>): its apply. What \`nx affected -t deploy\` runs when ${layer.packages.join(" or ")} changed.`,
      },
      dependsOn: ["apply"],
      ...perEnvironment,
    },
  };
}
