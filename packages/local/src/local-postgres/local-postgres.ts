import { Container } from "@cdktf/provider-docker/lib/container";
import { Construct } from "constructs";
import { pinnedReference } from "../image-reference";
import type { LocalNetworkRef } from "../local-network/local-network";
import type { LocalVolumeRef } from "../local-volume/local-volume";
import {
  managedLabels,
  requireDnsLabel,
  requireDockerName,
  requireIntegerInRange,
  requireLabels,
  requireToken,
} from "../validation";

/** PostgreSQL identifiers we accept for the database and user names (no quoting needed anywhere). */
const PG_IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

export interface LocalPostgresProps {
  /** Network the container joins; clients reach it there as {@link LocalPostgres.host}. */
  readonly network: LocalNetworkRef;
  /**
   * Named volume mounted at `dataDirectory`. Keep it in its own stack ({@link LocalVolume}) so that
   * destroying this container never deletes the data.
   */
  readonly volume: LocalVolumeRef;
  /**
   * Superuser password, as a Terraform token (e.g. {@link localSecretVariable}); a literal string is
   * refused. PostgreSQL applies it only when it initializes an empty volume: keep it stable.
   */
  readonly password: string;
  /**
   * Image with an explicit tag or digest (not `latest`). Offline, the toolchain's
   * `POSTGRES_BASE_IMAGE` stand-in honours the same `POSTGRES_*` variables and data directory;
   * the image must have `pg_isready` on its PATH (the health check runs it without a shell).
   * @default "postgres:16-bookworm"
   */
  readonly image?: string;
  /**
   * Container name, and the network alias clients connect to (`PGHOST`).
   * @default "postgres"
   */
  readonly name?: string;
  /**
   * Database created on first start (`POSTGRES_DB`, `PGDATABASE`).
   * @default "app"
   */
  readonly databaseName?: string;
  /**
   * Superuser created on first start (`POSTGRES_USER`, `PGUSER`).
   * @default "app"
   */
  readonly username?: string;
  /**
   * Where the image keeps its data; the volume is mounted here.
   * @default "/var/lib/postgresql/data"
   */
  readonly dataDirectory?: string;
  /**
   * How long `apply` waits for `pg_isready` to report healthy (first start initializes the cluster).
   * @default 180
   */
  readonly waitTimeoutSeconds?: number;
  /**
   * Seconds between health checks (also how soon after start the first check runs).
   * @default 2
   */
  readonly healthCheckIntervalSeconds?: number;
  /**
   * Grace period for a clean shutdown (SIGINT = PostgreSQL's fast shutdown) before Docker kills it,
   * on `docker stop` and on destroy.
   * @default 60
   */
  readonly stopTimeoutSeconds?: number;
  /**
   * Extra labels on the container.
   * @default {}
   */
  readonly labels?: Readonly<Record<string, string>>;
}

const PG_PORT = 5432;

/**
 * The libpq environment (PGHOST, PGPORT, PGUSER, PGDATABASE, PGSSLMODE) of a LocalPostgres reached as
 * `host` on its network, for clients defined elsewhere (e.g. another stack, by the container's name).
 */
export function postgresConnectionEnvironment(
  host: string,
  options: { readonly databaseName?: string; readonly username?: string } = {},
): Readonly<Record<string, string>> {
  return {
    PGHOST: host,
    PGPORT: String(PG_PORT),
    PGUSER: options.username ?? "app",
    PGDATABASE: options.databaseName ?? "app",
    // The local server has no TLS certificate (RDS does; the AWS stacks set their own mode).
    PGSSLMODE: "disable",
  };
}

/**
 * PostgreSQL in a container on the local network, data on a named volume, healthy when
 * `pg_isready` says so: the local twin of the RDS database. Not published on the host: only the
 * entry point is. No `create_before_destroy` here on purpose: two servers on one data directory
 * would corrupt it, so a replacement stops the old container first.
 */
export class LocalPostgres extends Construct {
  /** The docker_container resource. */
  public readonly container: Container;
  /** Host name on the network (the container name and alias). */
  public readonly host: string;
  /** Port on the network. */
  public readonly port: number;
  public readonly databaseName: string;
  public readonly username: string;
  /** Docker network name the server is on (the migration container joins it too). */
  public readonly networkName: string;
  /** Non-secret connection settings for clients: `PGHOST`, `PGPORT`, `PGUSER`, `PGDATABASE`, `PGSSLMODE`. */
  public readonly connectionEnvironment: Readonly<Record<string, string>>;
  /** Secret connection settings: `PGPASSWORD` (the password token). Pass as `secrets` to {@link LocalService}. */
  public readonly connectionSecrets: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: LocalPostgresProps) {
    super(scope, id);
    requireToken("password", props.password);
    const image = pinnedReference("image", props.image ?? "postgres:16-bookworm");
    const name = requireDnsLabel("name", requireDockerName("name", props.name ?? "postgres"));
    const databaseName = props.databaseName ?? "app";
    if (!PG_IDENTIFIER.test(databaseName)) {
      throw new Error(`databaseName must match ${PG_IDENTIFIER}; got "${databaseName}"`);
    }
    const username = props.username ?? "app";
    if (!PG_IDENTIFIER.test(username)) {
      throw new Error(`username must match ${PG_IDENTIFIER}; got "${username}"`);
    }
    const dataDirectory = props.dataDirectory ?? "/var/lib/postgresql/data";
    if (!/^\/[^\s:]*$/.test(dataDirectory) || dataDirectory === "/") {
      throw new Error(
        `dataDirectory must be an absolute path other than "/" without spaces or ":"; got "${dataDirectory}"`,
      );
    }
    const waitTimeoutSeconds = requireIntegerInRange(
      "waitTimeoutSeconds",
      props.waitTimeoutSeconds ?? 180,
      10,
      3600,
    );
    const intervalSeconds = requireIntegerInRange(
      "healthCheckIntervalSeconds",
      props.healthCheckIntervalSeconds ?? 2,
      1,
      60,
    );
    const stopTimeoutSeconds = requireIntegerInRange(
      "stopTimeoutSeconds",
      props.stopTimeoutSeconds ?? 60,
      1,
      600,
    );
    const labels = requireLabels("labels", props.labels ?? {});

    this.container = new Container(this, "container", {
      name,
      image,
      env: [
        `POSTGRES_USER=${username}`,
        `POSTGRES_PASSWORD=${props.password}`,
        `POSTGRES_DB=${databaseName}`,
        `PGDATA=${dataDirectory}`,
      ],
      networksAdvanced: [{ name: props.network.networkName, aliases: [name] }],
      mounts: [{ type: "volume", source: props.volume.volumeName, target: dataDirectory }],
      healthcheck: {
        // Exec form: no shell needed. -h forces TCP, so "healthy" means it accepts network clients.
        test: [
          "CMD",
          "pg_isready",
          "-h",
          "127.0.0.1",
          "-p",
          String(PG_PORT),
          "-U",
          username,
          "-d",
          databaseName,
        ],
        interval: `${intervalSeconds}s`,
        timeout: "5s",
        retries: 5,
        startPeriod: "10s",
      },
      wait: true,
      waitTimeout: waitTimeoutSeconds,
      restart: "unless-stopped",
      stopSignal: "SIGINT",
      stopTimeout: stopTimeoutSeconds,
      // Without this the provider removes the container with force (SIGKILL) on destroy.
      destroyGraceSeconds: stopTimeoutSeconds,
      logOpts: { "max-size": "10m", "max-file": "3" },
      labels: managedLabels("postgres", labels),
    });

    // A token, not the literal name: clients that use it are created after the database is healthy.
    this.host = this.container.name;
    this.port = PG_PORT;
    this.databaseName = databaseName;
    this.username = username;
    this.networkName = props.network.networkName;
    this.connectionEnvironment = postgresConnectionEnvironment(this.host, { databaseName, username });
    this.connectionSecrets = { PGPASSWORD: props.password };
  }
}
