import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { regionFrom } from "./aws";
import type { ServiceLocation } from "./deployed-service";
import { readStateObject } from "./state-objects";
import type { SynthesizedEnvironment } from "./synthesized-environment";

/**
 * `stacks/out/outputs/<env>.json`, written by `nx run stacks:apply|outputs -c <env>`; under
 * `PLATFORM_STACKS_OUT_DIR` when set, as the stacks CLI writes it.
 */
export function stacksOutputsFile(repoRoot: string, env: string, environ: NodeJS.ProcessEnv = {}): string {
  const outDir = environ.PLATFORM_STACKS_OUT_DIR?.trim() || join(repoRoot, "stacks", "out");
  return join(outDir, "outputs", `${env}.json`);
}

/** Picks cluster/service/container from a service stack's outputs; undefined when they are not there. */
export function locationFromOutputs(
  outputs: Readonly<Record<string, unknown>>,
  fallbackRegion: string | undefined,
  source: string,
): ServiceLocation | undefined {
  const str = (k: string) =>
    typeof outputs[k] === "string" && outputs[k] !== "" ? (outputs[k] as string) : undefined;
  const cluster = str("cluster_name") ?? str("cluster_arn");
  const service = str("service_name");
  if (!cluster || !service) return undefined;
  const region = regionFrom(str("cluster_arn") ?? "") ?? fallbackRegion;
  if (!region) return undefined;
  return { region, cluster, service, containerName: str("container_name"), source };
}

/** Flattens `{stacks: {<stack>: {<output>: value}}}` or `{<stack>: {...}}` or a flat object into one map. */
export function flattenOutputsDocument(doc: unknown): Record<string, unknown> {
  if (typeof doc !== "object" || doc === null) return {};
  const root = (doc as { stacks?: unknown }).stacks ?? doc;
  const flat: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(root as Record<string, unknown>)) {
    if (typeof v === "object" && v !== null && !Array.isArray(v) && !("value" in v && "type" in v)) {
      for (const [name, inner] of Object.entries(v as Record<string, unknown>)) flat[name] = inner;
    } else flat[k] = v;
  }
  return flat;
}

/**
 * Finds an environment's ECS service: the service stack's state in S3 first (what was really applied),
 * else the stacks' outputs file. Throws naming both places when neither knows the service.
 */
export async function locateService(
  env: string,
  options: {
    readonly repoRoot: string;
    readonly synthesized?: SynthesizedEnvironment;
    readonly environ?: NodeJS.ProcessEnv;
  },
): Promise<ServiceLocation> {
  const tried: string[] = [];
  const synth = options.synthesized;
  const serviceState = synth?.stateObjects.find((o) => o.stack === synth.serviceStack);
  if (synth && serviceState) {
    const snap = await readStateObject(serviceState, options.environ);
    const where = `s3://${serviceState.bucket}/${serviceState.key}`;
    const loc = snap.exists ? locationFromOutputs(snap.outputs, synth.region, where) : undefined;
    if (loc) return loc;
    tried.push(
      snap.exists
        ? `${where} (no cluster_name/service_name outputs)`
        : `${where} (no such state: not applied)`,
    );
  }
  const file = stacksOutputsFile(options.repoRoot, env, options.environ);
  if (existsSync(file)) {
    const loc = locationFromOutputs(
      flattenOutputsDocument(JSON.parse(readFileSync(file, "utf8"))),
      synth?.region,
      file,
    );
    if (loc) return loc;
    tried.push(`${file} (no cluster_name/service_name)`);
  } else tried.push(`${file} (missing)`);
  throw new Error(
    `Cannot find the ECS service of ${env}: looked in ${tried.join("; ")}. Is ${env} applied (npx nx run stacks:apply -c ${env})?`,
  );
}
