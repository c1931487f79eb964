import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

/** Where one stack keeps its Terraform state. */
export interface StateObject {
  readonly stack: string;
  readonly bucket: string;
  readonly key: string;
  readonly region: string;
  /** Directory of the synthesized stack (where `terraform` runs). */
  readonly dir: string;
}

/** The facts about an AWS environment that `status` and `promote` read from its synthesized stacks. */
export interface SynthesizedEnvironment {
  readonly env: string;
  readonly outdir: string;
  /** Region of the service stack's AWS provider. */
  readonly region: string;
  /** Every stack with an S3 backend, in the manifest's order (the bootstrap stack keeps local state). */
  readonly stateObjects: readonly StateObject[];
  /** `service-<env>`, the stack that exports cluster/service/container names. */
  readonly serviceStack?: string;
}

interface Manifest {
  readonly stacks: Record<
    string,
    { readonly name: string; readonly synthesizedStackPath: string; readonly workingDirectory: string }
  >;
}

interface StackJson {
  readonly terraform?: {
    readonly backend?: { readonly s3?: { bucket?: string; key?: string; region?: string } };
  };
  readonly provider?: { readonly aws?: ReadonlyArray<{ readonly region?: string; readonly alias?: string }> };
}

/** Stacks after the stacks they read from (registry and network before service), ties by name. */
function dependencyOrder<T extends { readonly name: string; readonly dependencies?: readonly string[] }>(
  stacks: T[],
): T[] {
  const byName = new Map(stacks.map((s) => [s.name, s]));
  const out: T[] = [];
  const seen = new Set<string>();
  const visit = (s: T) => {
    if (seen.has(s.name)) return;
    seen.add(s.name);
    for (const d of s.dependencies ?? []) {
      const dep = byName.get(d);
      if (dep) visit(dep);
    }
    out.push(s);
  };
  for (const s of [...stacks].sort((a, b) => a.name.localeCompare(b.name))) visit(s);
  return out;
}

/** Default synth output of an environment: `stacks/cdktf.out/<env>` (what `nx run stacks:synth -c <env>` writes). */
export function defaultSynthDir(repoRoot: string, env: string): string {
  return join(repoRoot, "stacks", "cdktf.out", env);
}

/**
 * Reads `<outdir>/manifest.json` and each stack's `cdk.tf.json`: S3 backend (bucket, key, region) and the
 * service stack's provider region. Reading the synthesized JSON keeps one source of truth (the typed
 * config in stacks/src/config) without importing the stacks project.
 */
export function readSynthesizedEnvironment(outdir: string, env: string): SynthesizedEnvironment {
  const dir = resolve(outdir);
  const manifestFile = join(dir, "manifest.json");
  if (!existsSync(manifestFile)) {
    throw new Error(
      `${manifestFile} does not exist: synthesize the environment first (npx nx run stacks:synth -c ${env}).`,
    );
  }
  const manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as Manifest;
  const stateObjects: StateObject[] = [];
  let region: string | undefined;
  let serviceStack: string | undefined;
  for (const s of dependencyOrder(Object.values(manifest.stacks ?? {}))) {
    const json = JSON.parse(readFileSync(join(dir, s.synthesizedStackPath), "utf8")) as StackJson;
    const backend = json.terraform?.backend?.s3;
    const providerRegion = json.provider?.aws?.find((p) => !p.alias)?.region;
    if (backend?.bucket && backend.key && backend.region) {
      stateObjects.push({
        stack: s.name,
        bucket: backend.bucket,
        key: backend.key,
        region: backend.region,
        dir: join(dir, s.workingDirectory),
      });
    }
    if (s.name === `service-${env}`) {
      serviceStack = s.name;
      region = providerRegion;
    }
    region ??= undefined;
  }
  const fallbackRegion = stateObjects[0]?.region;
  if (!region && !fallbackRegion) {
    throw new Error(`${dir}: no stack of ${env} has an S3 backend; is ${env} an AWS environment?`);
  }
  return { env, outdir: dir, region: region ?? (fallbackRegion as string), stateObjects, serviceStack };
}
