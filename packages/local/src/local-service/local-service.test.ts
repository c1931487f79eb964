import { Testing } from "cdktf";
import { localSecretVariable } from "../local-secret/local-secret";
import { LocalService, type LocalServiceProps } from "./local-service";

type Resource = Record<string, unknown>;

const network = { networkName: "platform-local", internal: false };
const DIGEST = `sha256:${"0123456789ab".repeat(5)}abcd`;
const image = { repository: "127.0.0.1:5001/sample-service", digest: DIGEST };

function synthService(props: Partial<LocalServiceProps> = {}, withSecret = false) {
  let construct: LocalService | undefined;
  const json = JSON.parse(
    Testing.synthScope((scope) => {
      const secrets: Record<string, string> = withSecret
        ? { PGPASSWORD: localSecretVariable(scope, "postgres_password").stringValue }
        : {};
      construct = new LocalService(scope, "svc", {
        serviceName: "sample-service",
        network,
        image,
        secrets,
        ...props,
      });
    }),
  ) as { resource: { docker_container: Record<string, Resource> }; locals?: Record<string, unknown> };
  return {
    containers: Object.values(json.resource.docker_container),
    construct: construct!,
    locals: json.locals,
  };
}

function make(props: Partial<LocalServiceProps>) {
  return () => synthService(props);
}

describe("LocalService defaults", () => {
  const { containers, construct } = synthService();

  it("runs 2 replicas of the image by digest, never a tag", () => {
    expect(containers).toHaveLength(2);
    for (const c of containers) {
      expect(c.image).toBe(`127.0.0.1:5001/sample-service@${DIGEST}`);
    }
  });

  it("names each replica after the service, the short digest and a configuration hash", () => {
    const names = containers.map((c) => c.name as string);
    expect(names[0]).toMatch(/^sample-service-0123456789ab-[0-9a-f]{8}-1$/);
    expect(names[1]).toMatch(/^sample-service-0123456789ab-[0-9a-f]{8}-2$/);
    expect(construct.containerNames).toHaveLength(2);
  });

  it("replaces replicas create-before-destroy and waits for them to be healthy", () => {
    for (const c of containers) {
      expect(c.lifecycle).toEqual({ create_before_destroy: true });
      expect(c.wait).toBe(true);
      expect(c.wait_timeout).toBe(120);
    }
  });

  it("shares one network alias, the service name, across replicas (DNS round robin)", () => {
    for (const c of containers) {
      expect(c.networks_advanced).toEqual([{ name: "platform-local", aliases: ["sample-service"] }]);
    }
    expect(construct.alias).toBe("sample-service");
    expect(construct.upstreamUrl).toBe("http://sample-service:8080");
  });

  it("checks /_ready with node alone (no curl, no shell)", () => {
    expect(containers[0].healthcheck).toEqual({
      test: [
        "CMD",
        "node",
        "-e",
        "fetch('http://127.0.0.1:8080/_ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))",
      ],
      interval: "2s",
      timeout: "3s",
      retries: 3,
      start_period: "30s",
    });
    expect(construct.healthCheckPath).toBe("/_ready");
  });

  it("drains on SIGTERM for 30 s, also when Terraform destroys or replaces it", () => {
    expect(containers[0]).toMatchObject({
      stop_signal: "SIGTERM",
      stop_timeout: 30,
      destroy_grace_seconds: 30,
    });
  });

  it("restarts unless stopped, limits memory to 512 MiB without swap, and passes PORT", () => {
    expect(containers[0]).toMatchObject({
      restart: "unless-stopped",
      memory: 512,
      memory_swap: 512,
      read_only: false,
    });
    expect(containers[0].env).toEqual(["PORT=8080"]);
    expect(construct.port).toBe(8080);
  });

  it("publishes nothing on the host: only the proxy does", () => {
    for (const c of containers) expect(c).not.toHaveProperty("ports");
  });

  it("labels replicas with the service and the digest", () => {
    expect(containers[0].labels).toEqual(
      expect.arrayContaining([
        { label: "platform.service", value: "sample-service" },
        { label: "platform.image-digest", value: DIGEST },
      ]),
    );
  });
});

describe("LocalService replacement names", () => {
  const names = (props: Partial<LocalServiceProps>) => synthService(props).containers.map((c) => c.name);

  it("change with the digest", () => {
    const other = { ...image, digest: `sha256:${"f".repeat(64)}` };
    expect(names({ image: other })[0]).toMatch(/^sample-service-ffffffffffff-[0-9a-f]{8}-1$/);
  });

  it("change with any other configuration (so create_before_destroy never reuses a running name)", () => {
    const base = names({});
    expect(names({ environment: { LOG_LEVEL: "debug" } })).not.toEqual(base);
    expect(names({ memoryMiB: 256 })).not.toEqual(base);
    expect(names({ command: ["node", "dist/server.js"] })).not.toEqual(base);
    expect(names({})).toEqual(base);
  });

  it("hash secret values in Terraform at plan time, without exposing them", () => {
    const { containers, locals } = synthService({}, true);
    const name = containers[0].name as string;
    const local =
      /^sample-service-0123456789ab-\$\{substr\(nonsensitive\(sha256\(join\("\\n", local\.([A-Za-z0-9_-]+)\)\)\), 0, 8\)\}-1$/.exec(
        name,
      );
    expect(local).not.toBeNull();
    expect(locals?.[local![1]]).toEqual([
      expect.stringMatching(/^[0-9a-f]{64}$/),
      "platform-local",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a Terraform interpolation, not a JS template
      "PGPASSWORD=${var.postgres_password}",
      "PORT=8080",
    ]);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a Terraform interpolation, not a JS template
    expect(containers[0].env).toEqual(["PGPASSWORD=${var.postgres_password}", "PORT=8080"]);
  });
});

describe("LocalService props", () => {
  it("runs the requested replicas, port, env, command, memory and timeouts", () => {
    const { containers, construct } = synthService({
      replicas: 3,
      containerPort: 3000,
      environment: { NODE_ENV: "production", APP_VERSION: "1.2.3" },
      command: ["node", "dist/server.js"],
      healthCheckPath: "/_health",
      healthCheckIntervalSeconds: 5,
      stopTimeoutSeconds: 45,
      waitTimeoutSeconds: 300,
      restartPolicy: "on-failure",
      memoryMiB: 1024,
      readOnlyRootFilesystem: true,
      labels: { env: "local" },
    });
    expect(containers).toHaveLength(3);
    expect(containers[2]).toMatchObject({
      command: ["node", "dist/server.js"],
      env: ["APP_VERSION=1.2.3", "NODE_ENV=production", "PORT=3000"],
      stop_timeout: 45,
      destroy_grace_seconds: 45,
      wait_timeout: 300,
      restart: "on-failure",
      memory: 1024,
      memory_swap: 1024,
      read_only: true,
      tmpfs: { "/tmp": "rw,noexec,nosuid,size=64m" },
    });
    expect((containers[2].healthcheck as { test: string[] }).test[3]).toContain(
      "http://127.0.0.1:3000/_health",
    );
    expect(containers[2].healthcheck).toMatchObject({ interval: "5s" });
    expect(containers[2].labels).toEqual(expect.arrayContaining([{ label: "env", value: "local" }]));
    expect(construct.upstreamUrl).toBe("http://sample-service:3000");
  });
});

describe("LocalService as a proxy upstream", () => {
  it("exposes alias, port and readiness path as the route upstream shape", () => {
    const { construct } = synthService({ containerPort: 3000, healthCheckPath: "/_health" });
    expect(construct.type).toBe("web");
    expect(construct.upstream).toEqual({ alias: "sample-service", port: 3000, healthCheckPath: "/_health" });
  });
});

describe("LocalService worker", () => {
  const { containers, construct } = synthService({ type: "worker", environment: { QUEUE: "posts" } });

  it("listens on no port: no PORT, no HTTP health check, nothing published", () => {
    for (const c of containers) {
      expect(c.env).toEqual(["QUEUE=posts"]);
      expect(c).not.toHaveProperty("healthcheck");
      expect(c).not.toHaveProperty("ports");
    }
    expect([construct.port, construct.healthCheckPath, construct.upstreamUrl]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });

  it("is still replaced create-before-destroy, waiting only for it to run (it has no health check)", () => {
    for (const c of containers) {
      expect(c.lifecycle).toEqual({ create_before_destroy: true });
      expect(c.wait).toBe(false);
      expect(c).not.toHaveProperty("wait_timeout");
      expect(c).toMatchObject({ stop_signal: "SIGTERM", stop_timeout: 30, destroy_grace_seconds: 30 });
    }
    expect(construct.type).toBe("worker");
  });

  it("has no upstream: nothing routes to a worker", () => {
    expect(() => construct.upstream).toThrow(/^upstream: sample-service is a worker \(type "worker"\)/);
  });

  it("runs healthCheckCommand as its health check, and apply waits for it", () => {
    const [c] = synthService({ type: "worker", healthCheckCommand: ["node", "dist/health.js"] }).containers;
    expect(c.healthcheck).toMatchObject({ test: ["CMD", "node", "dist/health.js"], interval: "2s" });
    expect(c).toMatchObject({ wait: true, wait_timeout: 120 });
  });
});

describe("LocalService validation", () => {
  it.each([0, 11, 1.5])("refuses replicas = %p", (replicas) => {
    expect(make({ replicas })).toThrow(/^replicas must be an integer from 1 to 10/);
  });
  it("refuses a digest that is not sha256", () => {
    expect(make({ image: { ...image, digest: "latest" } })).toThrow(/^image\.digest must be "sha256:"/);
  });
  it("refuses a repository carrying a tag", () => {
    expect(make({ image: { ...image, repository: "127.0.0.1:5001/sample-service:latest" } })).toThrow(
      /^image\.repository must be a Docker repository name .* must not carry a tag or digest/,
    );
  });
  it("refuses a serviceName that is not a DNS label", () => {
    expect(make({ serviceName: "Sample_Service" })).toThrow(/^serviceName must be a DNS label/);
  });
  it("refuses a serviceName over 30 characters", () => {
    expect(make({ serviceName: "s".repeat(31) })).toThrow(/^serviceName must be at most 30 characters/);
  });
  it("refuses containerPort out of range", () => {
    expect(make({ containerPort: 70000 })).toThrow(/^containerPort must be an integer from 1 to 65535/);
  });
  it("refuses an invalid environment key", () => {
    expect(make({ environment: { "NODE-ENV": "x" } })).toThrow(/^environment key "NODE-ENV"/);
  });
  it("refuses PORT in environment", () => {
    expect(make({ environment: { PORT: "1" } })).toThrow(/^environment must not set PORT/);
  });
  it("refuses a literal secret", () => {
    expect(make({ secrets: { PGPASSWORD: "hunter2" } })).toThrow(
      /^secrets\.PGPASSWORD must be a Terraform token/,
    );
  });
  it("refuses an invalid secrets key", () => {
    expect(make({ secrets: { "1PASS": "x" } })).toThrow(/^secrets key "1PASS"/);
  });
  it("refuses a variable set both as environment and as secret", () => {
    expect(() =>
      Testing.synthScope((scope) => {
        new LocalService(scope, "svc", {
          serviceName: "s",
          network,
          image,
          environment: { PGPASSWORD: "x" },
          secrets: { PGPASSWORD: localSecretVariable(scope, "pw").stringValue },
        });
      }),
    ).toThrow(/^secrets\.PGPASSWORD is also set in environment/);
  });
  it("refuses a healthCheckPath that is not an absolute path", () => {
    expect(make({ healthCheckPath: "_ready'" })).toThrow(/^healthCheckPath must be an absolute URL path/);
  });
  it("refuses healthCheckIntervalSeconds out of range", () => {
    expect(make({ healthCheckIntervalSeconds: 61 })).toThrow(
      /^healthCheckIntervalSeconds must be an integer/,
    );
  });
  it("refuses stopTimeoutSeconds out of range", () => {
    expect(make({ stopTimeoutSeconds: 0 })).toThrow(/^stopTimeoutSeconds must be an integer from 1 to 600/);
  });
  it("refuses waitTimeoutSeconds out of range", () => {
    expect(make({ waitTimeoutSeconds: 9 })).toThrow(/^waitTimeoutSeconds must be an integer from 10 to 3600/);
  });
  it("refuses an unknown restartPolicy", () => {
    expect(make({ restartPolicy: "sometimes" as "no" })).toThrow(
      /^restartPolicy must be one of "no", "on-failure", "always", "unless-stopped"; got "sometimes"/,
    );
  });
  it("refuses memoryMiB out of range", () => {
    expect(make({ memoryMiB: 32 })).toThrow(/^memoryMiB must be an integer from 64 to 16384/);
  });
  it("refuses an empty command", () => {
    expect(make({ command: [] })).toThrow(/^command must not be empty/);
  });
  it("refuses a reserved label key", () => {
    expect(make({ labels: { "platform.image-digest": "x" } })).toThrow(/^labels key "platform.image-digest"/);
  });
  it("refuses an unknown type", () => {
    expect(make({ type: "cron" as "web" })).toThrow(/^type must be one of "web", "worker"; got "cron"/);
  });
  it.each([
    ["containerPort", { containerPort: 8080 }],
    ["healthCheckPath", { healthCheckPath: "/_ready" }],
  ])("refuses %s on a worker", (prop, props) => {
    expect(make({ type: "worker", ...props })).toThrow(new RegExp(`^${prop} must not be set for a worker`));
  });
  it("refuses PORT in a worker's environment", () => {
    expect(make({ type: "worker", environment: { PORT: "1" } })).toThrow(
      /^environment must not set PORT: a worker listens on no port/,
    );
  });
  it("refuses healthCheckCommand on a web service", () => {
    expect(make({ healthCheckCommand: ["true"] })).toThrow(/^healthCheckCommand is for workers/);
  });
  it("refuses an empty healthCheckCommand", () => {
    expect(make({ type: "worker", healthCheckCommand: [] })).toThrow(/^healthCheckCommand must not be empty/);
  });
});
