import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import {
  type AwsEnvironmentConfig,
  DEFAULT_HEALTH_CHECK_PATH,
  DEFAULT_SERVICE_PORT,
  resolveServiceSize,
  type ServiceDefinition,
} from "@platform/env-config";
import { FargateService } from "@platform/fargate-service";
import { Fn, type TerraformResource, Token } from "cdktf";
import type { Construct } from "constructs";
import type { ImageInput } from "../image-input";
import { AwsLayerStack, type AwsLayerStackProps } from "./aws-layer-stack";
import {
  databasePlaceholders,
  networkPlaceholders,
  registryPlaceholders,
  type ServiceOutputs,
} from "./stack-outputs";

export interface ServiceStackProps extends Omit<AwsLayerStackProps, "region"> {
  readonly config: AwsEnvironmentConfig;
  /** The service (its `service.json`): sizes, port, health check, environment, migration command. */
  readonly service: ServiceDefinition;
  /** Image digest to deploy (a placeholder for synth/plan before the first push). */
  readonly image: ImageInput;
  /** The shared registry stack's state key and region. */
  readonly registry: { readonly stateKey: string; readonly region: string; readonly repositoryName: string };
  readonly networkStateKey: string;
  /** State key of `database-<env>`; required when the service has `database: true`. */
  readonly databaseStateKey?: string;
}

/** Name of the ECS service (also cluster, ALB, task family, log group) of a service in an environment. */
export function serviceName(env: string, service: string): string {
  return `${env}-${service}`;
}

/**
 * `service-<env>`: cluster, ALB, Fargate service with autoscaling, and the migration task family. Reads
 * the registry, network and database stacks' outputs from their state, and admits its task and
 * migration security groups into the database here, so the database layer needs nothing from above.
 * moto's `availability_zone_rebalancing` drift on the ECS service is ignored by the construct
 * (lifecycle ignore_changes), so a second plan against the emulator shows no changes.
 */
export class ServiceStack extends AwsLayerStack {
  public readonly service: FargateService;
  /**
   * What the migrate step needs before the first image exists: cluster, migration task family (with its
   * roles and log group, pulled in as dependencies), migration security group, database ingress.
   * `apply --foundation` applies only these (terraform -target) into an empty environment.
   */
  public readonly foundationResources: readonly TerraformResource[];

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, { ...props, region: props.config.region });
    const { config, service } = props;
    const name = serviceName(config.name, service.name);
    const size = resolveServiceSize(service, config.name, config.serviceDefaults);
    const registry = this.readUpstream(
      "registry",
      props.registry.stateKey,
      registryPlaceholders(props.registry.region, props.registry.repositoryName),
    );
    const network = this.readUpstream(
      "network",
      props.networkStateKey,
      networkPlaceholders(config.network.vpcCidr, config.network.azCount),
    );
    if (service.database && !props.databaseStateKey) {
      throw new Error(
        `${service.root}/service.json: database: true, but ${config.name} has no database stack`,
      );
    }
    const database =
      service.database && props.databaseStateKey
        ? this.readUpstream("database", props.databaseStateKey, databasePlaceholders(config.region))
        : undefined;

    this.service = new FargateService(this, "service", {
      name,
      network: {
        vpcId: network.vpc_id,
        publicSubnetIds: network.public_subnet_ids,
        privateSubnetIds: network.private_subnet_ids,
      },
      image: {
        repositoryUrl: registry.repository_url,
        repositoryArn: registry.repository_arn,
        digest: props.image.digest,
      },
      cpu: size.cpu,
      memoryMiB: size.memoryMiB,
      containerPort: service.port ?? DEFAULT_SERVICE_PORT,
      healthCheckPath: service.healthCheckPath ?? DEFAULT_HEALTH_CHECK_PATH,
      desiredCount: size.desiredCount,
      autoscaling: size.autoscaling,
      migrationCommand: service.migrationCommand,
      logRetentionDays: config.logRetentionDays,
      certificateArn: config.certificateArn,
      environment: {
        ...service.environment,
        ...(database && {
          PGHOST: database.db_endpoint,
          PGPORT: Token.asString(database.db_port),
          PGDATABASE: database.db_name,
          // RDS forces SSL (parameter group); verify-full would need the RDS CA bundle in the image.
          PGSSLMODE: "require",
        }),
      },
      secrets: database
        ? {
            PGUSER: { arn: database.db_secret_arn, jsonKey: "username" },
            PGPASSWORD: { arn: database.db_secret_arn, jsonKey: "password" },
          }
        : {},
    });

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
      ...(this.service.ecsCluster ? [this.service.ecsCluster] : []),
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
      // A web service on its own ALB always has a URL; this stack deploys web services only for now.
      service_url: config.domain ? `https://${config.domain}` : (s.url ?? ""),
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
    });
  }
}
