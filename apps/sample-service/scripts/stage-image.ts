/**
 * Stages the Docker build context `dist/image/` (run by the `build` target after tsc):
 *
 *   dist/image/package.json    name, version, start/migrate scripts, dependencies
 *   dist/image/dist/           the compiled service (.js + source maps)
 *   dist/image/migrations/     the SQL files
 *   dist/image/node_modules/   the production dependency closure, copied from the workspace's
 *                              node_modules exactly as package-lock.json pins it
 *
 * Why here and not `npm ci` inside the Dockerfile: offline, the Node base image is a local
 * stand-in with only the node binary and glibc (no shell, no npm) and no registry is reachable
 * from the build, so every Dockerfile stage must need nothing but `node`. Copying the
 * lock-installed packages gives the same bytes `npm ci --omit=dev` would install, checked
 * against the lock file, with no network. The context is small (a few MB), so the classic
 * builder does not upload the monorepo.
 */
import * as fs from "node:fs";
import * as path from "node:path";

const APP_DIR = path.resolve(__dirname, "..");
const WORKSPACE_DIR = path.resolve(APP_DIR, "..", "..");
const OUT_DIR = path.join(APP_DIR, "dist", "image");

interface LockPackage {
  readonly version?: string;
  readonly dev?: boolean;
  readonly link?: boolean;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly optionalDependencies?: Readonly<Record<string, string>>;
  readonly peerDependencies?: Readonly<Record<string, string>>;
  readonly peerDependenciesMeta?: Readonly<Record<string, { readonly optional?: boolean }>>;
}

interface PackageJson {
  readonly name: string;
  readonly version: string;
  readonly dependencies?: Readonly<Record<string, string>>;
}

/** The lock path that `require(name)` from package `from` resolves to, npm's way (walk up). */
function resolveInLock(
  packages: Readonly<Record<string, LockPackage>>,
  from: string,
  name: string,
): string | undefined {
  let dir = from;
  for (;;) {
    const candidate = `${dir === "" ? "" : `${dir}/`}node_modules/${name}`;
    if (packages[candidate] !== undefined) return candidate;
    if (dir === "") return undefined;
    const at = dir.lastIndexOf("node_modules/");
    dir = at <= 0 ? "" : dir.slice(0, at - 1);
  }
}

/** Lock paths of every package the production code can load, from the workspace entry down. */
export function productionClosure(
  lock: { readonly packages: Readonly<Record<string, LockPackage>> },
  workspace: string,
) {
  const { packages } = lock;
  const root = packages[workspace];
  if (root === undefined) throw new Error(`package-lock.json has no entry for ${workspace}: run npm install`);
  const found = new Set<string>();
  const queue: { from: string; name: string; optional: boolean }[] = Object.keys(root.dependencies ?? {}).map(
    (name) => ({ from: workspace, name, optional: false }),
  );
  while (queue.length > 0) {
    const { from, name, optional } = queue.shift()!;
    const target = resolveInLock(packages, from, name);
    if (target === undefined) {
      if (optional) continue;
      throw new Error(
        `package-lock.json: ${name} (needed by ${from}) is not in the lock file: run npm install`,
      );
    }
    if (found.has(target)) continue;
    const entry = packages[target]!;
    if (entry.link === true)
      throw new Error(`${target} is a workspace link; the image cannot use workspace packages`);
    found.add(target);
    const optionalPeers = entry.peerDependenciesMeta ?? {};
    for (const dep of Object.keys(entry.dependencies ?? {}))
      queue.push({ from: target, name: dep, optional: false });
    for (const dep of Object.keys(entry.optionalDependencies ?? {}))
      queue.push({ from: target, name: dep, optional: true });
    // Optional peers are left out: if present at all, they are some other package's choice.
    for (const dep of Object.keys(entry.peerDependencies ?? {})) {
      if (optionalPeers[dep]?.optional !== true) queue.push({ from: target, name: dep, optional: false });
    }
  }
  return [...found].sort();
}

function copyTree(from: string, to: string, skip: (rel: string) => boolean, rel = ""): void {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const childRel = rel === "" ? entry.name : `${rel}/${entry.name}`;
    if (skip(childRel)) continue;
    const src = path.join(from, entry.name);
    const dest = path.join(to, entry.name);
    if (entry.isDirectory()) copyTree(src, dest, skip, childRel);
    else if (entry.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(src), dest);
    else fs.copyFileSync(src, dest);
  }
}

function main(): void {
  const lock = JSON.parse(fs.readFileSync(path.join(WORKSPACE_DIR, "package-lock.json"), "utf8")) as {
    packages: Record<string, LockPackage>;
  };
  const workspace = path.relative(WORKSPACE_DIR, APP_DIR).split(path.sep).join("/");
  const pkg = JSON.parse(fs.readFileSync(path.join(APP_DIR, "package.json"), "utf8")) as PackageJson;
  const closure = productionClosure(lock, workspace);

  fs.rmSync(OUT_DIR, { recursive: true, force: true });
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const prefix = `${workspace}/`;
  const placed = new Map<string, string>();
  let bytes = 0;
  for (const lockPath of closure) {
    const entry = lock.packages[lockPath]!;
    if (entry.dev === true)
      throw new Error(`${lockPath} is marked dev in package-lock.json but production code needs it`);
    const installed = path.join(WORKSPACE_DIR, lockPath);
    const manifest = path.join(installed, "package.json");
    if (!fs.existsSync(manifest))
      throw new Error(`${lockPath} is in package-lock.json but not installed: run npm install`);
    const version = (JSON.parse(fs.readFileSync(manifest, "utf8")) as PackageJson).version;
    if (version !== entry.version) {
      throw new Error(
        `${lockPath} is ${version} on disk but ${entry.version} in package-lock.json: run npm install`,
      );
    }
    // Packages nested under the workspace (apps/sample-service/node_modules/x) sit at the top in the image.
    const target = lockPath.startsWith(prefix) ? lockPath.slice(prefix.length) : lockPath;
    if (placed.has(target))
      throw new Error(`${lockPath} and ${placed.get(target)} would both land at ${target}`);
    placed.set(target, lockPath);
    // Nested node_modules are packages of their own: copied only if they are in the closure.
    copyTree(installed, path.join(OUT_DIR, target), (rel) => rel === "node_modules");
    bytes += dirSize(path.join(OUT_DIR, target));
  }
  copyTree(
    path.join(APP_DIR, "dist"),
    path.join(OUT_DIR, "dist"),
    (rel) => rel === "image" || rel.endsWith(".d.ts"),
  );
  copyTree(path.join(APP_DIR, "migrations"), path.join(OUT_DIR, "migrations"), () => false);
  const imagePackage = {
    name: pkg.name,
    version: pkg.version,
    private: true,
    description: "Staged by scripts/stage-image.ts; see apps/sample-service/Dockerfile.",
    main: "dist/server.js",
    scripts: { start: "node dist/server.js", migrate: "node dist/migrate.js" },
    dependencies: pkg.dependencies ?? {},
  };
  fs.writeFileSync(path.join(OUT_DIR, "package.json"), `${JSON.stringify(imagePackage, null, 2)}\n`);
  process.stdout.write(
    `staged ${path.relative(WORKSPACE_DIR, OUT_DIR)}: ${closure.length} production packages ` +
      `(${(bytes / 1024 / 1024).toFixed(1)} MiB)\n`,
  );
}

function dirSize(dir: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    total += entry.isDirectory() ? dirSize(p) : fs.lstatSync(p).size;
  }
  return total;
}

if (require.main === module) main();
