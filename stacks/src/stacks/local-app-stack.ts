import * as path from "node:path";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import {
  DEFAULT_HEALTH_CHECK_PATH,
  DEFAULT_SERVICE_PORT,
  type LocalEnvironmentConfig,
  type ServiceDefinition,
} from "@platform/env-config";
import {
  LocalNetwork,
  LocalPostgres,
  LocalProxy,
  LocalService,
  type LocalVolumeRef,
  localSecretVariable,
  pinDockerProviderVersion,
} from "@platform/local";
import { LocalBackend, TerraformOutput, type TerraformResource, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import type { ImageInput } from "../image-input";
import { LOCAL_DB_PASSWORD_VARIABLE, localEnvironmentDir } from "./local-data-stack";

export interface LocalAppStackProps {
  readonly config: LocalEnvironmentConfig;
  readonly localStateDir: string;
  /**
   * kreuzwerker/docker version the toolchain's mirror holds (`PLATFORM_DOCKER_PROVIDER_VERSION`).
   * @default the version @cdktf/provider-docker binds (3.6.2)
   */
  readonly dockerProviderVersion?: string;
  /** The data volume (from {@link LocalDataStack}; only its name crosses the stack boundary). */
  readonly volume: LocalVolumeRef;
  /** The web service this environment runs (its `service.json`). */
  readonly service: ServiceDefinition;
  /** Service image, repository defaulting to `<registry>/<service name>`. */
  readonly serviceImage: ImageInput;
  /** Proxy image, repository defaulting to `<registry>/platform-local-proxy`. */
  readonly proxyImage: ImageInput;
  /** Loopback registry, `PLATFORM_REGISTRY` from the toolchain. */
  readonly registry: string;
  /** PostgreSQL image (the toolchain's `POSTGRES_BASE_IMAGE`). */
  readonly postgresImage: string;
}

/**
 * `<env>`: the Docker twins of the AWS layers: a network (VPC), PostgreSQL on the data volume (RDS),
 * service replicas (ECS service) and the loopback proxy (ALB) at `http://127.0.0.1:<hostPort>`.
 */
export class LocalAppStack extends TerraformStack {
  public readonly url: string;
  /** What the migration needs before the first apply: the network and PostgreSQL (`apply --foundation`). */
  public readonly foundationResources: readonly TerraformResource[];

  constructor(scope: Construct, id: string, props: LocalAppStackProps) {
    super(scope, id);
    const { config, service: definition } = props;
    if (!definition.route) throw new Error(`${definition.root}/service.json: a web service needs a route`);
    new DockerProvider(this, "docker", {});
    if (props.dockerProviderVersion) pinDockerProviderVersion(this, props.dockerProviderVersion);
    new LocalBackend(this, {
      path: path.join(localEnvironmentDir(props.localStateDir, config.name), `${id}.tfstate`),
    });

    const network = new LocalNetwork(this, "network", {
      name: `${config.name}-platform`,
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
      name: `${config.name}-postgres`,
      labels: config.tags,
    });
    const service = new LocalService(this, "service", {
      serviceName: definition.name,
      network,
      image: {
        repository: props.serviceImage.repository ?? `${props.registry}/${definition.name}`,
        digest: props.serviceImage.digest,
      },
      replicas:
        definition.environments[config.name]?.desiredCount ?? definition.size.desiredCount ?? config.replicas,
      containerPort: definition.port ?? DEFAULT_SERVICE_PORT,
      healthCheckPath: definition.healthCheckPath ?? DEFAULT_HEALTH_CHECK_PATH,
      // The service keeps serving (with /_ready at 503) this long after SIGTERM: the proxy polls readiness
      // every 500 ms, so it stops sending before the listener closes (else a request can hit a replica
      // that has just exited).
      environment: {
        ...definition.environment,
        ...postgres.connectionEnvironment,
        SHUTDOWN_DRAIN_DELAY_MS: "2000",
      },
      secrets: postgres.connectionSecrets,
      labels: config.tags,
    });
    const proxy = new LocalProxy(this, "proxy", {
      network,
      routes: [
        {
          upstream: service.upstream,
          pathPatterns: definition.route.pathPatterns,
          hosts: definition.route.hosts,
          priority: definition.route.priority,
        },
      ],
      image: {
        repository: props.proxyImage.repository ?? `${props.registry}/platform-local-proxy`,
        digest: props.proxyImage.digest,
      },
      hostPort: config.hostPort,
      labels: config.tags,
    });
    this.url = proxy.url;
    this.foundationResources = [network.network, postgres.container];

    new TerraformOutput(this, "service_url", { value: proxy.url });
    new TerraformOutput(this, "network_name", { value: network.networkName });
    new TerraformOutput(this, "image", { value: service.imageReference });
    new TerraformOutput(this, "container_names", { value: service.containerNames });
    new TerraformOutput(this, "migration_environment", { value: postgres.connectionEnvironment });
  }
}
