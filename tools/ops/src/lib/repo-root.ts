import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/** The repository root: `PLATFORM_REPO_ROOT`, else the nearest ancestor of `from` holding nx.json. */
export function findRepoRoot(from: string = process.cwd(), env: NodeJS.ProcessEnv = process.env): string {
  if (env.PLATFORM_REPO_ROOT?.trim()) return resolve(env.PLATFORM_REPO_ROOT.trim());
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, "nx.json"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`No nx.json above ${from}: run from inside the repository.`);
    dir = parent;
  }
}
