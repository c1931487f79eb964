/**
 * Benchmark of the deploy chain (prints figures, asserts nothing): wall time of each step for
 *  1. a cold deploy of dev into an empty emulated account (a private moto; the toolchain warm),
 *  2. a code-only change (the staged image context gains a compiled file: dockerize reuses the
 *     dependency layers from Docker's layer cache), pushed, migrated and applied,
 *  3. `nx affected -t deploy -c dev` for a change that touches nothing deployable (README.md),
 *  4. a deploy of every shared layer right after (each "unchanged since <sha>, skipped", no plan), and
 *     `nx affected -t deploy -c dev` for a change in packages/network that leaves its JSON as it was.
 * Every step runs as `nx run <target> -c dev --excludeTaskDependencies`, in chain order, so each
 * figure includes Nx's start-up (printed separately).
 */
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isolatedEnv, makeWorkDir, PrivateMoto } from "../../../stacks/integration/harness";
import { nx, putMotoPythonFirst, REGION, WORKSPACE_ROOT } from "../test/support";

const STEPS = [
  "sample-service:build",
  "stacks:build",
  "sample-service:dockerize",
  "stacks:preflight",
  "stacks:apply-foundation",
  "sample-service:push",
  "sample-service:migrate",
  "sample-service:apply",
  "sample-service:smoke",
  "sample-service:deploy",
];
const CONFIGURED = (step: string) => !step.endsWith(":build") && step !== "sample-service:dockerize";
const MARKER = join(
  WORKSPACE_ROOT,
  "apps",
  "sample-service",
  "dist",
  "image",
  "dist",
  "bench-code-change.js",
);

async function runSteps(
  label: string,
  env: NodeJS.ProcessEnv,
  logFile: string,
  beforeDockerize?: () => void,
) {
  const times = new Map<string, number>();
  for (const step of STEPS) {
    if (step === "sample-service:dockerize") beforeDockerize?.();
    const args = ["run", step, ...(CONFIGURED(step) ? ["-c", "dev"] : []), "--excludeTaskDependencies"];
    const res = await nx(args, env, logFile);
    times.set(step, res.seconds);
    console.log(
      `${label.padEnd(10)} ${step.padEnd(26)} ${res.seconds.toFixed(1).padStart(7)} s${res.code ? "  FAILED" : ""}`,
    );
    if (res.code !== 0) {
      console.log(
        `${label}: ${step} failed; the rest is not measured. Its output ends:\n${res.output.slice(-2500)}`,
      );
      break;
    }
  }
  return times;
}

async function main() {
  const workDir = makeWorkDir();
  const logFile = join(workDir, "bench.log");
  process.env.MOTO_ECS_SERVICE_RUNNING = "1";
  putMotoPythonFirst();
  const moto = await PrivateMoto.start(workDir);
  try {
    const env = {
      ...isolatedEnv(moto, workDir),
      PLATFORM_STATE_BUCKET: "nx-plugin-bench-state",
      AWS_REGION: REGION,
    };
    const startup = await nx(["show", "projects"], env, logFile);
    console.log(`Nx start-up (nx show projects): ${startup.seconds.toFixed(1)} s; log: ${logFile}\n`);
    const bootstrap = await nx(["run", "stacks:bootstrap", "-c", "dev"], env, logFile);
    console.log(
      `setup: state bucket bootstrap ${bootstrap.seconds.toFixed(1)} s${bootstrap.code ? " FAILED" : ""}\n`,
    );

    const cold = await runSteps("cold", env, logFile);
    const change = await runSteps("code-only", env, logFile, () =>
      writeFileSync(MARKER, `// ${Date.now()}\n`),
    );
    rmSync(MARKER, { force: true });
    const noop = await nx(["affected", "-t", "deploy", "-c", "dev", "--files=README.md"], env, logFile);
    // Every layer was applied (and recorded) by the runs above: a deploy of all of them changes nothing.
    const layers = await nx(["run-many", "-t", "deploy", "-p", "tag:layer", "-c", "dev"], env, logFile);
    const networkChange = await nx(
      ["affected", "-t", "deploy", "-c", "dev", "--files=packages/network/src/network/network.ts"],
      env,
      logFile,
    );

    console.log(`\n${"step".padEnd(26)} ${"cold (s)".padStart(9)} ${"code-only (s)".padStart(14)}`);
    let coldTotal = 0;
    let changeTotal = 0;
    for (const step of STEPS) {
      const c = cold.get(step);
      const d = change.get(step);
      coldTotal += c ?? 0;
      changeTotal += d ?? 0;
      console.log(
        `${step.padEnd(26)} ${(c?.toFixed(1) ?? "-").padStart(9)} ${(d?.toFixed(1) ?? "-").padStart(14)}`,
      );
    }
    console.log(
      `${"total".padEnd(26)} ${coldTotal.toFixed(1).padStart(9)} ${changeTotal.toFixed(1).padStart(14)}`,
    );
    const ran = /Successfully ran target deploy for (\d+) project/.exec(noop.output)?.[1] ?? "0";
    console.log(
      `\nnx affected -t deploy -c dev, README.md changed: ${noop.seconds.toFixed(1)} s, ${ran} project(s) deployed${noop.code ? " (FAILED)" : ""}`,
    );
    // `--outputStyle=stream` prefixes each line of a task with "<project>: " when several run.
    const skippedLines = (output: string) =>
      output.match(/^(?:[\w-]+: )?\[\S+\] unchanged since \S+, skipped$/gm) ?? [];
    const plannedLines = (output: string) => output.match(/^(?:[\w-]+: )?\[\S+\] planning: .*$/gm) ?? [];
    for (const [label, run] of [
      ["nx run-many -t deploy -p tag:layer -c dev, nothing changed", layers],
      ["nx affected -t deploy -c dev, packages/network changed (same JSON)", networkChange],
    ] as const) {
      console.log(
        `${label}: ${run.seconds.toFixed(1)} s, ${skippedLines(run.output).length} stack(s) skipped unchanged, ${plannedLines(run.output).length} planned${run.code ? " (FAILED)" : ""}`,
      );
      for (const line of plannedLines(run.output)) console.log(`  ${line}`);
    }
  } finally {
    rmSync(MARKER, { force: true });
    moto.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
