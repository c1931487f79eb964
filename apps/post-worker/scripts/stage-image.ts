/**
 * Stages the Docker build context `dist/image/` (run by the `build` target after tsc):
 * dist/ (compiled worker), package.json, and node_modules/ with the production dependency closure
 * copied from the workspace exactly as package-lock.json pins it. Same reasons and the same closure
 * rule as sample-service's stage-image.ts, whose productionClosure this reuses: offline the base
 * image has only node (no npm, no shell) and the build reaches no registry.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { productionClosure } from "../../sample-service/scripts/stage-image";

const APP = path.resolve(__dirname, "..");
const ROOT = path.resolve(APP, "..", "..");
const OUT = path.join(APP, "dist", "image");

function stage(): void {
  const lock = JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8"));
  const workspace = path.relative(ROOT, APP).split(path.sep).join("/");
  const pkg = JSON.parse(fs.readFileSync(path.join(APP, "package.json"), "utf8"));
  const closure = productionClosure(lock, workspace);
  fs.rmSync(OUT, { recursive: true, force: true });
  for (const lockPath of closure) {
    const pinned = lock.packages[lockPath];
    const onDisk = JSON.parse(fs.readFileSync(path.join(ROOT, lockPath, "package.json"), "utf8")).version;
    if (pinned.dev === true || onDisk !== pinned.version) {
      throw new Error(
        `${lockPath}: ${onDisk} installed, lock says ${pinned.version}${pinned.dev ? " (dev)" : ""}`,
      );
    }
    const dest = path.join(OUT, lockPath.replace(`${workspace}/`, ""));
    // Nested node_modules hold packages of their own: copied only when they are in the closure.
    const nested = path.join(ROOT, lockPath, "node_modules");
    // dereference: a package may be a symlink (a scratch copy's node_modules); the image needs its files.
    fs.cpSync(path.join(ROOT, lockPath), dest, {
      recursive: true,
      dereference: true,
      filter: (src) => src !== nested,
    });
  }
  for (const entry of fs.readdirSync(path.join(APP, "dist")).filter((e) => e !== "image")) {
    fs.cpSync(path.join(APP, "dist", entry), path.join(OUT, "dist", entry), {
      recursive: true,
      filter: (src) => !src.endsWith(".d.ts"),
    });
  }
  const image = {
    name: pkg.name,
    version: pkg.version,
    private: true,
    description: "Staged by scripts/stage-image.ts; see apps/post-worker/Dockerfile.",
    main: "dist/main.js",
    scripts: { start: "node dist/main.js" },
    dependencies: pkg.dependencies,
  };
  fs.writeFileSync(path.join(OUT, "package.json"), `${JSON.stringify(image, null, 2)}\n`);
  process.stdout.write(`staged ${path.relative(ROOT, OUT)}: ${closure.length} production packages\n`);
}

stage();
