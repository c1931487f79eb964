import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { regionFrom } from "./aws";
import { serviceStackName } from "./deploy-records";
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

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * One service's stack outputs from the outputs document
 * (`{services: {<service>: <stack>}, stacks: {<stack>: {<output>: value}}}`): the stack the document
 * names for the service, else `service-<service>-<env>`. Never another stack's: every service stack
 * exports the same output names, so a merged view would mix services.
 */
export function serviceOutputsFromDocument(
  doc: unknown,
  service: string,
  env: string,
): { readonly stack: string; readonly outputs?: Readonly<Record<string, unknown>> } {
  const recorded = isObject(doc) && isObject(doc.services) ? doc.services[service] : undefined;
  const stack = typeof recorded === "string" ? recorded : serviceStackName(service, env);
  const stacks = isObject(doc) && isObject(doc.stacks) ? doc.stacks : {};
  const outputs = stacks[stack];
  return { stack, outputs: isObject(outputs) ? outputs : undefined };
}

/**
 * Finds a service's ECS service in an environment: its stack's state in S3 first (what was really
 * applied), else the stacks' outputs file. Throws naming both places when neither knows the service.
 */
export async function locateService(
  env: string,
  options: {
    readonly repoRoot: string;
    /** The service (apps/<name>/service.json name) whose stack `service-<name>-<env>` is read. */
    readonly service: string;
    readonly synthesized?: SynthesizedEnvironment;
    readonly environ?: NodeJS.ProcessEnv;
  },
): Promise<ServiceLocation> {
  const tried: string[] = [];
  const synth = options.synthesized;
  const stack =
    synth?.services.find((s) => s.name === options.service)?.stack ?? serviceStackName(options.service, env);
  const serviceState = synth?.stateObjects.find((o) => o.stack === stack);
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
    const found = serviceOutputsFromDocument(JSON.parse(readFileSync(file, "utf8")), options.service, env);
    const loc = found.outputs
      ? locationFromOutputs(found.outputs, synth?.region, `${file} (${found.stack})`)
      : undefined;
    if (loc) return loc;
    tried.push(
      `${file} (${found.outputs ? `${found.stack} has no cluster_name/service_name` : `no stack ${found.stack}`})`,
    );
  } else tried.push(`${file} (missing)`);
  throw new Error(
    `Cannot find the ECS service of ${options.service} in ${env}: looked in ${tried.join("; ")}. Is it applied (npx nx run stacks:apply -c ${env} -- --service ${options.service})?`,
  );
}
