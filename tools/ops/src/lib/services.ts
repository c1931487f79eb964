/**
 * Which service an ops command works on. Services are data (`apps/<name>/service.json`); every record
 * (dist/deploy/<env>/<service>/) and stack (`service-<service>-<env>`) is per service, so a command that
 * promotes, releases or runs an image must know which one: `--service NAME`, else the only service with
 * a deploy chain. Pure, except `loadServiceSummaries`.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

/** The service types that get the deploy chain targets (the workspace plugin's default `chainServiceTypes`). */
export const CHAIN_SERVICE_TYPES: readonly string[] = ["web"];

/** What ops needs of a service definition. */
export interface ServiceSummary {
  /** `apps/<name>/service.json` `name`: the Nx project, the ECR repository, the record folder. */
  readonly name: string;
  /** `web` (routed by the shared load balancer) or `worker`. */
  readonly type: string;
}

/** `--service` names no service of the environment; the message lists the services there are. */
export class UnknownServiceError extends Error {
  override readonly name = "UnknownServiceError";
}

/** No `--service` and no single service to default to; the message lists the services and the flag. */
export class ServiceRequiredError extends Error {
  override readonly name = "ServiceRequiredError";
}

function describe(services: readonly ServiceSummary[]): string {
  return services.length ? services.map((s) => `${s.name} (${s.type})`).join(", ") : "none";
}

/**
 * The service a command works on: `requested` when it is one of `services`, else the only one whose
 * type has a deploy chain. Anything else throws naming the services and `--service`.
 */
export function selectService(
  services: readonly ServiceSummary[],
  requested: string | undefined,
  where: { readonly command: string; readonly env: string },
): ServiceSummary {
  if (requested !== undefined) {
    const found = services.find((s) => s.name === requested);
    if (found) return found;
    throw new UnknownServiceError(
      `${where.command}: --service ${JSON.stringify(requested)} is not a service of ${where.env}; services: ${describe(services)} (apps/*/service.json)`,
    );
  }
  const chained = services.filter((s) => CHAIN_SERVICE_TYPES.includes(s.type));
  if (chained.length === 1) return chained[0];
  throw new ServiceRequiredError(
    `${where.command} needs --service NAME: ${where.env} has ${chained.length === 0 ? "no service" : `${chained.length} services`} with a deploy chain (type ${CHAIN_SERVICE_TYPES.join(", ")}); services: ${describe(services)}`,
  );
}

type EnvConfig = typeof import("@platform/env-config");

/**
 * @platform/env-config as this process can load it: its source under a TypeScript loader (the Nx
 * targets run the ops CLI through @swc-node/register; the package's `main` is its build, which those
 * targets do not make, and a stale one would validate service.json by old rules), else the build.
 */
function requireEnvConfig(): EnvConfig {
  if (require.extensions[".ts"]) {
    const dir = dirname(require.resolve("@platform/env-config/package.json"));
    const source = join(dir, "src", "index.ts");
    if (existsSync(source)) return require(source) as EnvConfig;
  }
  return require("@platform/env-config") as EnvConfig;
}

/**
 * The repository's service definitions, validated by @platform/env-config. Loaded on demand so that
 * commands which need no service (plan-comment, affected-environments) never load that package.
 */
export async function loadServiceSummaries(workspace: string): Promise<ServiceSummary[]> {
  let catalog: EnvConfig;
  try {
    catalog = requireEnvConfig();
  } catch (err) {
    throw new Error(
      `Cannot load @platform/env-config to read apps/*/service.json (${err instanceof Error ? err.message.split("\n")[0] : String(err)}); build it: npx nx run env-config:build`,
    );
  }
  return catalog.loadServiceDefinitions(workspace).map((d) => ({ name: d.name, type: d.type }));
}
