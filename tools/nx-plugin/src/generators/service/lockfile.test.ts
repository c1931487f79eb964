import * as fs from "node:fs";
import * as path from "node:path";
import { addWorkspace, lockedVersions } from "./lockfile";
import { REPO_ROOT } from "./test-workspace";

const LOCK = fs.readFileSync(path.join(REPO_ROOT, "package-lock.json"), "utf8");
const manifest = {
  name: "demo-api",
  version: "0.1.0",
  dependencies: { fastify: lockedVersions(LOCK, ["fastify"]).fastify! },
  devDependencies: {},
};

describe("package-lock.json workspace entries", () => {
  it("pins the versions the lock already installs (sample-service's)", () => {
    const sample = JSON.parse(
      fs.readFileSync(path.join(REPO_ROOT, "apps/sample-service/package.json"), "utf8"),
    );
    expect(lockedVersions(LOCK, ["fastify", "pg", "@types/pg"])).toEqual({
      fastify: sample.dependencies.fastify,
      pg: sample.dependencies.pg,
      "@types/pg": sample.devDependencies["@types/pg"],
    });
  });

  it("adds the workspace and its link as npm writes them, and nothing else", () => {
    const added = JSON.parse(addWorkspace(LOCK, "apps/demo-api", manifest)).packages;
    const before = JSON.parse(LOCK).packages;
    expect(added["apps/demo-api"]).toEqual({ version: "0.1.0", dependencies: manifest.dependencies });
    expect(added["node_modules/demo-api"]).toEqual({ resolved: "apps/demo-api", link: true });
    const { "apps/demo-api": _a, "node_modules/demo-api": _l, ...rest } = added;
    expect(rest).toEqual(before);
  });

  it("keeps npm's key order and format: removing the two entries gives the lock back byte for byte", () => {
    const text = addWorkspace(LOCK, "apps/demo-api", manifest);
    const keys = Object.keys(JSON.parse(text).packages);
    expect(keys.slice(0, 4)).toEqual(["", "apps/demo-api", "apps/post-worker", "apps/sample-service"]);
    expect(keys.indexOf("node_modules/demo-api")).toBeLessThan(keys.indexOf("node_modules/post-worker"));
    const lock = JSON.parse(text);
    delete lock.packages["apps/demo-api"];
    delete lock.packages["node_modules/demo-api"];
    expect(`${JSON.stringify(lock, null, 2)}\n`).toBe(LOCK);
  });

  it("refuses a dependency or version the lock does not have (npm ci would need the registry)", () => {
    expect(() => lockedVersions(LOCK, ["left-pad-nope"])).toThrow(
      /package-lock\.json: left-pad-nope is not installed at the top level/,
    );
    expect(() =>
      addWorkspace(LOCK, "apps/demo-api", { ...manifest, dependencies: { fastify: "0.0.1" } }),
    ).toThrow(/fastify@0\.0\.1 is not the version the lock installs/);
  });

  it("refuses a workspace already in the lock", () => {
    expect(() => addWorkspace(LOCK, "apps/post-worker", { ...manifest, name: "post-worker" })).toThrow(
      /already has an entry "apps\/post-worker"/,
    );
  });
});
