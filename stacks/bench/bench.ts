/**
 * Benchmark (prints figures, asserts nothing): `npx nx run stacks:bench`.
 * 1. Synth wall time and peak RSS of every environment with the compiled app (median of 3 runs).
 * 2. Plan time per stack of dev against a private moto (fresh, so every stack is planned from empty).
 * 3. Apply time of dev (all stacks, per stack), then destroy time, against the same moto.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { CliRunner, isolatedEnv, makeWorkDir, PrivateMoto, STACKS_DIR } from "../integration/harness";
import { ENVIRONMENT_NAMES } from "../src/config";

const RUNS = 3;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function synthOnce(env: string, outdir: string): { seconds: number; peakMiB: number } {
  // The child reports its own peak RSS on exit; wall time includes Node start-up, as an operator sees it.
  const script = `process.on("exit", () => process.stderr.write("MAXRSS_KB=" + process.resourceUsage().maxRSS + "\\n")); require(${JSON.stringify(path.join(STACKS_DIR, "dist", "main.js"))});`;
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ["-e", script], {
    env: {
      ...process.env,
      PLATFORM_ENV: env,
      PLATFORM_IMAGE_DIGEST: `sha256:${"a".repeat(64)}`,
      PLATFORM_PROXY_IMAGE_DIGEST: `sha256:${"b".repeat(64)}`,
      PLATFORM_SYNTH_OUTDIR: outdir,
    },
    encoding: "utf8",
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0) throw new Error(`synth ${env} failed: ${r.stderr}`);
  const kb = Number(/MAXRSS_KB=(\d+)/.exec(r.stderr)?.[1] ?? Number.NaN);
  return { seconds, peakMiB: kb / 1024 };
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join("  ")).join("\n");
}

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(STACKS_DIR, "dist", "main.js")))
    throw new Error("build first: npx nx run stacks:build");
  const workDir = makeWorkDir();
  process.stdout.write(
    `bench work dir: ${workDir}\n\n== synth (compiled JS, deep provider imports; median of ${RUNS})\n`,
  );
  const rows = [["environment", "wall s", "peak MiB"]];
  for (const env of ENVIRONMENT_NAMES) {
    const runs = Array.from({ length: RUNS }, () => synthOnce(env, path.join(workDir, "synth", env)));
    rows.push([
      env,
      median(runs.map((r) => r.seconds)).toFixed(2),
      median(runs.map((r) => r.peakMiB)).toFixed(0),
    ]);
  }
  process.stdout.write(`${table(rows)}\n`);

  const moto = await PrivateMoto.start(workDir);
  try {
    const env = { ...isolatedEnv(moto, workDir), PLATFORM_IMAGE_DIGEST: `sha256:${"a".repeat(64)}` };
    const cli = new CliRunner(env, path.join(workDir, "cli.log"));
    // The first run bootstraps the state bucket; plan again so the figures are plan alone.
    await cli.run(["bootstrap", "--env", "dev"]);
    const plan = await cli.run(["plan", "--env", "dev"]);
    if (plan.code !== 2) throw new Error(`plan exited ${plan.code}; see ${workDir}/cli.log`);
    const planRows = [["stack (dev, moto, from empty)", "init+plan+show s"]];
    for (const m of plan.stdout.matchAll(/^\[(\S+)\] planned in ([\d.]+) s$/gm)) planRows.push([m[1], m[2]]);
    process.stdout.write(`\n== plan per stack\n${table(planRows)}\n`);

    const started = Date.now();
    const apply = await cli.run(["apply", "--env", "dev"]);
    const applySeconds = (Date.now() - started) / 1000;
    if (apply.code !== 0) throw new Error(`apply exited ${apply.code}; see ${workDir}/cli.log`);
    const applyRows = [["stack (dev, moto)", "plan+apply s"]];
    for (const m of apply.stdout.matchAll(/^\[(\S+)\] applied in ([\d.]+) s$/gm))
      applyRows.push([m[1], m[2]]);
    applyRows.push(["total (incl. synth, outputs)", applySeconds.toFixed(1)]);
    process.stdout.write(`\n== apply dev\n${table(applyRows)}\n`);

    const destroyStarted = Date.now();
    const destroy = await cli.run(["destroy", "--env", "dev"]);
    const registry = await cli.run(["destroy", "--env", "dev", "--stack", "registry"]);
    if (destroy.code !== 0 || registry.code !== 0) throw new Error(`destroy failed; see ${workDir}/cli.log`);
    process.stdout.write(
      `\n== destroy dev (all stacks): ${((Date.now() - destroyStarted) / 1000).toFixed(1)} s\n`,
    );
  } finally {
    moto.stop();
  }
}

main().catch((e: Error) => {
  process.stderr.write(`${e.message}\n`);
  process.exit(1);
});
