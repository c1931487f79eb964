/**
 * The cdktf CLI (cdktf-cli 0.21.0 on the root cdktf.json, through the `npm run cdktf --` wrapper) runs
 * the same app as the stacks CLI: same stacks, same synthesized JSON, same environment rules. No
 * emulator needed; `diff` and `output` against moto are in dev-lifecycle.test.ts. Also: an unknown
 * Nx configuration is refused before any task runs.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { CDKTF_WRAPPER, CliRunner, makeWorkDir, REPO_ROOT, STACKS_DIR } from "./harness";

let workDir: string;
let cdktf: CliRunner;
const env = (): NodeJS.ProcessEnv => {
  const e: NodeJS.ProcessEnv = { ...process.env, PLATFORM_STACKS_OUT_DIR: path.join(workDir, "out") };
  for (const k of ["PLATFORM_ENV", "AWS_ENDPOINT_URL", "CDKTF_OUTDIR", "CDKTF_CONTEXT_JSON"]) delete e[k];
  return e;
};

/** Stack names of `cdktf list` (rows are "<name>  <path>"; long paths wrap onto the next line). */
function stackNames(output: string): string[] {
  return [...output.matchAll(/^(\S+) {2,}\//gm)].map((m) => m[1]).sort();
}

/** The cdktf CLI itself, as a reviewer runs it (`npx cdktf ...` in the repository root). */
function plainCdktf(args: readonly string[], extra: NodeJS.ProcessEnv = {}) {
  const run = spawnSync(process.execPath, [require.resolve("cdktf-cli/bundle/bin/cdktf"), ...args], {
    cwd: REPO_ROOT,
    env: { ...env(), DISABLE_VERSION_CHECK: "true", ...extra },
    encoding: "utf8",
  });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

function stackJson(outdir: string): Record<string, unknown> {
  const dir = path.join(outdir, "stacks");
  return Object.fromEntries(
    fs
      .readdirSync(dir)
      .sort()
      .map((s) => [s, JSON.parse(fs.readFileSync(path.join(dir, s, "cdk.tf.json"), "utf8"))]),
  );
}

beforeAll(() => {
  workDir = makeWorkDir();
  cdktf = new CliRunner(env(), path.join(workDir, "cli.log"), CDKTF_WRAPPER);
});

describe("cdktf CLI on the root cdktf.json", () => {
  it("lists the stacks of cdktf.json's context env (local) with plain `npx cdktf list`", () => {
    const run = plainCdktf(["list", "--output", path.join(workDir, "list-local")]);
    expect(run.status).toBe(0);
    expect(stackNames(run.output)).toEqual([
      "local",
      "local-data",
      "local-post-worker",
      "local-sample-service",
    ]);
  });

  it("lists every stack of the environment chosen with --env", async () => {
    const run = await cdktf.run(["list", "--env", "dev", "--output", path.join(workDir, "list-dev")]);
    expect(run.code).toBe(0);
    expect(stackNames(run.stdout)).toEqual([
      "bootstrap",
      "database-dev",
      "network-dev",
      "platform-dev",
      "registry",
      "service-post-worker-dev",
      "service-sample-service-dev",
    ]);
  });

  it("synthesizes the same Terraform JSON as the app the Nx targets run", async () => {
    const viaCli = path.join(workDir, "synth-cli");
    const run = await cdktf.run(["synth", "--env", "staging", "--output", viaCli]);
    expect(run.code).toBe(0);
    const direct = path.join(workDir, "synth-direct");
    const app = spawnSync(process.execPath, [path.join(STACKS_DIR, "dist", "main.js"), "staging"], {
      cwd: REPO_ROOT,
      env: { ...env(), PLATFORM_SYNTH_OUTDIR: direct },
      encoding: "utf8",
    });
    expect(app.stderr).toBe("");
    expect(app.status).toBe(0);
    expect(stackJson(viaCli)).toEqual(stackJson(direct));
  });

  it("refuses an unknown environment from PLATFORM_ENV by name, with the allowed values", async () => {
    const run = await cdktf.run(["synth", "--output", path.join(workDir, "qa")], { PLATFORM_ENV: "qa" });
    expect(run.code).not.toBe(0);
    expect(run.output).toContain('must be one of local, dev, staging, prod (got "qa")');
    expect(fs.existsSync(path.join(workDir, "qa", "stacks"))).toBe(false);
  });

  it("refuses an unknown PLATFORM_ENV in the app itself (plain `npx cdktf synth`, no wrapper)", () => {
    const run = plainCdktf(["synth", "--output", path.join(workDir, "plain-qa")], { PLATFORM_ENV: "qa" });
    expect(run.status).not.toBe(0);
    expect(run.output).toContain('stacks app (argument, PLATFORM_ENV, or cdktf.json "context"');
    expect(run.output).toContain('(got "qa")');
  });
});

describe("the environment under Nx", () => {
  it("refuses `nx run stacks:synth -c prdo` naming the environments, even with PLATFORM_ENV set", () => {
    const outdir = path.join(workDir, "nx-prdo");
    const e: NodeJS.ProcessEnv = { ...env(), PLATFORM_ENV: "staging", PLATFORM_SYNTH_OUTDIR: outdir };
    for (const k of Object.keys(e)) if (k.startsWith("NX_TASK_")) delete e[k];
    const run = spawnSync(
      process.execPath,
      [require.resolve("nx/bin/nx.js"), "run", "stacks:synth", "-c", "prdo", "--output-style=static"],
      { cwd: REPO_ROOT, env: e, encoding: "utf8" },
    );
    expect(run.status).not.toBe(0);
    expect(`${run.stdout}${run.stderr}`).toContain(
      'Unknown configuration "prdo": the configurations (-c) of this workspace are the environments local, dev, staging, prod',
    );
    expect(fs.existsSync(outdir)).toBe(false);
  });
});
