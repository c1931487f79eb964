import { type SpawnSyncOptions, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import { parseEnvFile } from "@platform/testing";
import { App, LocalBackend, TerraformStack } from "cdktf";
import {
  type LocalImageDigest,
  LocalNetwork,
  LocalPostgres,
  LocalProxy,
  LocalService,
  LocalVolume,
  localSecretVariable,
  pinDockerProviderVersion,
  readOrCreateLocalSecret,
} from "../../src";

// The constructs applied for real: Terraform with the Docker provider from the toolchain's mirror,
// the project's Docker engine, images built from the toolchain's offline base images and pushed to
// the loopback registry. Needs `npx nx run toolchain:ensure` first; without it this fails (it
// never skips). Run with `npx nx run local:integration`.

const STEP_MS = 600_000; // room for vfs image copies and Terraform, not a timing assertion

function toolchain(): Record<string, string> {
  const cacheDir = process.env.PLATFORM_CACHE_DIR ?? path.join(os.homedir(), ".cache", "fargate-platform");
  const file = path.join(cacheDir, "toolchain.env");
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: run \`npx nx run toolchain:ensure\` first`);
  return parseEnvFile(fs.readFileSync(file, "utf8"));
}

const tc = toolchain();
const ENV: NodeJS.ProcessEnv = { ...process.env, ...tc, TF_IN_AUTOMATION: "1", TF_INPUT: "0" };
const RUN = randomBytes(3).toString("hex");
const WORK = fs.mkdtempSync(path.join(os.tmpdir(), "local-it-"));
const PASSWORD_FILE = path.join(WORK, "state", "postgres-password");

function run(command: string, args: string[], options: SpawnSyncOptions = {}): string {
  const result = spawnSync(command, args, {
    env: ENV,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    ...options,
  });
  if (result.error || result.status !== 0) {
    throw new Error(
      `${command} ${args.join(" ")} failed (exit ${result.status}): ${result.error?.message ?? ""}\n${result.stderr}\n${result.stdout}`,
    );
  }
  return String(result.stdout);
}

/** Like `run`, without blocking the event loop (clients keep polling meanwhile). */
function runAsync(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk;
    });
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0
        ? resolve(output)
        : reject(new Error(`${command} ${args.join(" ")} failed (exit ${code}):\n${output}`)),
    );
  });
}

function buildAndPush(context: string, name: string, buildArgs: Record<string, string>): LocalImageDigest {
  const repository = `${tc.PLATFORM_REGISTRY}/${name}`;
  const tag = `${repository}:it-${RUN}-${randomBytes(3).toString("hex")}`;
  const args = Object.entries(buildArgs).flatMap(([k, v]) => ["--build-arg", `${k}=${v}`]);
  run("docker", ["build", "-q", ...args, "-t", tag, context]);
  run("docker", ["push", tag]);
  const repoDigest = run("docker", ["image", "inspect", "--format", "{{index .RepoDigests 0}}", tag]).trim();
  return { repository, digest: repoDigest.slice(repoDigest.indexOf("@") + 1) };
}

function freePort(): Promise<number> {
  const server = http.createServer();
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    }),
  );
}

interface Deployment {
  serviceImage: LocalImageDigest;
  /** The image of the second web service and the worker (unchanged by the redeploy). */
  apiImage: LocalImageDigest;
  proxyImage: LocalImageDigest;
  hostPort: number;
  preventVolumeDestroy: boolean;
}

const names = {
  network: `local-it-${RUN}`,
  volume: `local-it-${RUN}-pgdata`,
  postgres: `it-pg-${RUN}`,
  service: `it-svc-${RUN}`,
  api: `it-api-${RUN}`,
  worker: `it-wrk-${RUN}`,
};
/** The Host header the api service's route matches (any other host goes to the catch-all service). */
const API_HOST = "api.localhost";

/** Synthesizes the two stacks the way the local environment is meant to be split; returns their dirs. */
function synth(d: Deployment): { data: string; service: string } {
  const outdir = path.join(WORK, "cdktf.out");
  const app = new App({ outdir });
  const data = new TerraformStack(app, "local-data");
  new LocalBackend(data, { path: path.join(WORK, "local-data.tfstate") });
  new DockerProvider(data, "docker", {});
  new LocalVolume(data, "pgdata", { name: names.volume, preventDestroy: d.preventVolumeDestroy });

  const stack = new TerraformStack(app, "local-service");
  new LocalBackend(stack, { path: path.join(WORK, "local-service.tfstate") });
  new DockerProvider(stack, "docker", {});
  const network = new LocalNetwork(stack, "network", { name: names.network });
  const password = localSecretVariable(stack, "postgres_password");
  const postgres = new LocalPostgres(stack, "postgres", {
    network,
    volume: { volumeName: names.volume },
    password: password.stringValue,
    image: tc.POSTGRES_BASE_IMAGE,
    name: names.postgres,
  });
  const service = new LocalService(stack, "service", {
    serviceName: names.service,
    network,
    image: d.serviceImage,
    environment: { ...postgres.connectionEnvironment, SHUTDOWN_DRAIN_DELAY_MS: "2000" },
    secrets: postgres.connectionSecrets,
    stopTimeoutSeconds: 10,
  });
  // A second web service (the v1 image, naming itself "api") and a worker (no port, no route).
  const api = new LocalService(stack, "api", {
    serviceName: names.api,
    network,
    image: d.apiImage,
    environment: { ...postgres.connectionEnvironment, FIXTURE_VERSION: "api" },
    stopTimeoutSeconds: 10,
  });
  new LocalService(stack, "worker", {
    serviceName: names.worker,
    type: "worker",
    network,
    image: d.apiImage,
    replicas: 1,
    stopTimeoutSeconds: 10,
  });
  new LocalProxy(stack, "proxy", {
    network,
    routes: [
      { upstream: service.upstream, pathPatterns: ["/*"], priority: 100 },
      { upstream: api.upstream, hosts: [API_HOST], priority: 10 },
    ],
    image: d.proxyImage,
    hostPort: d.hostPort,
  });
  for (const s of [data, stack]) pinDockerProviderVersion(s, tc.PLATFORM_DOCKER_PROVIDER_VERSION || "3.6.2");
  app.synth();
  return {
    data: path.join(outdir, "stacks", "local-data"),
    service: path.join(outdir, "stacks", "local-service"),
  };
}

function terraformEnv(): NodeJS.ProcessEnv {
  return { ...ENV, TF_VAR_postgres_password: readOrCreateLocalSecret(PASSWORD_FILE) };
}

function terraform(dir: string, args: string[]): string {
  return run(tc.TERRAFORM_BINARY_NAME || "terraform", [...args, "-no-color"], {
    cwd: dir,
    env: terraformEnv(),
  });
}

function apply(dir: string): void {
  terraform(dir, ["init", "-input=false"]);
  terraform(dir, ["apply", "-auto-approve", "-input=false"]);
}

function get(
  port: number,
  path: string,
  options: { agent?: http.Agent; host?: string } = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers = options.host ? { host: options.host } : {};
    const req = http.get(
      { host: "127.0.0.1", port, path, headers, agent: options.agent, timeout: 10_000 },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          body += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
  });
}

function getVersion(port: number, agent?: http.Agent): Promise<{ status: number; body: string }> {
  return get(port, "/version", { agent });
}

function psql(sql: string): string {
  return run("docker", ["exec", names.postgres, "psql", "-U", "app", "-d", "app", "-tAc", sql]).trim();
}

function proxyId(): string {
  return run("docker", ["inspect", "--format", "{{.Id}}", `${names.network}-proxy`]).trim();
}

/** Ids of a service's running replicas, sorted. */
function serviceContainerIds(service: string): string[] {
  return run("docker", ["ps", "-q", "--no-trunc", "--filter", `label=platform.service=${service}`])
    .trim()
    .split("\n")
    .sort();
}

function dockerNames(kind: "container" | "network" | "volume"): string[] {
  const args =
    kind === "container" ? ["ps", "-a", "--format", "{{.Names}}"] : [kind, "ls", "--format", "{{.Name}}"];
  return run("docker", args)
    .split("\n")
    .filter((n) => n.includes(RUN));
}

describe("local environment on a real Docker engine", () => {
  let deployment: Deployment;
  let dirs: { data: string; service: string };
  let v2: LocalImageDigest;

  beforeAll(async () => {
    const base = tc.NODE_RUNTIME_IMAGE || tc.NODE_BASE_IMAGE;
    const proxyImage = buildAndPush(path.join(__dirname, "..", "..", "proxy"), "local-proxy", {
      NODE_BASE_IMAGE: base,
    });
    const fixture = path.join(__dirname, "fixture-service");
    const v1 = buildAndPush(fixture, "local-it-service", { NODE_BASE_IMAGE: base, FIXTURE_VERSION: "v1" });
    v2 = buildAndPush(fixture, "local-it-service", { NODE_BASE_IMAGE: base, FIXTURE_VERSION: "v2" });
    deployment = {
      serviceImage: v1,
      apiImage: v1,
      proxyImage,
      hostPort: await freePort(),
      preventVolumeDestroy: true,
    };
  }, STEP_MS);

  afterAll(() => {
    // Best effort: leave no containers, network or volume behind even after a failed step.
    try {
      dirs = synth({ ...deployment, preventVolumeDestroy: false });
      terraform(dirs.service, ["destroy", "-auto-approve", "-input=false"]);
      terraform(dirs.data, ["destroy", "-auto-approve", "-input=false"]);
    } catch (error) {
      console.error(String(error));
    }
    fs.rmSync(WORK, { recursive: true, force: true });
  }, STEP_MS);

  it(
    "cold apply: the proxy answers on 127.0.0.1 with a replica that reached the database",
    async () => {
      dirs = synth(deployment);
      apply(dirs.data);
      apply(dirs.service);

      const reply = await getVersion(deployment.hostPort);
      expect(reply.status).toBe(200);
      expect(JSON.parse(reply.body)).toMatchObject({ version: "v1", hasPassword: true });
      const containers = dockerNames("container");
      expect(containers.filter((n) => n.startsWith(`${names.service}-`))).toHaveLength(2);
      expect(containers.filter((n) => n.startsWith(`${names.api}-`))).toHaveLength(2);
      expect(containers.filter((n) => n.startsWith(`${names.worker}-`))).toHaveLength(1);
      // Only the proxy publishes a port; the worker runs with none.
      const ports = run("docker", ["port", `${names.network}-proxy`]).trim();
      expect(ports).toBe(`8080/tcp -> 127.0.0.1:${deployment.hostPort}`);
      for (const name of containers.filter((n) => !n.endsWith("-proxy"))) {
        expect(run("docker", ["port", name]).trim()).toBe("");
      }
      // A second plan finds nothing to do: no attribute the provider reads back differs from the
      // configuration (which would replace the containers on every deploy).
      for (const dir of [dirs.data, dirs.service]) {
        expect(() => terraform(dir, ["plan", "-detailed-exitcode", "-input=false"])).not.toThrow();
      }
    },
    STEP_MS,
  );

  it(
    "the proxy routes each web service by its rule and reports its routes",
    async () => {
      const api = await get(deployment.hostPort, "/version", { host: `${API_HOST}:${deployment.hostPort}` });
      expect(JSON.parse(api.body)).toMatchObject({ version: "api" });
      const web = await get(deployment.hostPort, "/version", { host: "other.localhost" });
      expect(JSON.parse(web.body)).toMatchObject({ version: "v1" });
      const routes = JSON.parse((await get(deployment.hostPort, "/_proxy/routes")).body) as {
        routes: { name: string; ready: number }[];
      };
      expect(routes.routes.map((r) => `${r.name} ${r.ready}`)).toEqual([
        `${names.api} 2`,
        `${names.service} 2`,
      ]);
    },
    STEP_MS,
  );

  it(
    "redeploy with a new digest: clients polling through the proxy see v1 then v2 and no failed request",
    async () => {
      psql("CREATE TABLE IF NOT EXISTS it_posts (title text); INSERT INTO it_posts VALUES ('kept')");
      const proxyBefore = proxyId();
      const apiBefore = serviceContainerIds(names.api);
      const agent = new http.Agent({ keepAlive: true });
      const seen: string[] = [];
      // Each answer with when its request was sent and when it arrived, for the clean-cut check.
      const answers: { version: string; sentMs: number; arrivedMs: number }[] = [];
      const failures: string[] = [];
      let polling = true;
      const poll = async (intervalMs: number) => {
        while (polling) {
          try {
            const sentMs = Date.now();
            const reply = await getVersion(deployment.hostPort, agent);
            if (reply.status === 200) {
              const version = JSON.parse(reply.body).version;
              seen.push(version);
              answers.push({ version, sentMs, arrivedMs: Date.now() });
            } else failures.push(`${reply.status} ${reply.body}`);
          } catch (error) {
            failures.push(String(error));
          }
          if (intervalMs > 0) await new Promise((resolve) => setTimeout(resolve, intervalMs));
        }
      };
      const clients = [poll(100), poll(0), poll(0)];

      deployment = { ...deployment, serviceImage: v2 };
      dirs = synth(deployment);
      const started = Date.now();
      await runAsync(
        tc.TERRAFORM_BINARY_NAME || "terraform",
        ["apply", "-auto-approve", "-input=false", "-no-color"],
        {
          cwd: dirs.service,
          env: terraformEnv(),
        },
      );
      const applySeconds = (Date.now() - started) / 1000;
      polling = false;
      await Promise.all(clients);
      agent.destroy();

      const firstV2 = seen.indexOf("v2");
      console.log(
        `redeploy: apply ${applySeconds.toFixed(1)} s, ${seen.length} requests, ${failures.length} failed, first v2 at request ${firstV2}`,
      );
      expect(failures).toEqual([]);
      expect(seen[0]).toBe("v1");
      expect(seen.at(-1)).toBe("v2");
      expect(new Set(seen)).toEqual(new Set(["v1", "v2"]));
      // A clean cut: the proxy sends new requests to the newest ready build only (the fixture names its
      // build in x-service-revision), so no request sent after the first v2 answer arrived got v1.
      const firstV2ArrivedMs = Math.min(...answers.filter((a) => a.version === "v2").map((a) => a.arrivedMs));
      expect(answers.filter((a) => a.version === "v1" && a.sentMs > firstV2ArrivedMs)).toEqual([]);
      const digests = run("docker", [
        "ps",
        "--format",
        '{{.Label "platform.image-digest"}}',
        "--filter",
        `label=platform.service=${names.service}`,
      ]);
      expect(digests.trim().split("\n")).toEqual([v2.digest, v2.digest]);
      // The entry point and the other service were not touched by the service's replacement.
      expect(proxyId()).toBe(proxyBefore);
      expect(serviceContainerIds(names.api)).toEqual(apiBefore);
    },
    STEP_MS,
  );

  it(
    "destroy of the environment stack removes containers and network and keeps the data volume",
    async () => {
      terraform(dirs.service, ["destroy", "-auto-approve", "-input=false"]);
      expect(dockerNames("container")).toEqual([]);
      expect(dockerNames("network")).toEqual([]);
      expect(dockerNames("volume")).toEqual([names.volume]);

      apply(dirs.service);
      expect(psql("SELECT title FROM it_posts")).toBe("kept");
      expect((await getVersion(deployment.hostPort)).status).toBe(200);
    },
    STEP_MS,
  );

  it(
    "the data volume is destroyed only when asked explicitly",
    () => {
      terraform(dirs.service, ["destroy", "-auto-approve", "-input=false"]);
      expect(() => terraform(dirs.data, ["destroy", "-auto-approve", "-input=false"])).toThrow(
        /Instance cannot be destroyed/,
      );
      expect(dockerNames("volume")).toEqual([names.volume]);

      dirs = synth({ ...deployment, preventVolumeDestroy: false });
      terraform(dirs.data, ["destroy", "-auto-approve", "-input=false"]);
      expect(dockerNames("volume")).toEqual([]);
    },
    STEP_MS,
  );
});
