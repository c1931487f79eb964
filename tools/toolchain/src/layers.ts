/**
 * The shared infrastructure layers (registry, network, database, platform), defined once as data in
 * `stacks/layers/<layer>/layer.json`: the Nx plugin makes each a project (`stack-<layer>`, so
 * `nx affected` sees which layer a construct change touches) and the stacks CLI resolves
 * `apply --layer <layer>` to the layer's stack in the environment.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** Where the layer markers live, relative to the repository root. */
export const LAYERS_DIR = "stacks/layers";
export const LAYER_MARKER = "layer.json";
/** The kinds of environment a layer can have a stack in (`local` runs on Docker, the rest on AWS). */
export const LAYER_STACK_KINDS = ["aws", "local"] as const;
export type LayerStackKind = (typeof LAYER_STACK_KINDS)[number];

export interface LayerDefinition {
  readonly name: string;
  readonly description: string;
  /** Nx projects of the construct packages the layer's stacks are built from. */
  readonly packages: readonly string[];
  /** Layers deployed before this one. */
  readonly after: readonly string[];
  /** The layer's stack per kind of environment (`{env}` = the environment); absent = none there. */
  readonly stacks: Readonly<Partial<Record<LayerStackKind, string>>>;
}

/** Nx project of a layer: `stack-<layer>`. */
export function layerProjectName(layer: string): string {
  return `stack-${layer}`;
}

/** The layer's stack in `env` (of `kind`), or undefined when the layer has none there. */
export function layerStackName(
  layer: LayerDefinition,
  kind: LayerStackKind,
  env: string,
): string | undefined {
  return layer.stacks[kind]?.replace(/\{env\}/g, env);
}

const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

function stringList(value: unknown, file: string, field: string): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string" || v.length === 0))
    throw new Error(`${file}: ${field} must be a list of names`);
  return value as string[];
}

/** A layer.json's definition; throws naming the file and the field. */
export function parseLayerMarker(file: string, text: string): LayerDefinition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file}: not valid JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw new Error(`${file}: must be a JSON object`);
  const raw = parsed as Record<string, unknown>;
  if (typeof raw.name !== "string" || !KEBAB.test(raw.name))
    throw new Error(`${file}: name must be kebab-case (got ${JSON.stringify(raw.name)})`);
  if (typeof raw.description !== "string") throw new Error(`${file}: description must be a string`);
  const stacks = raw.stacks;
  if (typeof stacks !== "object" || stacks === null || Array.isArray(stacks))
    throw new Error(`${file}: stacks must be an object with keys ${LAYER_STACK_KINDS.join(", ")}`);
  for (const [kind, name] of Object.entries(stacks)) {
    if (!(LAYER_STACK_KINDS as readonly string[]).includes(kind))
      throw new Error(
        `${file}: stacks.${kind} is not a kind of environment; allowed: ${LAYER_STACK_KINDS.join(", ")}`,
      );
    if (typeof name !== "string" || name.length === 0)
      throw new Error(`${file}: stacks.${kind} must be a stack name ("{env}" for the environment)`);
  }
  return {
    name: raw.name,
    description: raw.description,
    packages: stringList(raw.packages, file, "packages"),
    after: stringList(raw.after ?? [], file, "after"),
    stacks: stacks as LayerDefinition["stacks"],
  };
}

/** Every layer under `<repoRoot>/stacks/layers`, by directory name; a marker naming another layer is refused. */
export function readLayers(repoRoot: string): LayerDefinition[] {
  const dir = join(repoRoot, LAYERS_DIR);
  if (!existsSync(dir)) return [];
  const layers = readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, LAYER_MARKER)))
    .map((d) => {
      const file = join(LAYERS_DIR, d.name, LAYER_MARKER);
      const layer = parseLayerMarker(file, readFileSync(join(repoRoot, file), "utf8"));
      if (layer.name !== d.name) throw new Error(`${file}: name must be its directory's name "${d.name}"`);
      return layer;
    })
    .sort((a, b) => a.name.localeCompare(b.name));
  const names = new Set(layers.map((l) => l.name));
  for (const l of layers)
    for (const a of l.after)
      if (!names.has(a))
        throw new Error(
          `${LAYERS_DIR}/${l.name}/${LAYER_MARKER}: after names unknown layer "${a}"; layers: ${[...names].join(", ")}`,
        );
  return layers;
}
