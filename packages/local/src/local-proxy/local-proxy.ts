import { Container } from "@cdktf/provider-docker/lib/container";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { digestReference, type LocalImageDigest } from "../image-reference";
import type { LocalNetworkRef } from "../local-network/local-network";
import { managedLabels, requireDockerName, requireIntegerInRange, requireLabels } from "../validation";

/** What the proxy forwards to: a {@link LocalService} or any object with these fields. */
export interface LocalProxyUpstream {
  /** Network alias resolving to every replica (Docker's embedded DNS). */
  readonly alias: string;
  /** Port the replicas listen on. */
  readonly port: number;
  /** Readiness path: 200 = send traffic, 503 = draining, send none. */
  readonly healthCheckPath: string;
  /** Resources the proxy is created after (the replicas), so a cold `apply` finds them. */
  readonly containers: readonly ITerraformDependable[];
}

export interface LocalProxyProps {
  /** Network shared with the upstream replicas; must not be internal (Docker publishes no ports from one). */
  readonly network: LocalNetworkRef;
  /** Replicas to forward to. */
  readonly upstream: LocalProxyUpstream;
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
   * @default "<upstream alias>-proxy"
   */
  readonly name?: string;
  /**
   * How often the proxy re-resolves the upstream alias, in milliseconds.
   * @default 500
   */
  readonly resolveIntervalMs?: number;
  /**
   * How often the proxy polls each upstream's readiness path, in milliseconds.
   * @default 500
   */
  readonly healthIntervalMs?: number;
  /**
   * How long `apply` waits for the proxy to be healthy (it is once an upstream is ready).
   * @default 120
   */
  readonly waitTimeoutSeconds?: number;
  /**
   * Seconds the proxy gets after SIGTERM to finish in-flight requests.
   * @default 10
   */
  readonly stopTimeoutSeconds?: number;
  /**
   * Extra labels on the container.
   * @default {}
   */
  readonly labels?: Readonly<Record<string, string>>;
}

/** Port the proxy listens on inside its container (`LISTEN_PORT`). */
const PROXY_PORT = 8080;
/** Path the proxy answers itself: 200 when at least one upstream is ready. */
export const PROXY_HEALTH_PATH = "/_proxy/health";

/**
 * The environment's entry point, the local twin of the ALB: `packages/local/proxy/proxy.js` in a
 * container, published on 127.0.0.1 only. It re-resolves the service alias every
 * `resolveIntervalMs`, polls each replica's readiness path, sends new requests only to the ready
 * replicas of the newest build (named by the readiness answer's `x-service-revision` header),
 * balances round-robin over those and retries idempotent requests on another replica, so a rolling
 * replacement of the replicas is invisible to clients and a clean cut from old build to new.
 *
 * Not `create_before_destroy`: two containers cannot publish the same host port. The proxy's
 * configuration does not depend on the replicas' names, so a service redeploy leaves it running.
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

  constructor(scope: Construct, id: string, props: LocalProxyProps) {
    super(scope, id);
    if (props.network.internal) {
      throw new Error(
        "network must not be internal: Docker publishes no ports from an internal network, and the proxy is the published entry point",
      );
    }
    const image = digestReference("image", props.image);
    const hostPort = requireIntegerInRange("hostPort", props.hostPort ?? 8080, 1024, 65535);
    const name = requireDockerName("name", props.name ?? `${props.upstream.alias}-proxy`);
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

    const probe = `fetch('http://127.0.0.1:${PROXY_PORT}${PROXY_HEALTH_PATH}').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`;
    this.container = new Container(this, "container", {
      name,
      image,
      env: [
        `UPSTREAM_HOST=${props.upstream.alias}`,
        `UPSTREAM_PORT=${props.upstream.port}`,
        `HEALTH_PATH=${props.upstream.healthCheckPath}`,
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
      dependsOn: [...props.upstream.containers],
    });
    this.containerName = this.container.name;
    this.hostPort = hostPort;
    this.url = `http://127.0.0.1:${hostPort}`;
  }
}
