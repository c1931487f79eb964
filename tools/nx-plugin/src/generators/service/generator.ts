import { createHash } from "node:crypto";
import * as path from "node:path";
import { generateFiles, type Tree } from "@nx/devkit";
import { parseServiceDefinition, SERVICE_DEFINITION_FILE, validateServiceSet } from "@platform/env-config";
import { addWorkspace, lockedVersions } from "./lockfile";
import {
  dependencyNames,
  mainFile,
  packageJson,
  projectJson,
  serviceJson,
  workspaceManifest,
} from "./manifests";
import { type NormalizedServiceOptions, normalizeOptions, readServices } from "./normalize-options";
import type { ServiceGeneratorSchema } from "./schema";

const LOCKFILE = "package-lock.json";

/** JSON as the repository keeps it: two spaces, final newline (biome does not format *.json here). */
const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** The template groups a service needs: shared files, its type's, and the database's. */
function templateGroups(o: NormalizedServiceOptions): string[] {
  return [
    "common",
    o.type,
    ...(o.type === "worker" || o.database ? ["log"] : []),
    ...(o.database ? ["database"] : []),
  ];
}

/** A per-service advisory lock key (48 bits of the name's sha256: a positive bigint). */
function migrationLockKey(name: string): string {
  return String(Number.parseInt(createHash("sha256").update(name).digest("hex").slice(0, 12), 16));
}

/**
 * `nx g @platform/nx-plugin:service <name> --type web|worker [--path /x] [--database]`: writes
 * apps/<name>/ and its package-lock.json entries. Every rule is checked before the first write, and
 * everything goes through the Tree, so a refusal or `--dry-run` leaves the workspace untouched.
 */
export default async function serviceGenerator(tree: Tree, schema: ServiceGeneratorSchema): Promise<void> {
  const o = normalizeOptions(tree, schema);
  const lock = tree.read(LOCKFILE, "utf8");
  if (lock === null)
    throw new Error(`${LOCKFILE}: not found at the workspace root (the generator adds the workspace to it)`);
  const { prod, dev } = dependencyNames(o);
  const pkg = packageJson(o, lockedVersions(lock, [...prod, ...dev]));
  const newLock = addWorkspace(lock, o.root, workspaceManifest(pkg));

  // The new definition must pass env-config on its own and next to every existing one.
  const definitionFile = `${o.root}/${SERVICE_DEFINITION_FILE}`;
  const definition = serviceJson(o);
  validateServiceSet([...readServices(tree), parseServiceDefinition(definition, definitionFile, o.root)]);

  tree.write(definitionFile, json(definition));
  tree.write(`${o.root}/package.json`, json(pkg));
  tree.write(`${o.root}/project.json`, json(projectJson(o)));
  tree.write(LOCKFILE, newLock);
  const substitutions = {
    tmpl: "",
    name: o.name,
    type: o.type,
    web: o.type === "web",
    database: o.database,
    prefix: o.route?.prefix ?? "",
    priority: o.route?.priority ?? 0,
    port: definition.port ?? 0,
    main: mainFile(o),
    schema: o.name.replaceAll("-", "_"),
    lockKey: migrationLockKey(o.name),
  };
  for (const group of templateGroups(o)) {
    generateFiles(tree, path.join(__dirname, "files", group), o.root, substitutions);
  }
}
