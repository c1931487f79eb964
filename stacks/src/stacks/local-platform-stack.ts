import * as path from "node:path";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import type { LocalEnvironmentConfig, ServiceDefinition } from "@platform/env-config";
import {
  LocalNetwork,
  LocalPostgres,
  LocalProxy,
  type LocalVolumeRef,
  localSecretVariable,
  pinDockerProviderVersion,
} from "@platform/local";
import { LocalBackend, TerraformOutput, type TerraformResource, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import type { ImageInput } from "../image-input";
import { LOCAL_DB_PASSWORD_VARIABLE, localEnvironmentDir } from "./local-data-stack";
import { localNetworkName, localPostgresName, localUpstream } from "./local-names";

export interface LocalPlatformStackProps {
  readonly config: LocalEnvironmentConfig;
  readonly localStateDir: string;
  /**
   * kreuzwerker/docker version the toolchain's mirror holds (`PLATFORM_DOCKER_PROVIDER_VERSION`).
   * @default the version @cdktf/provider-docker binds (3.6.2)
   */
  readonly dockerProviderVersion?: string;
  /** The data volume (from {@link LocalDataStack}; only its name crosses the stack boundary). */
  readonly volume: LocalVolumeRef;
  /** Every service of the environment: the proxy gets a route to each web service. */
  readonly services: readonly ServiceDefinition[];
  /** Proxy image, repository defaulting to `<registry>/platform-local-proxy`. */
  readonly proxyImage: ImageInput;
  /** Loopback registry, `PLATFORM_REGISTRY` from the toolchain. */
  readonly registry: string;
  /** PostgreSQL image (the toolchain's `POSTGRES_BASE_IMAGE`). */
  readonly postgresImage: string;
}

/**
 * `<env>`: the Docker twins of the shared AWS layers: a network (VPC), PostgreSQL on the data volume
 * (RDS) and the loopback proxy (the shared ALB) at `http://127.0.0.1:<hostPort>` with one route per web
 * service. The services run in their own stacks (`<env>-<service>`); the proxy finds their replicas by
 * network alias, so a service's deploy never touches this stack.
 */
export class LocalPlatformStack extends TerraformStack {
  /** `http://127.0.0.1:<hostPort>`; empty when no service is web (no proxy). */
  public readonly url: string;
  /** What a migration needs: the network and PostgreSQL (`apply --foundation` applies the whole stack). */
  public readonly foundationResources: readonly TerraformResource[];

  constructor(scope: Construct, id: string, props: LocalPlatformStackProps) {
    super(scope, id);
    const { config } = props;
    new DockerProvider(this, "docker", {});
    if (props.dockerProviderVersion) pinDockerProviderVersion(this, props.dockerProviderVersion);
    new LocalBackend(this, {
      path: path.join(localEnvironmentDir(props.localStateDir, config.name), `${id}.tfstate`),
    });

    const network = new LocalNetwork(this, "network", {
      name: localNetworkName(config.name),
      labels: config.tags,
    });
    const password = localSecretVariable(this, LOCAL_DB_PASSWORD_VARIABLE, {
      description:
        "Local PostgreSQL password; the stacks CLI and the deploy chain pass it as TF_VAR_postgres_password.",
    });
    const postgres = new LocalPostgres(this, "postgres", {
      network,
      volume: props.volume,
      password: password.stringValue,
      image: props.postgresImage,
      name: localPostgresName(config.name),
      labels: config.tags,
    });
    const routes = props.services.flatMap((definition) =>
      definition.type === "web" && definition.route
        ? [
            {
              upstream: localUpstream(definition),
              pathPatterns: definition.route.pathPatterns,
              hosts: definition.route.hosts,
              priority: definition.route.priority,
            },
          ]
        : [],
    );
    // Without web services nothing takes requests: no proxy, like no load balancer on AWS.
    const proxy =
      routes.length === 0
        ? undefined
        : new LocalProxy(this, "proxy", {
            network,
            routes,
            image: {
              repository: props.proxyImage.repository ?? `${props.registry}/platform-local-proxy`,
              digest: props.proxyImage.digest,
            },
            hostPort: config.hostPort,
            labels: config.tags,
          });
    this.url = proxy?.url ?? "";
    this.foundationResources = [network.network, postgres.container];

    new TerraformOutput(this, "proxy_url", { value: this.url });
    new TerraformOutput(this, "network_name", { value: network.networkName });
    new TerraformOutput(this, "migration_environment", { value: postgres.connectionEnvironment });
  }
}
