/**
 * End-to-end: the local environment through the real deploy chain (Nx targets, toolchain engine,
 * loopback registry, Terraform with the Docker provider, PostgreSQL in a container). Nothing is called
 * directly: every deploy and destroy is `nx run ...` (the cold deploy is README command (1),
 * tools/scripts/deploy-local.sh), and every check goes over HTTP through the proxy or to the engine.
 *
 * How "a new version" and "a broken migration" are made without touching the checkout: the test deploys
 * from a scratch copy of the working tree with its own git history (ScratchRepo). Each change is a commit
 * there, as a developer would make it: commit 1 = the tree as is, commit 2 bumps
 * apps/sample-service/package.json's version, commit 3 bumps it again and adds a migration whose SQL fails.
 * The copy uses this checkout's node_modules (symlinks, nothing installed), the same toolchain
 * (PLATFORM_CACHE_DIR) and this checkout's local-environment state and outputs (PLATFORM_LOCAL_STATE_DIR,
 * PLATFORM_STACKS_OUT_DIR), because there is one local environment per engine (fixed names, one port).
 *
 * It replaces whatever local environment is deployed and ends with none (data volume included).
 * Logs: the directory printed first (Nx output of every step, the polling clients' JSON lines).
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CommandRun, chainEnv, nx, runLogged, tail, WORKSPACE_ROOT } from "../src/chain";
import {
  containersOn,
  docker,
  dockerObjectExists,
  type LocalOutputs,
  readLocalOutputs,
  removeImagesOfCommits,
  request,
  waitFor,
} from "../src/local-env";
import { LOCAL_VOLUME, resetLocalEnvironment } from "../src/local-reset";
import { analyzeRedeploy, type BuildId, describeRedeploy, readPollLog } from "../src/poll-log";
import { pollLogFile, type RunningPoller, startPoller } from "../src/poller";
import {
  addMigration,
  nextMigrationName,
  ScratchRepo,
  serviceVersion,
  setServiceVersion,
} from "../src/scratch-repo";

const logDir = mkdtempSync(join(tmpdir(), "e2e-local-logs-"));
const nxLog = join(logDir, "nx.log");
const say = (line: string) => process.stdout.write(`[e2e-local] ${line}\n`);

/** `/version` as the service answers it. */
async function versionOf(url: string): Promise<BuildId & { hostname: string }> {
  const res = await request("GET", `${url}/version`);
  if (res.status !== 200) throw new Error(`GET ${url}/version: ${res.status} ${res.body}`);
  const v = JSON.parse(res.body) as { version: string; git_sha: string; hostname: string };
  return { version: v.version, gitSha: v.git_sha, hostname: v.hostname };
}

function deploy(repo: ScratchRepo): Promise<CommandRun> {
  return nx(repo.dir, ["run", "sample-service:deploy", "-c", "local", "--outputStyle=static"], nxLog);
}

function failedMessage(what: string, run: CommandRun): string {
  return `${what} exited ${run.code} after ${run.seconds.toFixed(0)} s; full log ${nxLog}; it ends:\n${tail(run.output)}`;
}

/** What earlier steps established; a step whose prerequisite failed says so instead of failing obscurely. */
interface Deployed {
  url: string;
  build: BuildId;
  outputs: LocalOutputs;
}

describe("local environment end to end (README command (1), redeploys, migrations, destroy)", () => {
  let repo: ScratchRepo;
  let poller: RunningPoller | undefined;
  let v1: Deployed | undefined;
  let v2: Deployed | undefined;
  /** v1 again after the rollback: the replicas were replaced, so the destroy checks read these outputs. */
  let rolledBack: Deployed | undefined;
  let post: { id: number; title: string } | undefined;

  const need = <T>(value: T | undefined, step: string): T => {
    if (value === undefined) throw new Error(`needs the earlier step "${step}", which failed`);
    return value;
  };

  beforeAll(() => {
    say(`logs: ${logDir}`);
    repo = ScratchRepo.create(WORKSPACE_ROOT);
    say(`scratch copy of the working tree: ${repo.dir} (commit ${repo.head()})`);
  });

  afterAll(async () => {
    await poller?.stop().catch(() => undefined);
    if (repo) {
      const removed = await removeImagesOfCommits(repo.commits()).catch(() => []);
      say(`removed ${removed.length} image tag(s) built from the copy's commits`);
      repo.remove();
    }
  });

  it("cold deploy: README command (1) prints the URL last; /version reports the version and git sha, / the page", async () => {
    await resetLocalEnvironment(repo.dir, nxLog, say);
    expect(await dockerObjectExists("volume", LOCAL_VOLUME)).toBe(false);

    const run = await runLogged("bash", ["tools/scripts/deploy-local.sh"], {
      cwd: repo.dir,
      env: chainEnv(),
      logFile: nxLog,
    });
    if (run.code !== 0) throw new Error(failedMessage("bash tools/scripts/deploy-local.sh", run));
    say(`cold deploy (README command (1)): ${run.seconds.toFixed(1)} s`);
    const lastLine = run.output.trimEnd().split("\n").at(-1);
    const outputs = readLocalOutputs();
    expect(lastLine).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(lastLine).toBe(outputs.proxyUrl);
    expect(outputs.serviceUrl).toBe(outputs.proxyUrl);
    // Both services were deployed: the worker runs too, with no published port.
    expect(outputs.workerContainerNames.length).toBeGreaterThan(0);
    for (const name of outputs.workerContainerNames) expect((await docker(["port", name])).trim()).toBe("");

    const url = outputs.serviceUrl;
    const expected: BuildId = { version: serviceVersion(repo.dir), gitSha: repo.head() };
    expect(await versionOf(url)).toMatchObject(expected);
    const page = await request("GET", `${url}/`);
    expect(page.status).toBe(200);
    expect(page.body).toContain(`sample-service ${expected.version}`);
    v1 = { url, build: expected, outputs };
  });

  it("a post created through POST /posts is served back, and the worker's word count appears on it", async () => {
    const { url } = need(v1, "cold deploy");
    const title = `e2e-local ${new Date().toISOString()}`;
    const created = await request("POST", `${url}/posts`, { title, content: "written before the redeploy" });
    expect(created.status).toBe(201);
    const row = JSON.parse(created.body) as { id: number; title: string };
    expect(row.title).toBe(title);
    const read = await request("GET", `${url}/posts/${row.id}`);
    expect(read.status).toBe(200);
    expect(JSON.parse(read.body)).toMatchObject({ id: row.id, title });
    post = { id: row.id, title };
    // post-worker takes the job sample-service enqueued and writes its result back.
    const processed = await waitFor(`the worker's result on post ${row.id}`, 30_000, async () => {
      const res = await request("GET", `${url}/posts/${row.id}`);
      const body = JSON.parse(res.body) as { word_count: number | null; summary: string | null };
      return body.word_count === null ? undefined : body;
    });
    expect(processed).toMatchObject({ word_count: 4, summary: "written before the redeploy" });
  });

  it("redeploy of a new version under a client polling /version every 100 ms: no failed request, old then new", async () => {
    const before = need(v1, "cold deploy");
    const version = `${before.build.version}-e2e.2`;
    const gitSha = repo.commit(`sample-service ${version}`, (dir) => setServiceVersion(dir, version));
    const log = pollLogFile(logDir, "redeploy");
    poller = await startPoller(before.url, log, { intervalMs: 100, workspaceRoot: WORKSPACE_ROOT });
    const run = await deploy(repo);
    const finishedMs = Date.now();
    // Keep polling a moment after the chain reported success: those answers must all be the new version.
    await new Promise((r) => setTimeout(r, 2000));
    await poller.stop();
    poller = undefined;
    if (run.code !== 0) throw new Error(failedMessage("nx run sample-service:deploy -c local", run));

    const to: BuildId = { version, gitSha };
    const entries = readPollLog(log);
    const a = analyzeRedeploy(entries, before.build, to);
    const report = describeRedeploy(a, entries[0]?.startMs);
    say(`redeploy ${run.seconds.toFixed(1)} s; poll log ${log}\n  ${report.join("\n  ")}`);

    expect(a.failed).toEqual([]);
    expect(a.unexpected).toEqual([]);
    expect([a.first, a.last]).toEqual(["old", "new"]);
    // A clean cut: the proxy sends new requests to the newest ready build only, so once the client got
    // a new answer it never gets an old one again.
    expect(a.oldAfterNew).toEqual([]);
    // Both replicas of each version served (the proxy balances over at least two).
    expect(a.oldReplicas.length).toBeGreaterThanOrEqual(2);
    expect(a.newReplicas.length).toBeGreaterThanOrEqual(2);
    // Never the old version again once the chain said the new one is deployed: the old replicas are gone.
    const oldAfterDeploy = entries.filter(
      (e) => e.ok && e.version === before.build.version && e.startMs > finishedMs,
    );
    expect(oldAfterDeploy).toEqual([]);
    expect(await versionOf(before.url)).toMatchObject(to);
    v2 = { url: before.url, build: to, outputs: readLocalOutputs() };
  });

  it("the post survives the redeploy and a restart of the PostgreSQL container", async () => {
    const { url, outputs } = need(v2, "redeploy");
    const { id, title } = need(post, "post created");
    const afterRedeploy = await request("GET", `${url}/posts/${id}`);
    expect(afterRedeploy.status).toBe(200);
    expect(JSON.parse(afterRedeploy.body)).toMatchObject({ id, title });

    const startedAt = (
      await docker(["inspect", "-f", "{{.State.StartedAt}}", outputs.postgresContainer])
    ).trim();
    await docker(["restart", outputs.postgresContainer]);
    expect(
      (await docker(["inspect", "-f", "{{.State.StartedAt}}", outputs.postgresContainer])).trim(),
    ).not.toBe(startedAt);
    // The replicas reconnect on their own; wait (not a timed assertion) until the row is served again.
    const row = await waitFor(`GET /posts/${id} after the PostgreSQL restart`, 120_000, async () => {
      const res = await request("GET", `${url}/posts/${id}`);
      return res.status === 200 ? JSON.parse(res.body) : undefined;
    });
    expect(row).toMatchObject({ id, title });
  });

  it("a change to apps/post-worker only: nx affected -t deploy redeploys post-worker, sample-service's containers stay", async () => {
    const current = need(v2, "redeploy");
    const ids = async (names: readonly string[]) =>
      (await docker(["inspect", "-f", "{{.Id}}", ...names])).trim().split("\n");
    const webBefore = await ids(current.outputs.containerNames);
    const workerBefore = await ids(readLocalOutputs().workerContainerNames);
    repo.commit("post-worker: a comment", (dir) => {
      const file = join(dir, "apps", "post-worker", "src", "analyze.ts");
      writeFileSync(file, `${readFileSync(file, "utf8")}\n// e2e-local: a change to post-worker only\n`);
    });
    const run = await nx(
      repo.dir,
      ["affected", "-t", "deploy", "-c", "local", "--base=HEAD~1", "--head=HEAD", "--outputStyle=static"],
      nxLog,
    );
    if (run.code !== 0) throw new Error(failedMessage("nx affected -t deploy -c local", run));
    expect(run.output).toContain("> nx run post-worker:deploy:local");
    expect(run.output).not.toContain("> nx run sample-service:");
    expect(await ids(readLocalOutputs().containerNames)).toEqual(webBefore);
    expect(await ids(readLocalOutputs().workerContainerNames)).not.toEqual(workerBefore);
  });

  it("a redeploy whose migration fails stops with the migration's error; the old version keeps serving", async () => {
    const current = need(v2, "redeploy");
    const version = `${current.build.version.replace(/-e2e\.2$/, "")}-e2e.3`;
    const broken = nextMigrationName(repo.dir, "e2e_broken");
    repo.commit(`sample-service ${version} with a broken migration`, (dir) => {
      setServiceVersion(dir, version);
      addMigration(
        dir,
        broken,
        "-- Deliberately broken (end-to-end test): references a table that does not exist.\n" +
          "ALTER TABLE posts ADD COLUMN e2e_broken integer REFERENCES e2e_no_such_table (id);\n",
      );
    });
    const replicasBefore = await docker([
      "ps",
      "--filter",
      "label=platform.service=sample-service",
      "--format",
      "{{.Names}}",
    ]);
    const log = pollLogFile(logDir, "failed-migration");
    poller = await startPoller(current.url, log, { intervalMs: 100, workspaceRoot: WORKSPACE_ROOT });
    const run = await deploy(repo);
    await poller.stop();
    poller = undefined;

    expect(run.code).not.toBe(0);
    // The migration's own error, from the one-off container, is in the chain's output ...
    expect(run.output).toContain(`migration ${broken} failed`);
    expect(run.output).toContain('relation "e2e_no_such_table" does not exist');
    expect(run.output).toMatch(/Failed tasks:\s*\n\s*- sample-service:migrate:local/);
    // ... and nothing after migrate ran.
    expect(run.output).not.toContain("> nx run sample-service:apply:local");

    const entries = readPollLog(log);
    const served = new Set(entries.map((e) => (e.ok ? `${e.version} ${e.gitSha}` : `FAILED ${e.error}`)));
    expect([...served]).toEqual([`${current.build.version} ${current.build.gitSha}`]);
    expect(await versionOf(current.url)).toMatchObject(current.build);
    expect(
      await docker(["ps", "--filter", "label=platform.service=sample-service", "--format", "{{.Names}}"]),
    ).toBe(replicasBefore);
  });

  it("run-task -c local: a one-off container with a replica's environment (the app login); the command's exit code decides", async () => {
    need(v2, "redeploy");
    const query =
      'const { Client } = require("pg"); const c = new Client(); c.connect()' +
      '.then(() => c.query("select current_user as role, count(*)::int as posts from posts"))' +
      '.then((r) => { console.log("run-task: " + JSON.stringify(r.rows[0])); return c.end(); })';
    const ok = await nx(
      repo.dir,
      ["run", "sample-service:run-task", "-c", "local", "--outputStyle=static", "--", "node", "-e", query],
      nxLog,
    );
    if (ok.code !== 0) throw new Error(failedMessage("nx run sample-service:run-task -c local", ok));
    expect(ok.output).toMatch(/run-task: \{"role":"sample_service_app","posts":[1-9]\d*\}/);

    const failing = await nx(
      repo.dir,
      [
        "run",
        "sample-service:run-task",
        "-c",
        "local",
        "--outputStyle=static",
        "--",
        "node",
        "-e",
        "process.exit(3)",
      ],
      nxLog,
    );
    expect(failing.code).not.toBe(0);
    expect(failing.output).toContain("The one-off task of sample-service exited 3.");
  });

  it("a service made by the generator deploys through the same chain and answers under its path", async () => {
    const current = need(v2, "redeploy");
    const generated = await nx(
      repo.dir,
      [
        "g",
        "@platform/nx-plugin:service",
        "demo-api",
        "--type",
        "web",
        "--path",
        "/demo",
        "--no-interactive",
      ],
      nxLog,
    );
    if (generated.code !== 0)
      throw new Error(failedMessage("nx g @platform/nx-plugin:service demo-api", generated));
    const sha = repo.commit("nx g @platform/nx-plugin:service demo-api --type web --path /demo");
    const run = await nx(repo.dir, ["run", "demo-api:deploy", "-c", "local", "--outputStyle=static"], nxLog);
    if (run.code !== 0) throw new Error(failedMessage("nx run demo-api:deploy -c local", run));
    expect(await versionOf(`${current.url}/demo`)).toMatchObject({ gitSha: sha });
    // The catch-all service still answers everything else, unchanged.
    expect(await versionOf(current.url)).toMatchObject(current.build);
  });

  it("rollback -c local under a client polling /version: the previous sha again, no failed request; an unknown --to changes nothing", async () => {
    const from = need(v2, "redeploy");
    const to = need(v1, "cold deploy").build;
    const unknown = await nx(
      repo.dir,
      ["run", "sample-service:rollback", "-c", "local", "--to", "fedcba9", "--outputStyle=static"],
      nxLog,
    );
    expect(unknown.code).not.toBe(0);
    expect(unknown.output).toContain(
      "RollbackTargetNotDeployedError: --to fedcba9 was never successfully deployed",
    );
    expect(unknown.output).toContain(from.build.gitSha);
    expect(await versionOf(from.url)).toMatchObject(from.build);

    const log = pollLogFile(logDir, "rollback");
    poller = await startPoller(from.url, log, { intervalMs: 100, workspaceRoot: WORKSPACE_ROOT });
    const run = await nx(
      repo.dir,
      ["run", "sample-service:rollback", "-c", "local", "--outputStyle=static"],
      nxLog,
    );
    await new Promise((r) => setTimeout(r, 2000));
    await poller.stop();
    poller = undefined;
    if (run.code !== 0) throw new Error(failedMessage("nx run sample-service:rollback -c local", run));

    const entries = readPollLog(log);
    const a = analyzeRedeploy(entries, from.build, to);
    say(
      `rollback ${run.seconds.toFixed(1)} s; poll log ${log}\n  ${describeRedeploy(a, entries[0]?.startMs).join("\n  ")}`,
    );
    expect(a.failed).toEqual([]);
    expect(a.unexpected).toEqual([]);
    expect([a.first, a.last]).toEqual(["old", "new"]);
    expect(a.oldAfterNew).toEqual([]);
    // The rollback went through the deploy chain's own apply and smoke, and nothing was rebuilt.
    expect(run.output).toContain(`rolled back to `);
    expect(run.output).not.toContain("sample-service:dockerize");
    expect(await versionOf(from.url)).toMatchObject(to);
    rolledBack = { url: from.url, build: to, outputs: readLocalOutputs() };
  });

  it("stacks:destroy -c local removes the containers and the network and keeps the data volume", async () => {
    const { outputs } = need(rolledBack ?? v2, "redeploy");
    const containers = await containersOn(outputs.networkName);
    expect(containers).toEqual(
      expect.arrayContaining([outputs.postgresContainer, ...outputs.containerNames]),
    );

    const run = await nx(repo.dir, ["run", "stacks:destroy", "-c", "local", "--outputStyle=static"], nxLog);
    if (run.code !== 0) throw new Error(failedMessage("nx run stacks:destroy -c local", run));
    const left = [];
    for (const name of containers) if (await dockerObjectExists("container", name)) left.push(name);
    expect(left).toEqual([]);
    expect(await dockerObjectExists("network", outputs.networkName)).toBe(false);
    expect(await dockerObjectExists("volume", outputs.volumeName)).toBe(true);
  });

  it("stacks:destroy -c local -- --include-data removes the data volume too", async () => {
    const { outputs } = need(v2, "redeploy");
    const run = await nx(
      repo.dir,
      ["run", "stacks:destroy", "-c", "local", "--outputStyle=static", "--", "--include-data"],
      nxLog,
    );
    if (run.code !== 0)
      throw new Error(failedMessage("nx run stacks:destroy -c local -- --include-data", run));
    expect(await dockerObjectExists("volume", outputs.volumeName)).toBe(false);
  });
});
