import { Testing } from "cdktf";
import { LocalNetwork } from "../local-network/local-network";
import { LocalService } from "../local-service/local-service";
import { LocalProxy, type LocalProxyProps, type LocalProxyRoute } from "./local-proxy";

type Resource = Record<string, unknown>;

const network = { networkName: "platform-local", internal: false };
const proxyImage = { repository: "127.0.0.1:5001/local-proxy", digest: `sha256:${"c".repeat(64)}` };
const serviceImage = { repository: "127.0.0.1:5001/sample-service", digest: `sha256:${"d".repeat(64)}` };
const web = { alias: "sample-service", port: 8080, healthCheckPath: "/_ready" };
const api = { alias: "api-service", port: 3000, healthCheckPath: "/_health" };
/** Two web services: api by path and host, sample-service catch-all (the higher priority number). */
const ROUTES: readonly LocalProxyRoute[] = [
  { upstream: web, pathPatterns: ["/*"], priority: 100 },
  { upstream: api, pathPatterns: ["/api/*"], hosts: ["api.localhost"], priority: 10 },
];

function synthProxy(props: Partial<LocalProxyProps> = {}) {
  let construct: LocalProxy | undefined;
  const json = JSON.parse(
    Testing.synthScope((scope) => {
      construct = new LocalProxy(scope, "proxy", { network, routes: ROUTES, image: proxyImage, ...props });
    }),
  ) as { resource: { docker_container: Record<string, Resource> } };
  const [container] = Object.values(json.resource.docker_container);
  return { container, construct: construct! };
}

function make(props: Partial<LocalProxyProps>) {
  return () => synthProxy(props);
}

/** The ROUTES variable the container gets, parsed. */
function routesEnv(container: Resource): unknown {
  const entry = (container.env as string[]).find((e) => e.startsWith("ROUTES="));
  return JSON.parse(entry!.slice("ROUTES=".length));
}

describe("LocalProxy defaults", () => {
  const { container, construct } = synthProxy();

  it("is published on 127.0.0.1:8080 only", () => {
    expect(container.ports).toEqual([{ internal: 8080, external: 8080, ip: "127.0.0.1", protocol: "tcp" }]);
    expect(construct.url).toBe("http://127.0.0.1:8080");
    expect(construct.hostPort).toBe(8080);
  });

  it("runs the proxy image by digest as `<network>-proxy` on the network", () => {
    expect(container.image).toBe(`127.0.0.1:5001/local-proxy@sha256:${"c".repeat(64)}`);
    expect(container.name).toBe("platform-local-proxy");
    expect(container.networks_advanced).toEqual([{ name: "platform-local" }]);
  });

  it("hands the proxy its routes ordered by priority, polling DNS and readiness every 500 ms", () => {
    expect(routesEnv(container)).toEqual([
      {
        name: "api-service",
        priority: 10,
        pathPatterns: ["/api/*"],
        hosts: ["api.localhost"],
        upstreamHost: "api-service",
        upstreamPort: 3000,
        healthPath: "/_health",
      },
      {
        name: "sample-service",
        priority: 100,
        pathPatterns: ["/*"],
        upstreamHost: "sample-service",
        upstreamPort: 8080,
        healthPath: "/_ready",
      },
    ]);
    expect((container.env as string[]).slice(1)).toEqual([
      "LISTEN_PORT=8080",
      "RESOLVE_INTERVAL_MS=500",
      "HEALTH_INTERVAL_MS=500",
    ]);
    expect(construct.routes.map((r) => r.priority)).toEqual([10, 100]);
  });

  it("depends on nothing: apply waits only until it listens, with or without upstreams", () => {
    expect(container).not.toHaveProperty("depends_on");
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
});

describe("LocalProxy with LocalService", () => {
  it("routes to a web service's upstream and does not depend on replica names, so a redeploy leaves it alone", () => {
    const json = JSON.parse(
      Testing.synthScope((scope) => {
        const net = new LocalNetwork(scope, "network", { name: "platform-local" });
        const service = new LocalService(scope, "svc", {
          serviceName: "sample-service",
          network: net,
          image: serviceImage,
        });
        new LocalService(scope, "worker", {
          serviceName: "post-worker",
          type: "worker",
          network: net,
          image: serviceImage,
        });
        new LocalProxy(scope, "proxy", {
          network: net,
          routes: [{ upstream: service.upstream, pathPatterns: ["/*"], priority: 1 }],
          image: proxyImage,
        });
      }),
    ) as { resource: { docker_container: Record<string, Resource> } };
    const [, container] = Object.entries(json.resource.docker_container).find(([key]) =>
      key.startsWith("proxy_"),
    )!;
    expect(routesEnv(container)).toEqual([expect.objectContaining({ upstreamHost: "sample-service" })]);
    expect(JSON.stringify(container.env)).not.toMatch(/docker_container|post-worker/);
    // The default name follows the network (a reference: the network exists first).
    expect(container.name).toMatch(/^\$\{docker_network\.network_[0-9A-F]{8}\.name\}-proxy$/);
  });

  it("depends on what `dependsOn` names", () => {
    let keys: string[] = [];
    const json = JSON.parse(
      Testing.synthScope((scope) => {
        const service = new LocalService(scope, "svc", { serviceName: "s", network, image: serviceImage });
        keys = service.containers.map((c) => `docker_container.${c.friendlyUniqueId}`);
        new LocalProxy(scope, "proxy", {
          network,
          routes: [{ upstream: service.upstream, pathPatterns: ["/*"], priority: 1 }],
          image: proxyImage,
          dependsOn: service.containers,
        });
      }),
    ) as { resource: { docker_container: Record<string, Resource> } };
    const [, container] = Object.entries(json.resource.docker_container).find(([key]) =>
      key.startsWith("proxy_"),
    )!;
    expect(container.depends_on).toEqual(keys);
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

  it("accepts one alias in several routes on the same port", () => {
    const { container } = synthProxy({
      routes: [
        { upstream: web, hosts: ["www.localhost"], priority: 2 },
        { upstream: web, pathPatterns: ["/web/*"], priority: 1 },
      ],
    });
    expect((routesEnv(container) as { priority: number }[]).map((r) => r.priority)).toEqual([1, 2]);
  });
});

describe("LocalProxy validation", () => {
  const route = (overrides: Partial<LocalProxyRoute>): LocalProxyRoute => ({
    upstream: web,
    pathPatterns: ["/*"],
    priority: 1,
    ...overrides,
  });
  const withRoutes = (...routes: LocalProxyRoute[]) => make({ routes });

  it("refuses an internal network", () => {
    expect(make({ network: { ...network, internal: true } })).toThrow(/^network must not be internal/);
  });
  it("refuses no routes", () => {
    expect(withRoutes()).toThrow(/^routes must hold at least one route/);
  });
  it("refuses a route with neither pathPatterns nor hosts", () => {
    expect(withRoutes(route({ pathPatterns: undefined }))).toThrow(
      /^routes\[0\] must set pathPatterns or hosts \(or both\)/,
    );
  });
  it("refuses an empty pattern list", () => {
    expect(withRoutes(route({ hosts: [] }))).toThrow(/^routes\[0\]\.hosts must not be empty when set/);
  });
  it("refuses a duplicate priority", () => {
    expect(withRoutes(route({}), route({ upstream: api, pathPatterns: ["/api/*"] }))).toThrow(
      /^routes\[1\]\.priority 1 is also routes\[0\]'s: priorities must be unique/,
    );
  });
  it.each([0, 50001, 1.5])("refuses priority %p", (priority) => {
    expect(withRoutes(route({ priority }))).toThrow(
      /^routes\[0\]\.priority must be an integer from 1 to 50000/,
    );
  });
  it("refuses one alias with two ports", () => {
    expect(
      withRoutes(route({}), route({ upstream: { ...web, port: 3000 }, pathPatterns: ["/x/*"], priority: 2 })),
    ).toThrow(
      /^routes\[1\]\.upstream\.port 3000 conflicts with routes\[0\]\.upstream\.port 8080 for alias "sample-service"/,
    );
  });
  it("refuses one alias with two readiness paths", () => {
    expect(
      withRoutes(
        route({}),
        route({ upstream: { ...web, healthCheckPath: "/ok" }, pathPatterns: ["/x/*"], priority: 2 }),
      ),
    ).toThrow(/^routes\[1\]\.upstream\.healthCheckPath \/ok conflicts with routes\[0\]/);
  });
  it("refuses two routes with the same conditions", () => {
    expect(withRoutes(route({}), route({ upstream: api, priority: 2 }))).toThrow(
      /^routes\[1\] has the same pathPatterns and hosts as routes\[0\]/,
    );
  });
  it.each(["api/*", "/a b", `/${"x".repeat(128)}`])("refuses the path pattern %p", (pattern) => {
    expect(withRoutes(route({ pathPatterns: ["/ok", pattern] }))).toThrow(
      /^routes\[0\]\.pathPatterns\[1\] must be an ALB path pattern: starting with "\/"/,
    );
  });
  it.each(["api.localhost:8080", "", "a/b"])("refuses the host pattern %p", (pattern) => {
    expect(withRoutes(route({ hosts: [pattern] }))).toThrow(
      /^routes\[0\]\.hosts\[0\] must be a host-header pattern/,
    );
  });
  it("refuses more than 5 condition values", () => {
    expect(withRoutes(route({ pathPatterns: ["/a", "/b", "/c"], hosts: ["a", "b", "c"] }))).toThrow(
      /^routes\[0\] has 6 pathPatterns and hosts: at most 5/,
    );
  });
  it("refuses an upstream alias that is not a DNS label", () => {
    expect(withRoutes(route({ upstream: { ...web, alias: "Sample_Service" } }))).toThrow(
      /^routes\[0\]\.upstream\.alias must be a DNS label/,
    );
  });
  it("refuses an upstream port out of range", () => {
    expect(withRoutes(route({ upstream: { ...web, port: 0 } }))).toThrow(
      /^routes\[0\]\.upstream\.port must be an integer from 1 to 65535/,
    );
  });
  it("refuses an upstream readiness path that is not absolute", () => {
    expect(withRoutes(route({ upstream: { ...web, healthCheckPath: "_ready" } }))).toThrow(
      /^routes\[0\]\.upstream\.healthCheckPath must be an absolute URL path/,
    );
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
