import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Tree } from "@nx/devkit";
import { createTree } from "@nx/devkit/testing";

/** The repository this plugin lives in: its real services and lock are what the generator meets. */
export const REPO_ROOT = path.resolve(__dirname, "..", "..", "..", "..", "..");

/** What the generator reads: the lock and every service's marker. */
function workspaceFiles(): string[] {
  const services = fs
    .readdirSync(path.join(REPO_ROOT, "apps"))
    .map((dir) => `apps/${dir}/service.json`)
    .filter((file) => fs.existsSync(path.join(REPO_ROOT, file)));
  return ["package.json", "package-lock.json", "nx.json", ...services];
}

/** An in-memory tree holding the real lock and service markers. */
export function realWorkspaceTree(): Tree {
  const tree = createTree();
  for (const file of workspaceFiles()) tree.write(file, fs.readFileSync(path.join(REPO_ROOT, file)));
  return tree;
}

/** A scratch directory with copies of the real lock and service markers; removed by the caller. */
export function scratchWorkspace(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "service-generator-"));
  for (const file of workspaceFiles()) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.copyFileSync(path.join(REPO_ROOT, file), path.join(dir, file));
  }
  return dir;
}
