import * as path from "node:path";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import type { LocalEnvironmentConfig, ServiceDefinition } from "@platform/env-config";
import {
  LocalService,
  localSecretVariable,
  pinDockerProviderVersion,
  postgresConnectionEnvironment,
} from "@platform/local";
import { serviceDatabaseRoles } from "@platform/toolchain";
import { Fn, LocalBackend, TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import type { ImageInput } from "../image-input";
import { LOCAL_DB_PASSWORD_VARIABLE, localEnvironmentDir } from "./local-data-stack";
import { localNetworkName, localPostgresName, localServiceUrl, localUpstream } from "./local-names";

export interface LocalServiceStackProps {
  readonly config: LocalEnvironmentConfig;
  readonly localStateDir: string;
  /**
   * kreuzwerker/docker version the toolchain's mirror holds (`PLATFORM_DOCKER_PROVIDER_VERSION`).
   * @default the version @cdktf/provider-docker binds (3.6.2)
   */
  readonly dockerProviderVersion?: string;
  /** The service (its `service.json`). */
  readonly service: ServiceDefinition;
  /** Its image, repository defaulting to `<registry>/<service name>`. */
  readonly image: ImageInput;
  /** Loopback registry, `PLATFORM_REGISTRY` from the toolchain. */
  readonly registry: string;
  /** The platform stack's proxy URL (`http://127.0.0.1:<port>`); empty when there is no proxy. */
  readonly proxyUrl: string;
}

/**
 * `<env>-<service>`: one service's replicas (the ECS service's twin) on the platform stack's network,
 * with the database's connection environment. A web service's replicas answer on the network alias
 * the proxy routes to; a worker's publish nothing and nothing routes to them. Applying this stack
 * replaces only this service's containers.
 */
export class LocalServiceStack extends TerraformStack {
  public readonly service: LocalService;
  /** The service definition this stack runs. */
  public readonly definition: ServiceDefinition;

  constructor(scope: Construct, id: string, props: LocalServiceStackProps) {
    super(scope, id);
    const { config, service: definition } = props;
    this.definition = definition;
    new DockerProvider(this, "docker", {});
    if (props.dockerProviderVersion) pinDockerProviderVersion(this, props.dockerProviderVersion);
    new LocalBackend(this, {
      path: path.join(localEnvironmentDir(props.localStateDir, config.name), `${id}.tfstate`),
    });
    const password = localSecretVariable(this, LOCAL_DB_PASSWORD_VARIABLE, {
      description:
        "Local PostgreSQL password; the stacks CLI and the deploy chain pass it as TF_VAR_postgres_password.",
    });
    // Literal names: the platform stack creates them (this stack is applied after it). The replicas
    // connect as the owning service's row-only role, which its migrate step bootstraps; its password
    // is derived from the admin one exactly as the migrate step derives it (derivedRolePassword).
    const appRole = serviceDatabaseRoles(definition.databaseOf ?? definition.name).appRole;
    const database = definition.database
      ? {
          environment: postgresConnectionEnvironment(localPostgresName(config.name), { username: appRole }),
          secrets: { PGPASSWORD: Fn.base64sha256(`${password.stringValue}:${appRole}`) },
        }
      : { environment: {}, secrets: {} as Record<string, string> };
    const web = definition.type === "web" ? localUpstream(definition) : undefined;
    this.service = new LocalService(this, "service", {
      serviceName: definition.name,
      type: definition.type,
      network: { networkName: localNetworkName(config.name), internal: false },
      image: {
        repository: props.image.repository ?? `${props.registry}/${definition.name}`,
        digest: props.image.digest,
      },
      replicas:
        definition.environments[config.name]?.desiredCount ?? definition.size.desiredCount ?? config.replicas,
      ...(web && { containerPort: web.port, healthCheckPath: web.healthCheckPath }),
      command: definition.command,
      environment: {
        ...definition.environment,
        ...database.environment,
        // A web service keeps serving (with /_ready at 503) this long after SIGTERM: the proxy polls
        // readiness every 500 ms, so it stops sending before the listener closes.
        ...(web && { SHUTDOWN_DRAIN_DELAY_MS: "2000" }),
      },
      secrets: database.secrets,
      labels: config.tags,
    });

    // A worker has no URL: the empty string says so (as on AWS).
    new TerraformOutput(this, "service_url", {
      value: web ? localServiceUrl(props.proxyUrl, definition) : "",
    });
    new TerraformOutput(this, "image", { value: this.service.imageReference });
    new TerraformOutput(this, "container_names", { value: this.service.containerNames });
  }
}
