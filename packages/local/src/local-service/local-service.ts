import { createHash } from "node:crypto";
import { Container } from "@cdktf/provider-docker/lib/container";
import { Fn, TerraformLocal, Token } from "cdktf";
import { Construct } from "constructs";
import { digestReference, type LocalImageDigest } from "../image-reference";
import type { LocalNetworkRef } from "../local-network/local-network";
import type { LocalProxyUpstream } from "../local-proxy/local-proxy";
import {
  managedLabels,
  requireDnsLabel,
  requireEnvKeys,
  requireIntegerInRange,
  requireLabels,
  requireOneOf,
  requireToken,
} from "../validation";

export const RESTART_POLICIES = ["no", "on-failure", "always", "unless-stopped"] as const;
export type RestartPolicy = (typeof RESTART_POLICIES)[number];

/** `web`: listens on a port, checked on a readiness path, routed to by the proxy. `worker`: no port, nothing routes to it. */
export const LOCAL_SERVICE_TYPES = ["web", "worker"] as const;
export type LocalServiceType = (typeof LOCAL_SERVICE_TYPES)[number];

export interface LocalServiceProps {
  /**
   * Service name: the network alias every replica answers to (what the proxy resolves) and the
   * prefix of the container names. A DNS label of at most 30 characters.
   */
  readonly serviceName: string;
  /** Network the replicas join. */
  readonly network: LocalNetworkRef;
  /** The service image, pinned by digest: the same reference the AWS task definition runs. */
  readonly image: LocalImageDigest;
  /**
   * `"web"`: listens on `containerPort`, is checked on `healthCheckPath`, and a {@link LocalProxy}
   * route can send it requests (`upstream`). `"worker"`: listens on no port and nothing routes to
   * it; `containerPort` and `healthCheckPath` must not be set (`healthCheckCommand` may be).
   * @default "web"
   */
  readonly type?: LocalServiceType;
  /**
   * Number of containers; 2 or more keeps serving while a redeploy replaces them.
   * @default 2
   */
  readonly replicas?: number;
  /**
   * Port the service listens on inside the container; also passed to it as `PORT`. Web only.
   * @default 8080 (web); none (worker)
   */
  readonly containerPort?: number;
  /**
   * Plain environment variables (not `PORT`: set `containerPort`).
   * @default {}
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Secret environment variables, e.g. `LocalPostgres.connectionSecrets`. Each value must be a
   * Terraform token (sensitive variable or resource attribute), never a literal.
   * @default {}
   */
  readonly secrets?: Readonly<Record<string, string>>;
  /**
   * Command overriding the image's CMD.
   * @default the image's CMD
   */
  readonly command?: readonly string[];
  /**
   * Readiness path: the container health check (and so `apply`'s wait) and the proxy poll it. Web only.
   * @default "/_ready" (web); none (worker)
   */
  readonly healthCheckPath?: string;
  /**
   * Health check of a worker, in exec form (e.g. `["node", "dist/health.js"]`): exit 0 = healthy.
   * With it, `apply` waits for each new replica to be healthy before the old ones stop; without
   * it, a worker has no health check and `apply` waits only for it to run. Worker only.
   * @default none
   */
  readonly healthCheckCommand?: readonly string[];
  /**
   * Seconds between container health checks (also how soon after start the first check runs).
   * @default 2
   */
  readonly healthCheckIntervalSeconds?: number;
  /**
   * Seconds a replica gets after SIGTERM to drain before it is killed, on `docker stop` and on
   * destroy/replacement.
   * @default 30
   */
  readonly stopTimeoutSeconds?: number;
  /**
   * How long `apply` waits for each new replica to become healthy before failing (old replicas
   * keep running, see `create_before_destroy`).
   * @default 120
   */
  readonly waitTimeoutSeconds?: number;
  /**
   * Docker restart policy.
   * @default "unless-stopped"
   */
  readonly restartPolicy?: RestartPolicy;
  /**
   * Memory limit per replica, in MiB (no swap on top, as on Fargate).
   * @default 512
   */
  readonly memoryMiB?: number;
  /**
   * Read-only root filesystem (a writable tmpfs is mounted on /tmp), as on Fargate.
   * @default false
   */
  readonly readOnlyRootFilesystem?: boolean;
  /**
   * Extra labels on every replica.
   * @default {}
   */
  readonly labels?: Readonly<Record<string, string>>;
}

const HEALTH_PATH = /^\/[A-Za-z0-9._~/-]*$/;

/** A readiness path: absolute, and safe inside the node one-liner probe. */
export function requireHealthCheckPath(prop: string, value: string): string {
  if (!HEALTH_PATH.test(value)) {
    throw new Error(`${prop} must be an absolute URL path matching ${HEALTH_PATH}; got "${value}"`);
  }
  return value;
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/**
 * N replicas of the service container on the local network, all answering to one network alias:
 * the local twin of the ECS service. Docker's embedded DNS returns every replica's address for
 * the alias, so the proxy ({@link LocalProxy}) balances across them. No replica publishes a port
 * on the host. A worker (`type: "worker"`) is the same without a port or readiness path: nothing
 * routes to it.
 *
 * Zero-downtime replacement: container names carry the image digest and a hash of the whole
 * container configuration (secrets included, hashed by Terraform at plan time), so any change
 * yields new names and `create_before_destroy` starts the new replicas, waits until Docker reports
 * them healthy (`wait`; a worker without `healthCheckCommand`: running), and only then stops the old
 * ones with SIGTERM and `stopTimeoutSeconds` to drain.
 */
export class LocalService extends Construct {
  /** One docker_container per replica. */
  public readonly containers: Container[];
  /** Container names (tokens: the configuration hash part is computed at plan time). */
  public readonly containerNames: string[];
  /** Network alias shared by all replicas. */
  public readonly alias: string;
  /** `"web"` or `"worker"`. */
  public readonly type: LocalServiceType;
  /** Port the replicas listen on inside the network (undefined for a worker). */
  public readonly port: number | undefined;
  /** Readiness path the proxy should poll (undefined for a worker). */
  public readonly healthCheckPath: string | undefined;
  /** `http://<alias>:<port>`: the service address inside the network (undefined for a worker). */
  public readonly upstreamUrl: string | undefined;
  /** Image reference the replicas run (`repository@sha256:...`). */
  public readonly imageReference: string;
  /** Docker network name the replicas are on. */
  public readonly networkName: string;

  constructor(scope: Construct, id: string, props: LocalServiceProps) {
    super(scope, id);
    const serviceName = requireDnsLabel("serviceName", props.serviceName);
    if (serviceName.length > 30) {
      throw new Error(
        `serviceName must be at most 30 characters (container names add digest, hash and index); got "${serviceName}"`,
      );
    }
    const imageReference = digestReference("image", props.image);
    const type = requireOneOf("type", props.type ?? "web", LOCAL_SERVICE_TYPES);
    const replicas = requireIntegerInRange("replicas", props.replicas ?? 2, 1, 10);
    if (type === "worker") {
      for (const prop of ["containerPort", "healthCheckPath"] as const) {
        if (props[prop] !== undefined) {
          throw new Error(
            `${prop} must not be set for a worker (type "worker"): a worker listens on no port and nothing routes to it`,
          );
        }
      }
    } else if (props.healthCheckCommand !== undefined) {
      throw new Error(
        'healthCheckCommand is for workers (type "worker"): a web service is checked on healthCheckPath',
      );
    }
    const containerPort =
      type === "web"
        ? requireIntegerInRange("containerPort", props.containerPort ?? 8080, 1, 65535)
        : undefined;
    const environment = props.environment ?? {};
    const secrets = props.secrets ?? {};
    requireEnvKeys("environment", environment);
    requireEnvKeys("secrets", secrets);
    if ("PORT" in environment || "PORT" in secrets) {
      throw new Error(
        type === "web"
          ? "environment must not set PORT: it is derived from containerPort"
          : "environment must not set PORT: a worker listens on no port",
      );
    }
    for (const [key, value] of Object.entries(secrets)) {
      requireToken(`secrets.${key}`, value);
      if (key in environment) {
        throw new Error(`secrets.${key} is also set in environment: a variable comes from one of them only`);
      }
    }
    const healthCheckPath =
      type === "web"
        ? requireHealthCheckPath("healthCheckPath", props.healthCheckPath ?? "/_ready")
        : undefined;
    const healthCheckCommand = props.healthCheckCommand ? [...props.healthCheckCommand] : undefined;
    if (healthCheckCommand?.length === 0) {
      throw new Error("healthCheckCommand must not be empty: omit it for a worker without a health check");
    }
    const intervalSeconds = requireIntegerInRange(
      "healthCheckIntervalSeconds",
      props.healthCheckIntervalSeconds ?? 2,
      1,
      60,
    );
    const stopTimeoutSeconds = requireIntegerInRange(
      "stopTimeoutSeconds",
      props.stopTimeoutSeconds ?? 30,
      1,
      600,
    );
    const waitTimeoutSeconds = requireIntegerInRange(
      "waitTimeoutSeconds",
      props.waitTimeoutSeconds ?? 120,
      10,
      3600,
    );
    const restart = requireOneOf("restartPolicy", props.restartPolicy ?? "unless-stopped", RESTART_POLICIES);
    const memoryMiB = requireIntegerInRange("memoryMiB", props.memoryMiB ?? 512, 64, 16384);
    const readOnly = props.readOnlyRootFilesystem ?? false;
    const command = props.command ? [...props.command] : undefined;
    if (command?.length === 0) {
      throw new Error("command must not be empty: omit it to use the image's CMD");
    }
    const extraLabels = requireLabels("labels", props.labels ?? {});

    const portEnv = containerPort === undefined ? {} : { PORT: String(containerPort) };
    const env = Object.entries({ ...environment, ...secrets, ...portEnv })
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, value]) => `${key}=${value}`);

    // Node-only images have no curl or shell: the web probe is a node one-liner in exec form.
    const test =
      containerPort !== undefined
        ? [
            "CMD",
            "node",
            "-e",
            `fetch('http://127.0.0.1:${containerPort}${healthCheckPath}').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`,
          ]
        : healthCheckCommand && ["CMD", ...healthCheckCommand];
    const healthcheck = test && {
      test,
      interval: `${intervalSeconds}s`,
      timeout: "3s",
      retries: 3,
      startPeriod: "30s",
    };
    const labels = managedLabels("service", {
      ...extraLabels,
      "platform.service": serviceName,
      "platform.image-digest": props.image.digest,
    });

    // Everything that would replace a container goes into the hash, so a replacement never reuses
    // a running container's name (create_before_destroy would fail with a name conflict).
    const staticHash = sha256(
      JSON.stringify({
        imageReference,
        containerPort,
        command,
        healthcheck,
        restart,
        memoryMiB,
        readOnly,
        labels,
      }),
    );
    const hashInput = [staticHash, props.network.networkName, ...env];
    // Secret values are known to Terraform only: it hashes them at plan time (the hash is safe to
    // show as a name). The input goes through a local so the strings stay plain templates.
    const configHash = hashInput.some((part) => Token.isUnresolved(part))
      ? Fn.substr(
          Fn.nonsensitive(
            Fn.sha256(Fn.join("\n", new TerraformLocal(this, "replica-config", hashInput).asList)),
          ),
          0,
          8,
        )
      : sha256(hashInput.join("\n")).slice(0, 8);
    const digestShort = props.image.digest.slice("sha256:".length, "sha256:".length + 12);

    this.containers = [];
    for (let index = 1; index <= replicas; index++) {
      this.containers.push(
        new Container(this, `replica-${index}`, {
          name: `${serviceName}-${digestShort}-${configHash}-${index}`,
          image: imageReference,
          command,
          env,
          networksAdvanced: [{ name: props.network.networkName, aliases: [serviceName] }],
          healthcheck,
          // Waits for healthy: only meaningful with a health check (a worker may have none).
          wait: healthcheck !== undefined,
          waitTimeout: healthcheck !== undefined ? waitTimeoutSeconds : undefined,
          restart,
          memory: memoryMiB,
          // Equal to memory = no swap, as on Fargate; unset, Docker reads back 2x memory (a diff on every plan).
          memorySwap: memoryMiB,
          readOnly,
          tmpfs: readOnly ? { "/tmp": "rw,noexec,nosuid,size=64m" } : undefined,
          stopSignal: "SIGTERM",
          stopTimeout: stopTimeoutSeconds,
          // Without this the provider removes the container with force (SIGKILL) on destroy.
          destroyGraceSeconds: stopTimeoutSeconds,
          logOpts: { "max-size": "10m", "max-file": "3" },
          labels,
          lifecycle: { createBeforeDestroy: true },
        }),
      );
    }

    this.containerNames = this.containers.map((container) => container.name);
    this.type = type;
    this.alias = serviceName;
    this.port = containerPort;
    this.healthCheckPath = healthCheckPath;
    this.upstreamUrl = containerPort === undefined ? undefined : `http://${serviceName}:${containerPort}`;
    this.imageReference = imageReference;
    this.networkName = props.network.networkName;
  }

  /**
   * What a {@link LocalProxy} route forwards to: `{ alias, port, healthCheckPath }`. A worker has
   * none (nothing routes to it): asking for it throws.
   */
  public get upstream(): LocalProxyUpstream {
    if (this.port === undefined || this.healthCheckPath === undefined) {
      throw new Error(
        `upstream: ${this.alias} is a worker (type "worker"): it listens on no port and no proxy route can send it requests`,
      );
    }
    return { alias: this.alias, port: this.port, healthCheckPath: this.healthCheckPath };
  }
}
