import type { Tree } from "@nx/devkit";
import {
  parseServiceDefinition,
  SERVICE_DEFINITION_FILE,
  SERVICE_TYPES,
  SERVICES_DIR,
  type ServiceDefinition,
  type ServiceType,
} from "@platform/env-config";
import { chooseRoute, type ExistingRoute, type NewRoute, validatePathPrefix } from "./routes";
import type { ServiceGeneratorSchema } from "./schema";

/** What the generator writes from, every rule checked. */
export interface NormalizedServiceOptions {
  readonly name: string;
  readonly type: ServiceType;
  /** `apps/<name>`. */
  readonly root: string;
  /** Web only: the route; `prefix` is the `--path` ("" for the catch-all). */
  readonly route?: NewRoute & { readonly prefix: string };
  readonly database: boolean;
}

/**
 * kebab-case within env-config's service-name rule (2-18 characters): the name is the folder, the Nx
 * project, the ECR repository, part of ECS/ALB names and the database schema.
 */
const KEBAB_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
const MAX_NAME = 18;

export class ServiceGeneratorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ServiceGeneratorError";
  }
}

function validateName(name: unknown): string {
  if (typeof name !== "string" || !KEBAB_NAME.test(name) || name.length < 2 || name.length > MAX_NAME) {
    throw new ServiceGeneratorError(
      `name: must be kebab-case, 2-${MAX_NAME} characters of a-z and 0-9 in words joined by single '-', starting with a letter (e.g. demo-api) (got ${JSON.stringify(name)})`,
    );
  }
  return name;
}

function validateType(type: unknown): ServiceType {
  const found = SERVICE_TYPES.find((t: ServiceType) => t === type);
  if (found === undefined) {
    throw new ServiceGeneratorError(
      `type: must be one of ${SERVICE_TYPES.map((t: ServiceType) => `"${t}"`).join(", ")} (got ${JSON.stringify(type)})`,
    );
  }
  return found;
}

/** Every `apps/*\/service.json` in the tree, validated one by one (their set is checked after writing). */
export function readServices(tree: Tree): ServiceDefinition[] {
  if (!tree.exists(SERVICES_DIR)) return [];
  return tree.children(SERVICES_DIR).flatMap((dir) => {
    const root = `${SERVICES_DIR}/${dir}`;
    const file = `${root}/${SERVICE_DEFINITION_FILE}`;
    const text = tree.read(file, "utf8");
    return text === null ? [] : [parseServiceDefinition(JSON.parse(text), file, root)];
  });
}

function existingRoutes(services: readonly ServiceDefinition[]): ExistingRoute[] {
  return services.flatMap((s) =>
    s.route === undefined
      ? []
      : [
          {
            file: `${s.root}/${SERVICE_DEFINITION_FILE}`,
            pathPatterns: s.route.pathPatterns ?? [],
            hosts: s.route.hosts ?? [],
            priority: s.route.priority,
          },
        ],
  );
}

/** Checks every rule before anything is written; throws a named error for the first one broken. */
export function normalizeOptions(tree: Tree, schema: ServiceGeneratorSchema): NormalizedServiceOptions {
  const name = validateName(schema.name);
  const type = validateType(schema.type ?? "web");
  const root = `${SERVICES_DIR}/${name}`;
  if (tree.exists(root)) {
    throw new ServiceGeneratorError(`name: ${root} already exists; choose another name or remove it`);
  }
  if (type === "worker" && schema.path !== undefined) {
    throw new ServiceGeneratorError(
      `path: not allowed for a worker (it takes no traffic, so it has no route); drop --path or use --type web`,
    );
  }
  const database = schema.database === true;
  if (type === "worker") return { name, type, root, database };
  const prefix = schema.path === undefined ? undefined : validatePathPrefix(schema.path);
  const route = chooseRoute(prefix, existingRoutes(readServices(tree)));
  return { name, type, root, database, route: { ...route, prefix: prefix ?? "" } };
}
