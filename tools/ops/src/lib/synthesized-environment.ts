import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { UnknownServiceError } from "./services";

/** Where one stack keeps its Terraform state. */
export interface StateObject {
  readonly stack: string;
  readonly bucket: string;
  readonly key: string;
  readonly region: string;
  /** Directory of the synthesized stack (where `terraform` runs). */
  readonly dir: string;
}

/** A service the environment deploys, and the stack that deploys it. */
export interface SynthesizedService {
  /** The service's name (apps/<name>/service.json). */
  readonly name: string;
  /** `service-<name>-<env>`: exports cluster/service/container names, image and task definition. */
  readonly stack: string;
}

/** The facts about an AWS environment that `status` and `promote` read from its synthesized stacks. */
export interface SynthesizedEnvironment {
  readonly env: string;
  readonly outdir: string;
  /** Region of the service stacks' AWS provider (else of the first state object). */
  readonly region: string;
  /** Every stack with an S3 backend, in dependency order (the bootstrap stack keeps local state). */
  readonly stateObjects: readonly StateObject[];
  /** Every service stack of the environment, sorted by service name (empty before any service exists). */
  readonly services: readonly SynthesizedService[];
}

interface ManifestStack {
  readonly name: string;
  readonly synthesizedStackPath: string;
  readonly workingDirectory: string;
  readonly dependencies?: readonly string[];
}

interface Manifest {
  readonly stacks: Record<string, ManifestStack>;
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

/**
 * The service a stack name deploys: `service-<name>-<env>` (serviceStackName of @platform/toolchain)
 * gives `<name>`; any other stack gives undefined.
 */
export function serviceOfStack(stack: string, env: string): string | undefined {
  const prefix = "service-";
  const suffix = `-${env}`;
  if (!stack.startsWith(prefix) || !stack.endsWith(suffix)) return undefined;
  const name = stack.slice(prefix.length, stack.length - suffix.length);
  return name.length > 0 ? name : undefined;
}

/** Default synth output of an environment: `stacks/cdktf.out/<env>` (what `nx run stacks:synth -c <env>` writes). */
export function defaultSynthDir(repoRoot: string, env: string): string {
  return join(repoRoot, "stacks", "cdktf.out", env);
}

/**
 * Reads `<outdir>/manifest.json` and each stack's `cdk.tf.json`: S3 backend (bucket, key, region), the
 * service stacks (one per service) and their provider region. Reading the synthesized JSON keeps one
 * source of truth (the typed config in stacks/src/config and apps/*\/service.json) without importing the
 * stacks project.
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
  const services: SynthesizedService[] = [];
  let region: string | undefined;
  for (const s of dependencyOrder(Object.values(manifest.stacks ?? {}))) {
    const json = JSON.parse(readFileSync(join(dir, s.synthesizedStackPath), "utf8")) as StackJson;
    const backend = json.terraform?.backend?.s3;
    if (backend?.bucket && backend.key && backend.region) {
      stateObjects.push({
        stack: s.name,
        bucket: backend.bucket,
        key: backend.key,
        region: backend.region,
        dir: join(dir, s.workingDirectory),
      });
    }
    const service = serviceOfStack(s.name, env);
    if (service) {
      services.push({ name: service, stack: s.name });
      region ??= json.provider?.aws?.find((p) => !p.alias)?.region;
    }
  }
  const fallbackRegion = stateObjects[0]?.region;
  if (!region && !fallbackRegion) {
    throw new Error(`${dir}: no stack of ${env} has an S3 backend; is ${env} an AWS environment?`);
  }
  services.sort((a, b) => a.name.localeCompare(b.name));
  return { env, outdir: dir, region: region ?? (fallbackRegion as string), stateObjects, services };
}

/**
 * The service stacks a command looks at: all of them, or the one of `service` (unknown names throw,
 * listing the environment's services).
 */
export function servicesOf(synth: SynthesizedEnvironment, service?: string): readonly SynthesizedService[] {
  if (service === undefined) return synth.services;
  const found = synth.services.filter((s) => s.name === service);
  if (found.length === 0) {
    throw new UnknownServiceError(
      `--service ${JSON.stringify(service)} is not a service of ${synth.env}; services: ${synth.services.map((s) => s.name).join(", ") || "none"} (stacks service-<name>-${synth.env})`,
    );
  }
  return found;
}
