import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { EnvironmentConfig } from "./environment-config";
import {
  parseServiceDefinition,
  SERVICE_DEFINITION_FILE,
  type ServiceDefinition,
  validateServiceSet,
} from "./service-definition";

/** Folder holding one folder per deployable service. */
export const SERVICES_DIR = "apps";

/**
 * Every `apps/<name>/service.json` of the repository, validated one by one and as a set, sorted by
 * name. A folder without the marker is not a service (e.g. a library app).
 */
export function loadServiceDefinitions(repoRoot: string): ServiceDefinition[] {
  const appsDir = join(repoRoot, SERVICES_DIR);
  if (!existsSync(appsDir)) {
    throw new Error(
      `${appsDir} does not exist: the services are read from apps/*/service.json of the repository (PLATFORM_REPO_ROOT)`,
    );
  }
  const services: ServiceDefinition[] = [];
  for (const entry of readdirSync(appsDir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const root = `${SERVICES_DIR}/${entry.name}`;
    const file = join(repoRoot, root, SERVICE_DEFINITION_FILE);
    if (!existsSync(file)) continue;
    const source = `${root}/${SERVICE_DEFINITION_FILE}`;
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, "utf8"));
    } catch (error) {
      throw new Error(`${source}: not valid JSON (${(error as Error).message})`);
    }
    services.push(parseServiceDefinition(raw, source, root));
  }
  services.sort((a, b) => a.name.localeCompare(b.name));
  validateServiceSet(services);
  return services;
}

/**
 * Refuses what one environment cannot run: `database: true` where the environment has no database,
 * and per-environment sizes for an environment that does not exist.
 */
export function assertServicesFitEnvironment(
  services: readonly ServiceDefinition[],
  config: EnvironmentConfig,
  environmentNames: readonly string[],
): void {
  const problems: string[] = [];
  for (const s of services) {
    const file = `${s.root}/${SERVICE_DEFINITION_FILE}`;
    if (s.database && config.kind === "aws" && !config.database) {
      problems.push(
        `${file}: database: true, but environment ${config.name} has no database (add database to stacks/src/config/${config.name}.ts or set database: false)`,
      );
    }
    for (const env of Object.keys(s.environments)) {
      if (!environmentNames.includes(env)) {
        problems.push(
          `${file}: environments.${env} is not an environment (allowed: ${environmentNames.join(", ")})`,
        );
      }
    }
  }
  if (problems.length > 0)
    throw new Error(
      `Services do not fit environment ${config.name}:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
}
