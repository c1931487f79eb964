/**
 * The new workspace's package-lock.json entries, written as npm writes them. `apps/*` are npm
 * workspaces: without `apps/<name>` and its `node_modules/<name>` link in the lock, `npm ci` refuses
 * to install ("lock file out of sync"); the CI and the two-clones test run `npm ci`.
 */

/** The part of a lock entry the generator reads or writes. */
interface LockEntry {
  readonly name?: string;
  readonly version?: string;
  readonly resolved?: string;
  readonly link?: boolean;
  readonly dev?: boolean;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly devDependencies?: Readonly<Record<string, string>>;
}

interface Lockfile {
  readonly packages: Readonly<Record<string, LockEntry>>;
}

/** The workspace's manifest fields that npm copies into its lock entry. */
export interface WorkspaceManifest {
  readonly name: string;
  readonly version: string;
  readonly dependencies: Readonly<Record<string, string>>;
  readonly devDependencies: Readonly<Record<string, string>>;
}

export class LockfileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LockfileError";
  }
}

function parse(text: string): Lockfile {
  const lock = JSON.parse(text) as Partial<Lockfile>;
  if (typeof lock.packages !== "object" || lock.packages === null) {
    throw new LockfileError("package-lock.json: has no packages (lockfileVersion 3 expected)");
  }
  return lock as Lockfile;
}

/**
 * The exact version the lock installs at the top level for each package, so the new service pins
 * what is already there (npm ci stays offline, and nothing else in the lock moves). Throws naming
 * the missing package.
 */
export function lockedVersions(text: string, names: readonly string[]): Record<string, string> {
  const { packages } = parse(text);
  const versions: Record<string, string> = {};
  for (const name of names) {
    const version = packages[`node_modules/${name}`]?.version;
    if (version === undefined) {
      throw new LockfileError(
        `package-lock.json: ${name} is not installed at the top level, so the new service cannot pin a version already in the lock; run npm install ${name} first`,
      );
    }
    versions[name] = version;
  }
  return versions;
}

/** npm sorts `packages` keys with an English-locale compare (@isaacs/string-locale-compare). */
const byNpmOrder = (a: string, b: string) => a.localeCompare(b, "en");

/**
 * The lock text with the workspace `root` (e.g. `apps/demo-api`) added: its entry (name only when it
 * differs from the folder, as npm does) and the `node_modules/<name>` link, keys in npm's order,
 * two-space JSON with a final newline. The dependencies must already be in the lock: npm would
 * then change nothing else (their `dev` flags stay right only if the new service's production
 * dependencies are already someone's production dependencies, which is checked).
 */
export function addWorkspace(text: string, root: string, manifest: WorkspaceManifest): string {
  const lock = parse(text);
  const linkKey = `node_modules/${manifest.name}`;
  for (const key of [root, linkKey]) {
    if (lock.packages[key] !== undefined)
      throw new LockfileError(`package-lock.json: already has an entry ${JSON.stringify(key)}`);
  }
  for (const [name, version] of [
    ...Object.entries(manifest.dependencies),
    ...Object.entries(manifest.devDependencies),
  ]) {
    const entry = lock.packages[`node_modules/${name}`];
    if (entry?.version !== version)
      throw new LockfileError(`package-lock.json: ${name}@${version} is not the version the lock installs`);
  }
  for (const name of Object.keys(manifest.dependencies)) {
    if (lock.packages[`node_modules/${name}`]?.dev === true)
      throw new LockfileError(
        `package-lock.json: ${name} is dev-only in the lock; a production dependency would change its flags (run npm install)`,
      );
  }
  const folder = root.split("/").pop();
  const entry: Record<string, unknown> = {
    ...(manifest.name === folder ? {} : { name: manifest.name }),
    version: manifest.version,
  };
  if (Object.keys(manifest.dependencies).length > 0) entry.dependencies = manifest.dependencies;
  if (Object.keys(manifest.devDependencies).length > 0) entry.devDependencies = manifest.devDependencies;
  const merged: Record<string, unknown> = {
    ...lock.packages,
    [root]: entry,
    [linkKey]: { resolved: root, link: true },
  };
  const packages = Object.fromEntries(
    Object.keys(merged)
      .sort(byNpmOrder)
      .map((key) => [key, merged[key]]),
  );
  return `${JSON.stringify({ ...lock, packages }, null, 2)}\n`;
}
