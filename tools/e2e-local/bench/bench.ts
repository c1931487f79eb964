/**
 * Benchmark of the local environment (prints figures, asserts nothing), through the real chain from a
 * scratch copy of the working tree (see test/local-environment.test.ts for why a copy):
 *  1. cold deploy with the toolchain warm: the local environment destroyed with its data first, the copy's
 *     Nx cache empty (every build runs, as on a fresh clone), Docker's layer cache as the engine has it;
 *  2. redeploy after a version bump, with a client polling /version every 100 ms through the proxy:
 *     wall time, failed requests, and the switch-over (first new answer, last old answer);
 *  3. image sizes: the service and proxy images against the base image they were built on.
 * Each deploy also prints when each Nx task's output appeared (static output: at its end), so the
 * difference between two lines is roughly that task's time (nx.json runs one task at a time).
 * Replaces any deployed local environment and leaves none.
 */
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadToolchainEnv } from "../../toolchain/src/toolchain-env";
import { type CommandRun, nx, tail, WORKSPACE_ROOT } from "../src/chain";
import { docker, readLocalOutputs, removeImagesOfCommits, request } from "../src/local-env";
import { resetLocalEnvironment } from "../src/local-reset";
import { analyzeRedeploy, describeRedeploy, readPollLog } from "../src/poll-log";
import { pollLogFile, startPoller } from "../src/poller";
import { ScratchRepo, serviceVersion, setServiceVersion } from "../src/scratch-repo";

const say = (line = "") => process.stdout.write(`${line}\n`);
const secs = (s: number) => `${s.toFixed(1)} s`;
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

function printTasks(run: CommandRun): void {
  let previous = 0;
  for (const t of run.tasks) {
    say(
      `    ${t.task.padEnd(40)} done at ${secs(t.atSeconds).padStart(8)}  (+${(t.atSeconds - previous).toFixed(1)})`,
    );
    previous = t.atSeconds;
  }
}

function mustSucceed(what: string, run: CommandRun, logFile: string): void {
  if (run.code === 0) return;
  throw new Error(
    `${what} FAILED (exit ${run.code}) after ${secs(run.seconds)}; the rest is not measured. Log ${logFile}; it ends:\n${tail(run.output, 40)}`,
  );
}

async function imageSize(ref: string): Promise<number> {
  return Number((await docker(["image", "inspect", "--format", "{{.Size}}", ref])).trim());
}

async function main() {
  const logDir = mkdtempSync(join(tmpdir(), "e2e-local-bench-"));
  const logFile = join(logDir, "nx.log");
  const toolchain = loadToolchainEnv();
  const repo = ScratchRepo.create(WORKSPACE_ROOT);
  say(`local environment benchmark; logs ${logDir}; scratch copy ${repo.dir}`);
  say(
    `Docker ${(await docker(["version", "-f", "{{.Server.Version}}"])).trim()}, storage driver ${(await docker(["info", "-f", "{{.Driver}}"])).trim()}`,
  );
  try {
    const ensure = await nx(repo.dir, ["run", "toolchain:ensure", "--outputStyle=static"], logFile);
    mustSucceed("toolchain:ensure", ensure, logFile);
    say(`toolchain:ensure (warm): ${secs(ensure.seconds)}`);
    const resetStarted = Date.now();
    await resetLocalEnvironment(repo.dir, logFile, (l) => say(`  ${l}`));
    say(`local environment destroyed with its data: ${secs((Date.now() - resetStarted) / 1000)}`);

    say(
      "\n1. cold deploy: nx run sample-service:deploy -c local (toolchain warm, empty environment, cold Nx cache)",
    );
    const cold = await nx(
      repo.dir,
      ["run", "sample-service:deploy", "-c", "local", "--outputStyle=static"],
      logFile,
    );
    mustSucceed("cold deploy", cold, logFile);
    printTasks(cold);
    say(`  cold deploy: ${secs(cold.seconds)}`);
    const outputs = readLocalOutputs();
    const from = { version: serviceVersion(repo.dir), gitSha: repo.head() };

    say(
      "\n2. redeploy after a version bump (apps/sample-service/package.json), polled every 100 ms through the proxy",
    );
    const version = `${from.version}-bench.2`;
    const to = {
      version,
      gitSha: repo.commit(`sample-service ${version}`, (d) => setServiceVersion(d, version)),
    };
    const pollLog = pollLogFile(logDir, "redeploy");
    const poller = await startPoller(outputs.serviceUrl, pollLog, { workspaceRoot: WORKSPACE_ROOT });
    const redeploy = await nx(
      repo.dir,
      ["run", "sample-service:deploy", "-c", "local", "--outputStyle=static"],
      logFile,
    );
    await new Promise((r) => setTimeout(r, 2000));
    await poller.stop();
    mustSucceed("redeploy", redeploy, logFile);
    printTasks(redeploy);
    say(`  redeploy: ${secs(redeploy.seconds)}`);
    const entries = readPollLog(pollLog);
    const a = analyzeRedeploy(entries, from, to);
    for (const line of describeRedeploy(a, entries[0]?.startMs)) say(`  ${line}`);
    say(`  failed requests during the redeploy: ${a.failed.length} of ${a.total}`);
    say(
      a.switchOverMs === undefined
        ? "  switch-over: not observed"
        : `  switch-over (last old answer - first new answer): ${(a.switchOverMs / 1000).toFixed(2)} s` +
            `${a.switchOverMs > 0 ? ` (both versions answered in that window; ${a.oldAfterNew.length} old answers after the first new one)` : " (clean cut)"}`,
    );
    const version2 = JSON.parse((await request("GET", `${outputs.serviceUrl}/version`)).body) as {
      version: string;
    };
    say(`  now serving ${version2.version}`);

    say("\n3. image sizes (docker image inspect .Size: all layers, uncompressed)");
    const after = readLocalOutputs();
    // Both images are built FROM the toolchain's NODE_RUNTIME_IMAGE (dockerize's baseImageFrom).
    const base = toolchain.nodeRuntimeImage;
    const baseSize = await imageSize(base);
    const serviceSize = await imageSize(after.image);
    say(`  base ${base}: ${mb(baseSize)}`);
    say(
      `  service ${after.image}: ${mb(serviceSize)} (+${mb(serviceSize - baseSize)} over the base, ${((serviceSize / baseSize - 1) * 100).toFixed(1)} %)`,
    );
    const proxyFile = join(repo.dir, "dist", "deploy", "local", "proxy-image.json");
    if (existsSync(proxyFile)) {
      const proxy = (JSON.parse(readFileSync(proxyFile, "utf8")) as { reference: string }).reference;
      const proxySize = await imageSize(proxy);
      say(
        `  proxy ${proxy}: ${mb(proxySize)} (+${((proxySize - baseSize) / 1e3).toFixed(1)} kB over the base)`,
      );
    }
    if (toolchain.nodeBaseImage !== base) {
      say(
        `  for comparison, the full Node base image ${toolchain.nodeBaseImage}: ${mb(await imageSize(toolchain.nodeBaseImage))}`,
      );
    }
  } finally {
    const destroy = await nx(
      repo.dir,
      ["run", "stacks:destroy", "-c", "local", "--outputStyle=static", "--", "--include-data"],
      logFile,
    );
    say(
      `\ncleanup: stacks:destroy -c local -- --include-data ${destroy.code === 0 ? "done" : `FAILED (exit ${destroy.code}), see ${logFile}`} in ${secs(destroy.seconds)}; deploy again with bash tools/scripts/deploy-local.sh`,
    );
    await removeImagesOfCommits(repo.commits()).catch(() => []);
    repo.remove();
  }
}

main().catch((err: Error) => {
  say(`bench failed: ${err.message}`);
  process.exit(1);
});
