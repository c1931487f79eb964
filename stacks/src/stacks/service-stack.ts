import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import {
  type AwsEnvironmentConfig,
  DEFAULT_HEALTH_CHECK_PATH,
  DEFAULT_SERVICE_PORT,
  resolveServiceSize,
  type ServiceDefinition,
  splitDigestReference,
} from "@platform/env-config";
import { DatabaseBootstrapTask, FargateService } from "@platform/fargate-service";
import { BOOTSTRAP_PASSWORD_VARIABLES, bootstrapSql, serviceDatabaseRoles } from "@platform/toolchain";
import { Fn, type TerraformResource, Token } from "cdktf";
import type { Construct } from "constructs";
import type { ImageInput } from "../image-input";
import { AwsLayerStack, type AwsLayerStackProps } from "./aws-layer-stack";
import {
  databaseCredentialOutputName,
  databaseCredentialPlaceholders,
  databasePlaceholders,
  networkPlaceholders,
  platformLoadBalancerPlaceholders,
  platformPlaceholders,
  prefixRegistryOutputs,
  type RegistryOutputs,
  registryOutputName,
  registryPlaceholders,
  type ServiceOutputs,
} from "./stack-outputs";

export interface ServiceStackProps extends Omit<AwsLayerStackProps, "region"> {
  readonly config: AwsEnvironmentConfig;
  /** The service (its `service.json`): type, sizes, port, route, environment, migration command. */
  readonly service: ServiceDefinition;
  /** Image digest to deploy (a placeholder for synth/plan before the first push). */
  readonly image: ImageInput;
  /** The shared registry stack's state key and region, and this service's repository name in it. */
  readonly registry: { readonly stateKey: string; readonly region: string; readonly repositoryName: string };
  readonly networkStateKey: string;
  /** State key of `platform-<env>`: the shared cluster and load balancer. */
  readonly platformStateKey: string;
  /** State key of `database-<env>`; required when the service has `database: true`. */
  readonly databaseStateKey?: string;
}

/** Name of the ECS service (also task family, log group, role prefix) of a service in an environment. */
export function serviceName(env: string, service: string): string {
  return `${env}-${service}`;
}

/**
 * `service-<name>-<env>`: one service's Fargate service with autoscaling and its migration task family,
 * in the shared cluster of `platform-<env>`. A web service adds its target group and listener rule to
 * the shared load balancer; a worker has no load balancer and its security group admits nothing.
 * Reads the registry, network, platform and database stacks' outputs from their state, and admits its
 * task and migration security groups into the database here, so the layers below need nothing from
 * above. moto's `availability_zone_rebalancing` drift on the ECS service is ignored by the construct
 * (lifecycle ignore_changes), so a second plan against the emulator shows no changes.
 */
export class ServiceStack extends AwsLayerStack {
  public readonly service: FargateService;
  /** The service definition this stack deploys. */
  public readonly definition: ServiceDefinition;
  /**
   * What the migrate step needs before the first image exists: the migration task family (with its
   * roles and log group, pulled in as dependencies), migration security group, database ingress.
   * `apply --foundation` applies only these (terraform -target) into an empty environment.
   */
  public readonly foundationResources: readonly TerraformResource[];

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, { ...props, region: props.config.region });
    const { config, service } = props;
    this.definition = service;
    const name = serviceName(config.name, service.name);
    const size = resolveServiceSize(service, config.name, config.serviceDefaults);
    const registry = this.readUpstream(
      "registry",
      props.registry.stateKey,
      prefixRegistryOutputs(
        service.name,
        registryPlaceholders(props.registry.region, props.registry.repositoryName),
      ),
    );
    const repositoryOutput = (key: keyof RegistryOutputs & string) =>
      Token.asString(registry[registryOutputName(service.name, key)]);
    const network = this.readUpstream(
      "network",
      props.networkStateKey,
      networkPlaceholders(config.network.vpcCidr, config.network.azCount),
    );
    // A worker reads the load balancer's outputs too (unused locals): one shape for every service.
    const platform = this.readUpstream("platform", props.platformStateKey, {
      ...platformPlaceholders(config.region, config.name),
      ...platformLoadBalancerPlaceholders(config.region, config.name),
    });
    if (service.database && !props.databaseStateKey) {
      throw new Error(
        `${service.root}/service.json: database: true, but ${config.name} has no database stack`,
      );
    }
    // The schema's owner: the service itself, or the one it shares (`databaseOf`).
    const owner = service.databaseOf ?? service.name;
    const database =
      service.database && props.databaseStateKey
        ? this.readUpstream("database", props.databaseStateKey, {
            ...databasePlaceholders(config.region),
            ...databaseCredentialPlaceholders(config.region, owner),
          })
        : undefined;
    const login = (key: "db_app_secret_arn" | "db_migrator_secret_arn") =>
      database ? Token.asString(database[databaseCredentialOutputName(owner, key)]) : "";
    const connection = database && {
      PGHOST: database.db_endpoint,
      PGPORT: Token.asString(database.db_port),
      PGDATABASE: database.db_name,
      // RDS forces SSL (parameter group); verify-full would need the RDS CA bundle in the image.
      PGSSLMODE: "require",
    };
    const loginSecrets = (arn: string) => ({
      PGUSER: { arn, jsonKey: "username" },
      PGPASSWORD: { arn, jsonKey: "password" },
    });

    const web =
      service.type === "web" && service.route
        ? {
            ingress: {
              kind: "sharedLoadBalancer" as const,
              listenerArn: Token.asString(platform.listener_arn),
              loadBalancerSecurityGroupId: Token.asString(platform.load_balancer_security_group_id),
              loadBalancerArnSuffix: Token.asString(platform.load_balancer_arn_suffix),
              loadBalancerUrl: Token.asString(platform.load_balancer_url),
              rule: service.route,
            },
            containerPort: service.port ?? DEFAULT_SERVICE_PORT,
            healthCheckPath: service.healthCheckPath ?? DEFAULT_HEALTH_CHECK_PATH,
          }
        : { ingress: { kind: "none" as const } };

    this.service = new FargateService(this, "service", {
      name,
      ...web,
      cluster: { arn: platform.cluster_arn, name: platform.cluster_name },
      network: {
        vpcId: network.vpc_id,
        publicSubnetIds: network.public_subnet_ids,
        privateSubnetIds: network.private_subnet_ids,
      },
      image: {
        repositoryUrl: repositoryOutput("repository_url"),
        repositoryArn: repositoryOutput("repository_arn"),
        digest: props.image.digest,
      },
      cpu: size.cpu,
      memoryMiB: size.memoryMiB,
      desiredCount: size.desiredCount,
      autoscaling: size.autoscaling,
      alarms: { topicArn: Token.asString(platform.alarm_topic_arn) },
      migrationCommand: service.migrationCommand,
      logRetentionDays: config.logRetentionDays,
      environment: { ...service.environment, ...connection },
      // The service runs as its owner's row-only role; only its migrations run as the migrator.
      secrets: database ? loginSecrets(login("db_app_secret_arn")) : {},
      migrationSecrets:
        database && service.migrations ? loginSecrets(login("db_migrator_secret_arn")) : undefined,
      ...(config.exec.enabled && {
        executeCommand: {
          kmsKeyArn: Token.asString(platform.exec_session_kms_key_arn),
          logGroupArn: Token.asString(platform.exec_session_log_group_arn),
        },
      }),
    });

    // The admin login reaches only this one-off task, which the migrate step runs before migrating.
    const bootstrap =
      database && connection && service.migrations && service.databaseOf === undefined
        ? new DatabaseBootstrapTask(this, "db-bootstrap", {
            name,
            image: splitImageReference(config.database?.bootstrapImage ?? ""),
            script: bootstrapSql(serviceDatabaseRoles(service.name)),
            connection,
            secrets: {
              ...loginSecrets(database.db_secret_arn),
              [BOOTSTRAP_PASSWORD_VARIABLES.migrator]: {
                arn: login("db_migrator_secret_arn"),
                jsonKey: "password",
              },
              [BOOTSTRAP_PASSWORD_VARIABLES.app]: { arn: login("db_app_secret_arn"), jsonKey: "password" },
            },
            logGroup: { name: this.service.logGroup.name, arn: this.service.logGroup.arn },
            region: config.region,
          })
        : undefined;

    const ingress: TerraformResource[] = [];
    const admitted = [
      ["service", this.service.serviceSecurityGroup],
      ["migration", this.service.migrationSecurityGroup],
    ] as const;
    for (const [kind, sg] of database ? admitted : []) {
      if (!database) break;
      const rule = new VpcSecurityGroupIngressRule(this, `database-from-${kind}`, {
        securityGroupId: database.db_security_group_id,
        referencedSecurityGroupId: sg.id,
        ipProtocol: "tcp",
        fromPort: 5432,
        toPort: 5432,
        description: `PostgreSQL from the ${kind} tasks of ${name}`,
      });
      ingress.push(rule);
    }
    this.foundationResources = [
      ...(bootstrap ? [bootstrap.taskDefinition, bootstrap.executionRolePolicy] : []),
      this.service.migrationTaskDefinition,
      this.service.migrationSecurityGroup,
      this.service.logGroup,
      ...ingress,
    ];

    const s = this.service;
    // Outputs the migrate step reads reference the foundation resources (not literals): a targeted
    // apply (`apply --foundation`) only writes outputs that depend on targeted resources.
    const migrationContainerName = Fn.lookup(
      Fn.element(Fn.jsondecode(s.migrationTaskDefinition.containerDefinitions), 0),
      "name",
      s.containerName,
    );
    this.exportOutputs<ServiceOutputs>({
      // A worker has no URL: the empty string says so (readers of a worker's stack do not ask for one).
      service_url: service.type !== "web" ? "" : config.domain ? `https://${config.domain}` : (s.url ?? ""),
      cluster_arn: s.cluster.arn,
      cluster_name: s.cluster.name,
      service_name: s.service.name,
      container_name: migrationContainerName,
      image: s.imageUri,
      task_definition_arn: s.taskDefinition.arn,
      migration_task_family: s.migrationTaskDefinition.family,
      migration_task_definition_arn: s.migrationTaskDefinition.arn,
      migration_container_name: migrationContainerName,
      migration_subnet_ids: network.private_subnet_ids,
      migration_security_group_ids: [s.migrationSecurityGroup.id],
      log_group_name: s.logGroup.name,
      db_bootstrap_task_definition_arn: bootstrap?.taskDefinition.arn ?? "",
      db_bootstrap_container_name: bootstrap
        ? Fn.lookup(
            Fn.element(Fn.jsondecode(bootstrap.taskDefinition.containerDefinitions), 0),
            "name",
            bootstrap.containerName,
          )
        : "",
      execute_command: config.exec.enabled ? "enabled" : "disabled",
    });
  }
}

/** `<repository>@sha256:<hex>` as the construct's image shape. */
function splitImageReference(reference: string): { repositoryUrl: string; digest: string } {
  const split = splitDigestReference(reference);
  if (!split) throw new Error(`database.bootstrapImage "${reference}" is not <repository>@sha256:<digest>`);
  return { repositoryUrl: split.repository, digest: split.digest };
}
