import * as fs from "node:fs";
import * as path from "node:path";
import { productionClosure } from "../scripts/stage-image";

const WORKSPACE = path.resolve(__dirname, "..", "..", "..");

describe("productionClosure", () => {
  it("follows the real lock file from the workspace's dependencies, leaving dev tools out", () => {
    const lock = JSON.parse(fs.readFileSync(path.join(WORKSPACE, "package-lock.json"), "utf8"));
    const closure = productionClosure(lock, "apps/sample-service");
    expect(closure).toEqual(
      expect.arrayContaining(["node_modules/fastify", "node_modules/pg", "node_modules/pino"]),
    );
    for (const dev of [
      "node_modules/autocannon",
      "node_modules/@types/pg",
      "node_modules/typescript",
      "node_modules/jest",
    ]) {
      expect(closure).not.toContain(dev);
    }
  });

  it("resolves nested versions first, walks up otherwise, and skips missing optional dependencies", () => {
    const lock = {
      packages: {
        "apps/app": { dependencies: { a: "1" } },
        "node_modules/a": { version: "1.0.0", dependencies: { b: "2" }, optionalDependencies: { gone: "1" } },
        "node_modules/a/node_modules/b": { version: "2.0.0", dependencies: { c: "1" } },
        "node_modules/b": { version: "1.0.0" },
        "node_modules/c": {
          version: "1.0.0",
          peerDependencies: { d: "1", e: "1" },
          peerDependenciesMeta: { e: { optional: true } },
        },
        "node_modules/d": { version: "1.0.0" },
        "node_modules/e": { version: "1.0.0" },
      },
    };
    expect(productionClosure(lock, "apps/app")).toEqual([
      "node_modules/a",
      "node_modules/a/node_modules/b",
      "node_modules/c",
      "node_modules/d",
    ]);
  });

  it("fails naming a required package the lock file lacks", () => {
    const lock = { packages: { "apps/app": { dependencies: { missing: "1" } } } };
    expect(() => productionClosure(lock, "apps/app")).toThrow(
      /missing \(needed by apps\/app\) is not in the lock file/,
    );
  });
});
