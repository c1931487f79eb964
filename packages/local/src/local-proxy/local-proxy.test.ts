import { Testing } from "cdktf";
import { LocalService } from "../local-service/local-service";
import { LocalProxy, type LocalProxyProps } from "./local-proxy";

type Resource = Record<string, unknown>;

const network = { networkName: "platform-local", internal: false };
const proxyImage = { repository: "127.0.0.1:5001/local-proxy", digest: `sha256:${"c".repeat(64)}` };
const serviceImage = { repository: "127.0.0.1:5001/sample-service", digest: `sha256:${"d".repeat(64)}` };

function synthProxy(props: Partial<LocalProxyProps> = {}) {
  let construct: LocalProxy | undefined;
  const json = JSON.parse(
    Testing.synthScope((scope) => {
      const service = new LocalService(scope, "svc", {
        serviceName: "sample-service",
        network,
        image: serviceImage,
      });
      construct = new LocalProxy(scope, "proxy", { network, upstream: service, image: proxyImage, ...props });
    }),
  ) as { resource: { docker_container: Record<string, Resource> } };
  const entries = Object.entries(json.resource.docker_container);
  const [, container] = entries.find(([key]) => key.startsWith("proxy_"))!;
  const serviceKeys = entries.filter(([key]) => key.startsWith("svc_")).map(([key]) => key);
  return { container, construct: construct!, serviceKeys };
}

function make(props: Partial<LocalProxyProps>) {
  return () => synthProxy(props);
}

describe("LocalProxy defaults", () => {
  const { container, construct, serviceKeys } = synthProxy();

  it("is published on 127.0.0.1:8080 only", () => {
    expect(container.ports).toEqual([{ internal: 8080, external: 8080, ip: "127.0.0.1", protocol: "tcp" }]);
    expect(construct.url).toBe("http://127.0.0.1:8080");
    expect(construct.hostPort).toBe(8080);
  });

  it("runs the proxy image by digest as `<alias>-proxy` on the network", () => {
    expect(container.image).toBe(`127.0.0.1:5001/local-proxy@sha256:${"c".repeat(64)}`);
    expect(container.name).toBe("sample-service-proxy");
    expect(container.networks_advanced).toEqual([{ name: "platform-local" }]);
  });

  it("forwards to the service alias, polling DNS and readiness every 500 ms", () => {
    expect(container.env).toEqual([
      "UPSTREAM_HOST=sample-service",
      "UPSTREAM_PORT=8080",
      "HEALTH_PATH=/_ready",
      "LISTEN_PORT=8080",
      "RESOLVE_INTERVAL_MS=500",
      "HEALTH_INTERVAL_MS=500",
    ]);
  });

  it("is created after the replicas and apply waits until it has a ready upstream", () => {
    expect(container.depends_on).toEqual(serviceKeys.map((key) => `docker_container.${key}`));
    expect(container.wait).toBe(true);
    expect(container.wait_timeout).toBe(120);
    expect((container.healthcheck as { test: string[] }).test).toEqual([
      "CMD",
      "node",
      "-e",
      "fetch('http://127.0.0.1:8080/_proxy/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))",
    ]);
  });

  it("is not create-before-destroy (two containers cannot publish one port) and stops gracefully", () => {
    expect(container).not.toHaveProperty("lifecycle");
    expect(container).toMatchObject({
      stop_signal: "SIGTERM",
      stop_timeout: 10,
      destroy_grace_seconds: 10,
      restart: "unless-stopped",
    });
  });

  it("does not depend on replica names, so a service redeploy leaves it alone", () => {
    expect(JSON.stringify(container.env)).not.toMatch(/docker_container/);
    expect(container.name).not.toMatch(/\$\{/);
  });
});

describe("LocalProxy props", () => {
  it("publishes the given host port and uses the given name and intervals", () => {
    const { container, construct } = synthProxy({
      hostPort: 18080,
      name: "entry",
      resolveIntervalMs: 250,
      healthIntervalMs: 1000,
      waitTimeoutSeconds: 60,
      stopTimeoutSeconds: 5,
      labels: { env: "local" },
    });
    expect(container.ports).toEqual([{ internal: 8080, external: 18080, ip: "127.0.0.1", protocol: "tcp" }]);
    expect(construct.url).toBe("http://127.0.0.1:18080");
    expect(container).toMatchObject({ name: "entry", wait_timeout: 60, stop_timeout: 5 });
    expect(container.env).toEqual(
      expect.arrayContaining(["RESOLVE_INTERVAL_MS=250", "HEALTH_INTERVAL_MS=1000"]),
    );
    expect(container.labels).toEqual(expect.arrayContaining([{ label: "env", value: "local" }]));
  });
});

describe("LocalProxy validation", () => {
  it("refuses an internal network", () => {
    expect(make({ network: { ...network, internal: true } })).toThrow(/^network must not be internal/);
  });
  it("refuses an image without a sha256 digest", () => {
    expect(make({ image: { ...proxyImage, digest: "v1" } })).toThrow(/^image\.digest must be "sha256:"/);
  });
  it("refuses hostPort out of range", () => {
    expect(make({ hostPort: 80 })).toThrow(/^hostPort must be an integer from 1024 to 65535; got 80/);
  });
  it("refuses an invalid name", () => {
    expect(make({ name: "entry point" })).toThrow(/^name must match/);
  });
  it("refuses resolveIntervalMs out of range", () => {
    expect(make({ resolveIntervalMs: 50 })).toThrow(
      /^resolveIntervalMs must be an integer from 100 to 10000/,
    );
  });
  it("refuses healthIntervalMs out of range", () => {
    expect(make({ healthIntervalMs: 20000 })).toThrow(
      /^healthIntervalMs must be an integer from 100 to 10000/,
    );
  });
  it("refuses waitTimeoutSeconds out of range", () => {
    expect(make({ waitTimeoutSeconds: 1 })).toThrow(/^waitTimeoutSeconds must be an integer from 10 to 3600/);
  });
  it("refuses stopTimeoutSeconds out of range", () => {
    expect(make({ stopTimeoutSeconds: 0 })).toThrow(/^stopTimeoutSeconds must be an integer from 1 to 600/);
  });
  it("refuses a reserved label key", () => {
    expect(make({ labels: { "platform.managed-by": "me" } })).toThrow(/^labels key "platform.managed-by"/);
  });
});
