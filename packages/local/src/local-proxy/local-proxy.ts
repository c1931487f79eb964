import { Container } from "@cdktf/provider-docker/lib/container";
import { type ITerraformDependable, Token } from "cdktf";
import { Construct } from "constructs";
import { digestReference, type LocalImageDigest } from "../image-reference";
import type { LocalNetworkRef } from "../local-network/local-network";
import { requireHealthCheckPath } from "../local-service/local-service";
import {
  managedLabels,
  requireDnsLabel,
  requireDockerName,
  requireIntegerInRange,
  requireLabels,
} from "../validation";

/** What a route forwards to: one service's replicas, e.g. a web {@link LocalService}'s `upstream`. */
export interface LocalProxyUpstream {
  /** Network alias resolving to every replica (Docker's embedded DNS). */
  readonly alias: string;
  /** Port the replicas listen on. */
  readonly port: number;
  /** Readiness path: 2xx = send traffic, 503 = draining, send none. */
  readonly healthCheckPath: string;
}

/**
 * One routing rule, as an ALB listener rule: the request must match one of `pathPatterns` (when
 * set) and one of `hosts` (when set); among the routes that match, the lowest `priority` wins.
 */
export interface LocalProxyRoute {
  /** Where matching requests go. */
  readonly upstream: LocalProxyUpstream;
  /**
   * ALB path patterns: case-sensitive, matched against the path without the query string, `*` =
   * any run of characters, `?` = one character; each starts with "/". At least one of
   * `pathPatterns` and `hosts` is required.
   * @default no path condition
   */
  readonly pathPatterns?: readonly string[];
  /**
   * Host-header patterns: case-insensitive, the port ignored, `*` and `?` as in paths.
   * @default no host condition
   */
  readonly hosts?: readonly string[];
  /** Integer from 1 to 50000, unique among the routes; lower wins (ALB listener-rule priority). */
  readonly priority: number;
}

export interface LocalProxyProps {
  /** Network shared with the upstream replicas; must not be internal (Docker publishes no ports from one). */
  readonly network: LocalNetworkRef;
  /**
   * The routing rules, in any order (the proxy evaluates them by priority). A request no route
   * matches gets 404 from the proxy itself, like the ALB's default fixed response.
   */
  readonly routes: readonly LocalProxyRoute[];
  /**
   * The proxy image (built from `packages/local/proxy/Dockerfile` by the deploy chain), pinned by digest.
   */
  readonly image: LocalImageDigest;
  /**
   * Port published on 127.0.0.1: the environment's URL is `http://127.0.0.1:<hostPort>`.
   * @default 8080
   */
  readonly hostPort?: number;
  /**
   * Container name.
   * @default "<network name>-proxy"
   */
  readonly name?: string;
  /**
   * How often the proxy re-resolves each upstream alias, in milliseconds.
   * @default 500
   */
  readonly resolveIntervalMs?: number;
  /**
   * How often the proxy polls each upstream replica's readiness path, in milliseconds.
   * @default 500
   */
  readonly healthIntervalMs?: number;
  /**
   * How long `apply` waits for the proxy to be healthy (it is once it listens, whether or not any
   * upstream runs yet).
   * @default 120
   */
  readonly waitTimeoutSeconds?: number;
  /**
   * Seconds the proxy gets after SIGTERM to finish in-flight requests.
   * @default 10
   */
  readonly stopTimeoutSeconds?: number;
  /**
   * Resources the proxy is created after. The proxy needs none: it is healthy with no upstream
   * running and picks the replicas up when they appear.
   * @default []
   */
  readonly dependsOn?: readonly ITerraformDependable[];
  /**
   * Extra labels on the container.
   * @default {}
   */
  readonly labels?: Readonly<Record<string, string>>;
}

/** Port the proxy listens on inside its container (`LISTEN_PORT`). */
const PROXY_PORT = 8080;
/** Path the proxy answers itself: 200 once it listens (its container health check). */
export const PROXY_HEALTH_PATH = "/_proxy/health";
/** Path the proxy answers itself: JSON with every route, its upstream and how many replicas are ready. */
export const PROXY_ROUTES_PATH = "/_proxy/routes";
/** ALB listener-rule priorities. */
const MAX_PRIORITY = 50000;
/** ALB: at most 5 condition values per rule, each at most 128 characters. */
const MAX_CONDITION_VALUES = 5;
const PATH_PATTERN = /^\/[A-Za-z0-9_.$/~"'@:+&*?-]{0,127}$/;
const HOST_PATTERN = /^[A-Za-z0-9.*?-]{1,128}$/;

/** One entry of the proxy's `ROUTES` variable (see `proxy/proxy.js`). */
interface ProxyRouteEntry {
  readonly name: string;
  readonly priority: number;
  readonly pathPatterns?: readonly string[];
  readonly hosts?: readonly string[];
  readonly upstreamHost: string;
  readonly upstreamPort: number;
  readonly healthPath: string;
}

function requirePatterns(
  prop: string,
  values: readonly string[] | undefined,
  pattern: RegExp,
  what: string,
): readonly string[] | undefined {
  if (values === undefined) return undefined;
  if (values.length === 0) throw new Error(`${prop} must not be empty when set: omit it for no condition`);
  values.forEach((value, index) => {
    if (!pattern.test(value)) throw new Error(`${prop}[${index}] must be ${what}; got "${value}"`);
  });
  return values;
}

/** Checks every route and returns them ordered by priority (what the proxy evaluates first). */
function requireRoutes(routes: readonly LocalProxyRoute[]): readonly LocalProxyRoute[] {
  if (routes.length === 0) {
    throw new Error("routes must hold at least one route: a proxy without one answers every request 404");
  }
  routes.forEach((route, index) => {
    const at = `routes[${index}]`;
    requireIntegerInRange(`${at}.priority`, route.priority, 1, MAX_PRIORITY);
    const paths = requirePatterns(
      `${at}.pathPatterns`,
      route.pathPatterns,
      PATH_PATTERN,
      `an ALB path pattern: starting with "/", at most 128 characters of A-Z a-z 0-9 _ - . $ / ~ " ' @ : + & * ?`,
    );
    const hosts = requirePatterns(
      `${at}.hosts`,
      route.hosts,
      HOST_PATTERN,
      "a host-header pattern without port: at most 128 characters of A-Z a-z 0-9 - . * ?",
    );
    if (!paths && !hosts) {
      throw new Error(
        `${at} must set pathPatterns or hosts (or both): a route matches on at least one condition`,
      );
    }
    const values = (paths?.length ?? 0) + (hosts?.length ?? 0);
    if (values > MAX_CONDITION_VALUES) {
      throw new Error(
        `${at} has ${values} pathPatterns and hosts: at most ${MAX_CONDITION_VALUES} condition values per route, as per ALB rule`,
      );
    }
    requireDnsLabel(`${at}.upstream.alias`, route.upstream.alias);
    requireIntegerInRange(`${at}.upstream.port`, route.upstream.port, 1, 65535);
    requireHealthCheckPath(`${at}.upstream.healthCheckPath`, route.upstream.healthCheckPath);
    for (let before = 0; before < index; before++) {
      const other = routes[before];
      const was = `routes[${before}]`;
      if (other.priority === route.priority) {
        throw new Error(
          `${at}.priority ${route.priority} is also ${was}'s: priorities must be unique (lower wins, as on ALB listener rules)`,
        );
      }
      if (other.upstream.alias === route.upstream.alias) {
        for (const field of ["port", "healthCheckPath"] as const) {
          if (other.upstream[field] !== route.upstream[field]) {
            throw new Error(
              `${at}.upstream.${field} ${route.upstream[field]} conflicts with ${was}.upstream.${field} ${other.upstream[field]} for alias "${route.upstream.alias}": one alias is one service`,
            );
          }
        }
      }
      const same = (a?: readonly string[], b?: readonly string[]) =>
        [...(a ?? [])].sort().join("\n") === [...(b ?? [])].sort().join("\n");
      if (same(other.pathPatterns, route.pathPatterns) && same(other.hosts, route.hosts)) {
        throw new Error(
          `${at} has the same pathPatterns and hosts as ${was}: the one with the higher priority number would never match`,
        );
      }
    }
  });
  return [...routes].sort((a, b) => a.priority - b.priority);
}

/**
 * The environment's entry point, the local twin of the ALB and its listener rules:
 * `packages/local/proxy/proxy.js` in a container, published on 127.0.0.1 only. Each request goes
 * to the first route (by priority) whose path and host patterns match, else gets 404. Per
 * upstream it re-resolves the alias every `resolveIntervalMs`, polls each replica's readiness
 * path, sends new requests only to the ready replicas of the newest build (named by the readiness
 * answer's `x-service-revision` header), balances round-robin over those and retries idempotent
 * requests on another replica, so a rolling replacement of a service is invisible to clients and a
 * clean cut from old build to new.
 *
 * It is healthy as soon as it listens, so it can be applied before (and in another stack than) the
 * services it routes to. Not `create_before_destroy`: two containers cannot publish the same host
 * port. Its configuration names aliases, never replicas, so a service redeploy leaves it running;
 * a change of routes replaces it (a short outage).
 */
export class LocalProxy extends Construct {
  /** The docker_container resource. */
  public readonly container: Container;
  /** Container name. */
  public readonly containerName: string;
  /** Published port on 127.0.0.1. */
  public readonly hostPort: number;
  /** `http://127.0.0.1:<hostPort>`: what the deploy prints. */
  public readonly url: string;
  /** The routes, ordered by priority (the order the proxy evaluates them in). */
  public readonly routes: readonly LocalProxyRoute[];

  constructor(scope: Construct, id: string, props: LocalProxyProps) {
    super(scope, id);
    if (props.network.internal) {
      throw new Error(
        "network must not be internal: Docker publishes no ports from an internal network, and the proxy is the published entry point",
      );
    }
    const routes = requireRoutes(props.routes);
    const image = digestReference("image", props.image);
    const hostPort = requireIntegerInRange("hostPort", props.hostPort ?? 8080, 1024, 65535);
    const name = props.name ?? `${props.network.networkName}-proxy`;
    // The default follows the network's name, which may be a token (it is validated as a network name).
    if (!Token.isUnresolved(name)) requireDockerName("name", name);
    const resolveIntervalMs = requireIntegerInRange(
      "resolveIntervalMs",
      props.resolveIntervalMs ?? 500,
      100,
      10000,
    );
    const healthIntervalMs = requireIntegerInRange(
      "healthIntervalMs",
      props.healthIntervalMs ?? 500,
      100,
      10000,
    );
    const waitTimeoutSeconds = requireIntegerInRange(
      "waitTimeoutSeconds",
      props.waitTimeoutSeconds ?? 120,
      10,
      3600,
    );
    const stopTimeoutSeconds = requireIntegerInRange(
      "stopTimeoutSeconds",
      props.stopTimeoutSeconds ?? 10,
      1,
      600,
    );
    const labels = requireLabels("labels", props.labels ?? {});

    const entries: ProxyRouteEntry[] = routes.map((route) => ({
      name: route.upstream.alias,
      priority: route.priority,
      ...(route.pathPatterns ? { pathPatterns: [...route.pathPatterns] } : {}),
      ...(route.hosts ? { hosts: [...route.hosts] } : {}),
      upstreamHost: route.upstream.alias,
      upstreamPort: route.upstream.port,
      healthPath: route.upstream.healthCheckPath,
    }));
    const probe = `fetch('http://127.0.0.1:${PROXY_PORT}${PROXY_HEALTH_PATH}').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`;
    this.container = new Container(this, "container", {
      name,
      image,
      env: [
        `ROUTES=${JSON.stringify(entries)}`,
        `LISTEN_PORT=${PROXY_PORT}`,
        `RESOLVE_INTERVAL_MS=${resolveIntervalMs}`,
        `HEALTH_INTERVAL_MS=${healthIntervalMs}`,
      ],
      networksAdvanced: [{ name: props.network.networkName }],
      // Loopback only: the environment is reachable from this machine, not from the network.
      ports: [{ internal: PROXY_PORT, external: hostPort, ip: "127.0.0.1", protocol: "tcp" }],
      healthcheck: {
        test: ["CMD", "node", "-e", probe],
        interval: "2s",
        timeout: "3s",
        retries: 3,
        startPeriod: "30s",
      },
      wait: true,
      waitTimeout: waitTimeoutSeconds,
      restart: "unless-stopped",
      stopSignal: "SIGTERM",
      stopTimeout: stopTimeoutSeconds,
      destroyGraceSeconds: stopTimeoutSeconds,
      logOpts: { "max-size": "10m", "max-file": "3" },
      labels: managedLabels("proxy", labels),
      dependsOn: props.dependsOn?.length ? [...props.dependsOn] : undefined,
    });
    this.containerName = this.container.name;
    this.hostPort = hostPort;
    this.url = `http://127.0.0.1:${hostPort}`;
    this.routes = routes;
  }
}
