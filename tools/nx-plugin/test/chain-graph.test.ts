import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WORKSPACE_ROOT } from "./support";

jest.setTimeout(120_000);

interface TaskGraphFile {
  readonly tasks: {
    readonly tasks: Record<string, unknown>;
    readonly dependencies: Record<string, string[]>;
  };
}

const dir = mkdtempSync(join(tmpdir(), "chain-graph-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The task graph Nx would run (written by --graph; nothing runs). */
function taskGraph(args: string[]): TaskGraphFile["tasks"] {
  const file = join(dir, `${Math.random().toString(36).slice(2)}.json`);
  execFileSync(process.execPath, [require.resolve("nx/bin/nx.js"), ...args, `--graph=${file}`], {
    cwd: WORKSPACE_ROOT,
    env: { ...process.env, NX_DAEMON: "false", NX_TUI: "false", NX_NO_CLOUD: "true" },
    stdio: "pipe",
  });
  return (JSON.parse(readFileSync(file, "utf8")) as TaskGraphFile).tasks;
}

/** Every task `task` waits for, directly or not. */
function upstream(graph: TaskGraphFile["tasks"], task: string): Set<string> {
  const seen = new Set<string>();
  const walk = (t: string) => {
    for (const d of graph.dependencies[t] ?? []) {
      if (!seen.has(d)) {
        seen.add(d);
        walk(d);
      }
    }
  };
  walk(task);
  return seen;
}

const base = (task: string) => task.replace(/:(local|dev|staging|prod)$/, "");

// nx --graph writes the default configuration's task ids (local); the edges are the same for every -c.
describe("the deploy chain's task graph", () => {
  const graph = taskGraph(["run", "sample-service:deploy"]);
  const before = (later: string, earlier: string) => {
    const id = Object.keys(graph.tasks).find((t) => base(t) === later);
    expect(id).toBeDefined();
    expect([...upstream(graph, id ?? "")].map(base)).toContain(earlier);
  };

  it("runs build -> dockerize -> push -> migrate -> apply -> smoke -> deploy", () => {
    const chain = ["build", "dockerize", "push", "migrate", "apply", "smoke", "deploy"].map(
      (t) => `sample-service:${t}`,
    );
    for (let i = 1; i < chain.length; i++) before(chain[i], chain[i - 1]);
  });

  it("applies the foundation (after the pre-flight checks) before push, and pushes the proxy image before apply", () => {
    before("sample-service:push", "stacks:apply-foundation");
    before("stacks:apply-foundation", "stacks:preflight");
    before("sample-service:apply", "stacks:push-proxy");
  });

  it("never runs the stacks' full apply before migrate (apply runs it in-process after migrate)", () => {
    expect(Object.keys(graph.tasks).map(base)).not.toContain("stacks:apply");
  });
});

describe("nx affected -t deploy", () => {
  const affected = (file: string) =>
    Object.keys(taskGraph(["affected", "-t", "deploy", `--files=${file}`]).tasks)
      .map(base)
      .sort();

  it("re-applies the service stacks without rebuilding the image for a change in packages/fargate-service", () => {
    const tasks = affected("packages/fargate-service/src/index.ts");
    expect(tasks).toContain("stacks:deploy");
    expect(tasks.filter((t) => t.startsWith("sample-service:"))).toEqual([]);
  });

  it("rebuilds, pushes, migrates and applies for a change in apps/sample-service", () => {
    const tasks = affected("apps/sample-service/src/app.ts");
    for (const t of ["build", "dockerize", "push", "migrate", "apply", "smoke", "deploy"]) {
      expect(tasks).toContain(`sample-service:${t}`);
    }
  });

  it("deploys only post-worker for a change in apps/post-worker: nothing of sample-service, no infrastructure deploy", () => {
    const tasks = affected("apps/post-worker/src/worker.ts");
    for (const t of ["build", "dockerize", "push", "migrate", "apply", "smoke", "deploy"]) {
      expect(tasks).toContain(`post-worker:${t}`);
    }
    expect(tasks.filter((t) => t.startsWith("sample-service:"))).toEqual([]);
    expect(tasks).not.toContain("stacks:deploy");
  });

  it("deploys nothing for a README change", () => {
    expect(affected("README.md")).toEqual([]);
  });

  it("applies only the network layer for a change in packages/network: no service, no full infrastructure deploy", () => {
    const tasks = affected("packages/network/src/network/network.ts");
    expect(tasks).toContain("stack-network:apply");
    expect(tasks).toContain("stack-network:deploy");
    expect(
      tasks.filter((t) => /^(sample-service|post-worker|stack-database|stack-platform):/.test(t)),
    ).toEqual([]);
    expect(tasks).not.toContain("stacks:deploy");
    expect(tasks).not.toContain("stacks:apply");
  });
});

describe("the shared layers as Nx projects", () => {
  const nx = (args: string[]) =>
    execFileSync(process.execPath, [require.resolve("nx/bin/nx.js"), ...args], {
      cwd: WORKSPACE_ROOT,
      env: { ...process.env, NX_DAEMON: "false", NX_TUI: "false", NX_NO_CLOUD: "true" },
      encoding: "utf8",
    });
  const affectedDeploy = (file: string) =>
    nx(["show", "projects", "--affected", "--withTarget", "deploy", `--files=${file}`])
      .split("\n")
      .filter(Boolean)
      .sort();

  it("names the layer a construct package change touches, and nothing for a README change", () => {
    expect(affectedDeploy("packages/network/src/network/network.ts")).toEqual(["stack-network"]);
    expect(affectedDeploy("packages/database/src/index.ts")).toEqual(["stack-database"]);
    expect(affectedDeploy("README.md")).toEqual([]);
  });

  it("applies a layer after the layers it reads, each only its own stack with the unchanged skip", () => {
    // --graph writes the default configuration's ids (local); the edges are those of every -c.
    const graph = taskGraph(["run", "stack-platform:deploy"]);
    const deps = [...upstream(graph, "stack-platform:deploy:local")].map(base);
    for (const t of ["stack-platform:apply", "stack-network:apply", "stack-database:apply", "stacks:build"])
      expect(deps).toContain(t);
    const project = JSON.parse(nx(["show", "project", "stack-platform", "--json"])) as {
      implicitDependencies: string[];
      targets: Record<string, { options: { command?: string } }>;
    };
    expect(project.implicitDependencies).toEqual(["fargate-service", "local"]);
    expect(project.targets.apply.options.command).toBe(
      "node stacks/dist/cli/main.js apply --layer platform --skip-unchanged",
    );
  });
});
