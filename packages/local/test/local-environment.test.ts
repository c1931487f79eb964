import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import { parseEnvFile, validateWithTerraform } from "@platform/testing";
import { App, TerraformStack, Testing } from "cdktf";
import {
  LocalNetwork,
  LocalPostgres,
  LocalProxy,
  LocalService,
  LocalVolume,
  localSecretVariable,
  pinDockerProviderVersion,
} from "../src";

// The whole local environment the way the stacks assemble it: the data volume in its own stack
// (a normal destroy leaves it), everything else in the environment stack.

// terraform init + validate load the real Docker provider from the mirror: room to run, not a timing assertion.
const TERRAFORM_TIMEOUT_MS = 180_000;

type Resource = Record<string, unknown>;

/** The docker provider version the toolchain's mirror holds (toolchain.env), if it says. */
function mirroredDockerProviderVersion(): string | undefined {
  const cacheDir = process.env.PLATFORM_CACHE_DIR ?? path.join(os.homedir(), ".cache", "fargate-platform");
  const file = path.join(cacheDir, "toolchain.env");
  if (!fs.existsSync(file)) return undefined;
  return parseEnvFile(fs.readFileSync(file, "utf8")).PLATFORM_DOCKER_PROVIDER_VERSION || undefined;
}
interface Synthesized {
  resource: Record<string, Record<string, Resource>>;
  variable?: Record<string, Resource>;
}

function localEnvironment() {
  const app = new App();
  const data = new TerraformStack(app, "local-data");
  new DockerProvider(data, "docker", {});
  const volume = new LocalVolume(data, "pgdata", { name: "platform-local-pgdata" });

  const stack = new TerraformStack(app, "local-service");
  stack.addDependency(data);
  new DockerProvider(stack, "docker", {});
  const network = new LocalNetwork(stack, "network", { name: "platform-local" });
  const password = localSecretVariable(stack, "postgres_password");
  // The volume's name, not a cross-stack reference: the environment stack never reads the data
  // stack's state, so either can be planned and destroyed on its own.
  const postgres = new LocalPostgres(stack, "postgres", {
    network,
    volume: { volumeName: "platform-local-pgdata" },
    password: password.stringValue,
  });
  const service = new LocalService(stack, "service", {
    serviceName: "sample-service",
    network,
    image: { repository: "127.0.0.1:5001/sample-service", digest: `sha256:${"1".repeat(64)}` },
    environment: { ...postgres.connectionEnvironment, SHUTDOWN_DRAIN_DELAY_MS: "2000" },
    secrets: postgres.connectionSecrets,
  });
  const api = new LocalService(stack, "api", {
    serviceName: "api-service",
    network,
    image: { repository: "127.0.0.1:5001/api-service", digest: `sha256:${"3".repeat(64)}` },
    containerPort: 3000,
  });
  // A worker: replicas with no port, no route.
  const worker = new LocalService(stack, "worker", {
    serviceName: "post-worker",
    type: "worker",
    network,
    image: { repository: "127.0.0.1:5001/post-worker", digest: `sha256:${"4".repeat(64)}` },
    replicas: 1,
    environment: postgres.connectionEnvironment,
    secrets: postgres.connectionSecrets,
  });
  // One proxy, one route per web service.
  const proxy = new LocalProxy(stack, "proxy", {
    network,
    routes: [
      { upstream: service.upstream, pathPatterns: ["/*"], priority: 100 },
      { upstream: api.upstream, pathPatterns: ["/api/*"], hosts: ["api.localhost"], priority: 10 },
    ],
    image: { repository: "127.0.0.1:5001/local-proxy", digest: `sha256:${"2".repeat(64)}` },
  });
  return { data, stack, volume, postgres, service, api, worker, proxy };
}

describe("local environment", () => {
  const env = localEnvironment();
  const stackJson = JSON.parse(Testing.synth(env.stack)) as Synthesized;
  const dataJson = JSON.parse(Testing.synth(env.data)) as Synthesized;
  const containers = Object.values(stackJson.resource.docker_container);

  it("publishes exactly one port, the proxy's, on 127.0.0.1 only", () => {
    const published = containers.flatMap((c) => (c.ports as Resource[] | undefined) ?? []);
    expect(published).toEqual([{ internal: 8080, external: 8080, ip: "127.0.0.1", protocol: "tcp" }]);
  });

  it("routes each web service by its rule and nothing to the worker", () => {
    const proxy = containers.find((c) => String(c.image).includes("/local-proxy@"))!;
    const routes = (proxy.env as string[]).find((e) => e.startsWith("ROUTES="))!.slice("ROUTES=".length);
    expect(JSON.parse(routes)).toEqual([
      expect.objectContaining({ upstreamHost: "api-service", upstreamPort: 3000, priority: 10 }),
      expect.objectContaining({ upstreamHost: "sample-service", upstreamPort: 8080, priority: 100 }),
    ]);
    expect(routes).not.toMatch(/post-worker/);
    const worker = containers.filter((c) => String(c.image).includes("/post-worker@"));
    expect(worker).toHaveLength(1);
    expect(worker[0]).not.toHaveProperty("healthcheck");
    expect(worker[0].env).not.toContainEqual(expect.stringMatching(/^PORT=/));
  });

  it("never runs a latest or untagged image", () => {
    for (const c of containers) {
      expect(c.image).toMatch(/(@sha256:[0-9a-f]{64}|:[A-Za-z0-9_][A-Za-z0-9_.-]*)$/);
      expect(c.image).not.toMatch(/:latest(@|$)/);
    }
  });

  it("keeps the named data volume out of the environment stack, guarded against destroy", () => {
    expect(stackJson.resource.docker_volume).toBeUndefined();
    const volumes = Object.values(dataJson.resource.docker_volume);
    expect(volumes).toEqual([
      expect.objectContaining({ name: "platform-local-pgdata", lifecycle: { prevent_destroy: true } }),
    ]);
    const postgres = containers.find((c) => c.name === "postgres")!;
    expect(postgres.mounts).toEqual([
      { type: "volume", source: "platform-local-pgdata", target: "/var/lib/postgresql/data" },
    ]);
  });

  it("hands the service the database settings, the password only by reference to the sensitive variable", () => {
    const replicas = containers.filter((c) => String(c.image).includes("/sample-service@"));
    expect(replicas).toHaveLength(2);
    expect(replicas[0].env).toEqual([
      "PGDATABASE=app",
      expect.stringMatching(/^PGHOST=\$\{docker_container\.postgres_container_[0-9A-F]{8}\.name\}$/),
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a Terraform interpolation, not a JS template
      "PGPASSWORD=${var.postgres_password}",
      "PGPORT=5432",
      "PGSSLMODE=disable",
      "PGUSER=app",
      "PORT=8080",
      "SHUTDOWN_DRAIN_DELAY_MS=2000",
    ]);
    expect(stackJson.variable?.postgres_password).toMatchObject({ sensitive: true });
  });

  it(
    "passes terraform validate against the real kreuzwerker/docker provider from the mirror (both stacks)",
    () => {
      const version = mirroredDockerProviderVersion();
      for (const stack of [env.data, env.stack]) {
        if (version) pinDockerProviderVersion(stack, version);
        const result = validateWithTerraform(stack);
        expect(result.errors).toEqual([]);
        expect(result.valid).toBe(true);
      }
    },
    TERRAFORM_TIMEOUT_MS,
  );
});
