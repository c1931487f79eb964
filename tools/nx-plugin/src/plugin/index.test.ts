import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createNodes } from "./index";

let workspaceRoot: string;

function writeService(name: string, definition: object): string {
  mkdirSync(join(workspaceRoot, "apps", name), { recursive: true });
  writeFileSync(join(workspaceRoot, "apps", name, "service.json"), JSON.stringify(definition));
  return `apps/${name}/service.json`;
}

beforeEach(() => {
  workspaceRoot = mkdtempSync(join(tmpdir(), "nx-plugin-nodes-"));
});
afterEach(() => rmSync(workspaceRoot, { recursive: true, force: true }));

describe("createNodes", () => {
  const [pattern, create] = createNodes;
  const context = () => ({ workspaceRoot, nxJsonConfiguration: {} });

  it("matches every apps/<name>/service.json and stacks/layers/<layer>/layer.json", () => {
    expect(pattern).toBe("{apps/*/service.json,stacks/layers/*/layer.json}");
  });

  it("makes each layer a project stack-<layer> depending on its construct packages, with plan/apply/deploy", async () => {
    mkdirSync(join(workspaceRoot, "stacks", "layers", "cache"), { recursive: true });
    const file = "stacks/layers/cache/layer.json";
    writeFileSync(
      join(workspaceRoot, file),
      JSON.stringify({
        name: "cache",
        description: "Redis",
        packages: ["cache-construct"],
        after: ["network"],
        stacks: { aws: "cache-{env}" },
      }),
    );
    const results = Object.fromEntries(await create([file], { environments: ["local", "dev"] }, context()));
    const project = results[file].projects?.["stacks/layers/cache"];
    expect(project?.name).toBe("stack-cache");
    expect(project?.tags).toEqual(["layer"]);
    expect(project?.implicitDependencies).toEqual(["cache-construct"]);
    expect(Object.keys(project?.targets ?? {})).toEqual(["plan", "apply", "deploy"]);
    const apply = project?.targets?.apply;
    expect(apply?.options.command).toBe("node stacks/dist/cli/main.js apply --layer cache --skip-unchanged");
    expect(apply?.dependsOn).toContainEqual({ projects: ["stack-network"], target: "apply" });
    expect(apply?.configurations?.dev).toEqual({ env: { PLATFORM_ENV: "dev" } });
    expect(apply?.cache).toBe(false);
  });

  it("gives every service the chain targets, unless its type is left out by the options", async () => {
    const files = [
      writeService("orders", { name: "orders", type: "web", migrations: true }),
      writeService("jobs", { name: "jobs", type: "worker", migrations: false }),
    ];
    const results = Object.fromEntries(await create(files, { environments: ["local", "dev"] }, context()));
    for (const name of ["orders", "jobs"]) {
      const project = results[`apps/${name}/service.json`].projects?.[`apps/${name}`];
      expect(Object.keys(project?.targets ?? {})).toContain("deploy");
      expect(project?.tags).toContain("service");
    }
    expect(results["apps/jobs/service.json"].projects?.["apps/jobs"]?.tags).toContain("service-type:worker");
    const webOnly = Object.fromEntries(
      await create(files, { environments: ["local"], chainServiceTypes: ["web"] }, context()),
    );
    expect(webOnly["apps/jobs/service.json"].projects).toBeUndefined();
  });

  it("reports a broken service.json naming the file (Nx prints each file's error)", async () => {
    mkdirSync(join(workspaceRoot, "apps", "bad"), { recursive: true });
    writeFileSync(join(workspaceRoot, "apps", "bad", "service.json"), "{ nope");
    const failure = await Promise.resolve()
      .then(() => create(["apps/bad/service.json"], { environments: ["local"] }, context()))
      .then(
        () => undefined,
        (error: { errors?: [string, Error][] }) => error,
      );
    expect(failure?.errors?.map(([file, error]) => `${file}: ${error.message}`)).toEqual([
      expect.stringMatching(/^apps\/bad\/service\.json: apps\/bad\/service\.json: not valid JSON/),
    ]);
  });
});
