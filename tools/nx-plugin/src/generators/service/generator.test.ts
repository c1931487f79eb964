import * as fs from "node:fs";
import * as path from "node:path";
import { parseServiceDefinition, type ServiceDefinition, validateServiceSet } from "@platform/env-config";
import { FsTree } from "nx/src/generators/tree";
import serviceGenerator from "./generator";
import { readServices } from "./normalize-options";
import { realWorkspaceTree, scratchWorkspace } from "./test-workspace";

const created = (tree: ReturnType<typeof realWorkspaceTree>, root: string) =>
  tree
    .listChanges()
    .filter((c) => c.type === "CREATE" && c.path.startsWith(`${root}/`))
    .map((c) => c.path.slice(root.length + 1))
    .sort();

describe("service generator", () => {
  it("writes a web service with a prefix route below the catch-all", async () => {
    const tree = realWorkspaceTree();
    await serviceGenerator(tree, { name: "demo-api", type: "web", path: "/demo" });
    expect(created(tree, "apps/demo-api")).toEqual([
      "Dockerfile",
      "README.md",
      "jest.config.js",
      "package.json",
      "project.json",
      "scripts/stage-image.ts",
      "service.json",
      "src/app.test.ts",
      "src/app.ts",
      "src/build-info.ts",
      "src/config.ts",
      "src/env.ts",
      "src/lifecycle.ts",
      "src/routes.ts",
      "src/server.ts",
      "src/shutdown.ts",
      "tsconfig.build.json",
      "tsconfig.json",
    ]);
    expect(JSON.parse(tree.read("apps/demo-api/service.json", "utf8")!)).toMatchObject({
      type: "web",
      route: { pathPatterns: ["/demo", "/demo/*"], priority: 990 },
      database: false,
      migrations: false,
    });
    expect(tree.read("apps/demo-api/src/app.ts", "utf8")).toContain('export const BASE_PATH = "/demo";');
    const lock = JSON.parse(tree.read("package-lock.json", "utf8")!);
    expect(lock.packages["node_modules/demo-api"]).toEqual({ resolved: "apps/demo-api", link: true });
  });

  it("writes a database owner with migrations: true, its first migration and the migrate entry point", async () => {
    const tree = realWorkspaceTree();
    await serviceGenerator(tree, { name: "orders", type: "worker", database: true });
    const files = created(tree, "apps/orders");
    expect(files).toEqual(
      expect.arrayContaining(["migrations/001_create_examples.sql", "src/migrate.ts", "src/migrations.ts"]),
    );
    expect(files).toEqual(expect.arrayContaining(["src/main.ts", "src/worker.ts", "src/worker.test.ts"]));
    expect(JSON.parse(tree.read("apps/orders/service.json", "utf8")!)).toEqual({
      name: "orders",
      type: "worker",
      database: true,
      migrations: true,
      environment: {},
      secrets: [],
    });
    expect(JSON.parse(tree.read("apps/orders/package.json", "utf8")!).scripts.migrate).toBe(
      "node dist/migrate.js",
    );
    expect(tree.read("apps/orders/Dockerfile", "utf8")).toContain("MIGRATIONS_DIR=/app/migrations");
  });

  it.each([
    { name: "demo-api", type: "web", path: "/demo" },
    { name: "demo-db", type: "web", path: "/db", database: true },
    { name: "demo-worker", type: "worker" },
    { name: "demo-jobs", type: "worker", database: true },
  ])(
    "writes a service.json env-config accepts, alone and with every existing service: %j",
    async (schema) => {
      const tree = realWorkspaceTree();
      await serviceGenerator(tree, schema);
      const root = `apps/${schema.name}`;
      const raw: unknown = JSON.parse(tree.read(`${root}/service.json`, "utf8")!);
      const definition: ServiceDefinition = parseServiceDefinition(raw, `${root}/service.json`, root);
      expect(definition.name).toBe(schema.name);
      expect(() => validateServiceSet(readServices(tree))).not.toThrow();
    },
  );

  it("writes nothing to disk until Nx flushes the tree (what --dry-run skips)", async () => {
    const dir = scratchWorkspace();
    try {
      const lockBefore = fs.readFileSync(path.join(dir, "package-lock.json"), "utf8");
      const tree = new FsTree(dir, false);
      await serviceGenerator(tree, { name: "demo-api", type: "web", path: "/demo" });
      expect(tree.listChanges().length).toBeGreaterThan(10);
      expect(fs.existsSync(path.join(dir, "apps/demo-api"))).toBe(false);
      expect(fs.readFileSync(path.join(dir, "package-lock.json"), "utf8")).toBe(lockBefore);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
