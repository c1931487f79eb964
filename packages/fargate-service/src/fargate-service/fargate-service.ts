import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsRegion } from "@cdktf/provider-aws/lib/data-aws-region";
import { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import type { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import type { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import type { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { imageUri, renderContainerDefinitions } from "../container-definition/container-definition";
import { addTaskEgress } from "../egress/egress";
import { EXEC_AGENT_WRITABLE_PATHS, executeCommandStatements } from "../execute-command/execute-command";
import type { LoadBalancer } from "../load-balancer/load-balancer";
import { MigrationTask } from "../migration-task/migration-task";
import { ServiceAlarms } from "../service-alarms/service-alarms";
import { ServiceAutoscaling } from "../service-autoscaling/service-autoscaling";
import type { SharedLoadBalancerTarget } from "../shared-load-balancer-target/shared-load-balancer-target";
import { createFargateTaskDefinition } from "../task-definition/task-definition";
import { TaskRoles } from "../task-roles/task-roles";
import { PropErrors, SECURITY_GROUP_ID } from "../validation/validation";
import {
  type ClusterRef,
  FARGATE_SERVICE_OUTPUT_KEYS,
  type FargateServiceOutputKey,
  type FargateServiceOutputNames,
  type FargateServiceProps,
} from "./fargate-service-props";
import { attachIngress, type LoadBalancerAttachment, type ServiceIngressKind } from "./service-ingress";
import { validateFargateServiceProps } from "./validate-props";

export {
  type ClusterRef,
  FARGATE_SERVICE_LOAD_BALANCER_OUTPUT_KEYS,
  FARGATE_SERVICE_OUTPUT_KEYS,
  type FargateServiceLoadBalancerOutputKey,
  type FargateServiceOutputKey,
  type FargateServiceOutputNames,
  type FargateServiceProps,
  LOG_RETENTION_DAYS,
  type ServiceNetwork,
} from "./fargate-service-props";

/** Providers type lists as mutable but never mutate them; a list token must be passed as is. */
function asList(values: readonly string[]): string[] {
  return values as string[];
}

const SERVICE_LOG_STREAM_PREFIX = "service";
const MIGRATION_LOG_STREAM_PREFIX = "migrate";
const TMP_VOLUME = "tmp";
/** Task-local volumes of the ECS Exec agent, one per EXEC_AGENT_WRITABLE_PATHS entry. */
const EXEC_AGENT_VOLUMES = EXEC_AGENT_WRITABLE_PATHS.map((containerPath) => ({
  volumeName: `exec-agent${containerPath.replace(/\//g, "-")}`,
  containerPath,
}));

/**
 * A containerised service on ECS Fargate behind its own or a shared application load balancer
 * (or none, for a worker: see `ingress`), with a
 * migration task family for one-off RunTask before traffic moves. Safe defaults: rolling deploys
 * at 100/200 percent with circuit-breaker rollback, private subnets without public IPs, an ALB the
 * only way in, least-privilege roles, non-root read-only containers, images by digest only.
 */
export class FargateService extends Construct {
  /** The cluster the service runs in (created or passed in). */
  public readonly cluster: ClusterRef;
  /** The created cluster; undefined when one was passed in. */
  public readonly ecsCluster?: EcsCluster;
  public readonly service: EcsService;
  public readonly taskDefinition: EcsTaskDefinition;
  public readonly migrationTaskDefinition: EcsTaskDefinition;
  /** Family of the migration task definition, `<name>-migrate`. */
  public readonly migrationTaskFamily: string;
  public readonly serviceSecurityGroup: SecurityGroup;
  /** Security group of migration tasks: pass it, with serviceSecurityGroup, to the database's allowFrom. */
  public readonly migrationSecurityGroup: SecurityGroup;
  /** `ingress.kind` (default "dedicatedLoadBalancer"). */
  public readonly ingressKind: ServiceIngressKind;
  /** The service's own ALB; only with ingress kind "dedicatedLoadBalancer". */
  public readonly loadBalancer?: LoadBalancer;
  /** Target group + listener rule on the shared ALB; only with ingress kind "sharedLoadBalancer". */
  public readonly sharedLoadBalancerTarget?: SharedLoadBalancerTarget;
  /** The service's target group; undefined with ingress kind "none". */
  public readonly targetGroup?: LbTargetGroup;
  /**
   * `http(s)://<ALB DNS name>` (dedicated), `serviceUrl(ingress)` (shared: the ALB URL plus the
   * literal prefix of the first path pattern); undefined with ingress kind "none".
   */
  public readonly url?: string;
  public readonly logGroup: CloudwatchLogGroup;
  public readonly executionRole: IamRole;
  /** The application's AWS identity; attach policies for what the application calls. */
  public readonly taskRole: IamRole;
  /** The task role's ECS Exec permissions ("execute-command"); only with `executeCommand`. */
  public readonly executeCommandPolicy?: IamRolePolicy;
  public readonly autoscaling?: ServiceAutoscaling;
  /** The service's CloudWatch alarms, when `alarms` was given. */
  public readonly alarms?: ServiceAlarms;
  public readonly containerName: string;
  /** Undefined with ingress kind "none" (no port mapping). */
  public readonly containerPort?: number;
  /** `repositoryUrl@sha256:...` */
  public readonly imageUri: string;
  /**
   * Terraform output name per key, e.g. `outputNames.cluster_arn === "web_cluster_arn"`; the load
   * balancer keys only where that output exists (see FARGATE_SERVICE_LOAD_BALANCER_OUTPUT_KEYS).
   */
  public readonly outputNames: FargateServiceOutputNames;

  private egressRuleCount = 0;

  constructor(scope: Construct, id: string, props: FargateServiceProps) {
    super(scope, id);
    const p = validateFargateServiceProps(props);
    const tags = props.tags;
    this.containerName = p.containerName;
    this.containerPort = p.containerPort;
    this.imageUri = imageUri(props.image);

    if (props.cluster) {
      this.cluster = props.cluster;
    } else {
      this.ecsCluster = new EcsCluster(this, "cluster", {
        name: props.name,
        setting: [
          { name: "containerInsights", value: (props.containerInsights ?? true) ? "enabled" : "disabled" },
        ],
        tags,
      });
      this.cluster = this.ecsCluster;
    }

    this.logGroup = new CloudwatchLogGroup(this, "log-group", {
      name: `/ecs/${props.name}`,
      retentionInDays: p.logRetentionDays,
      tags,
    });
    const region = new DataAwsRegion(this, "region").name;

    const secrets = props.secrets ?? {};
    const migrationSecrets = props.migrationSecrets ?? secrets;
    const roles = new TaskRoles(this, "roles", {
      name: props.name,
      image: props.image,
      logGroupArn: this.logGroup.arn,
      secrets: [...Object.values(secrets), ...Object.values(migrationSecrets)],
      secretsKmsKeyArns: props.secretsKmsKeyArns ?? [],
      tags,
    });
    this.executionRole = roles.executionRole;
    this.taskRole = roles.taskRole;

    const tmpVolumeName = p.readonlyRootFilesystem ? TMP_VOLUME : undefined;
    const containerCommon = {
      name: p.containerName,
      image: props.image,
      memoryMiB: p.memoryMiB,
      environment: props.environment ?? {},
      secrets,
      logGroupName: this.logGroup.name,
      region,
      user: p.user,
      readonlyRootFilesystem: p.readonlyRootFilesystem,
      stopTimeoutSeconds: p.stopTimeoutSeconds,
      tmpVolumeName,
    };
    const taskCommon = {
      cpu: p.cpu,
      memoryMiB: p.memoryMiB,
      cpuArchitecture: p.cpuArchitecture,
      executionRoleArn: roles.executionRole.arn,
      taskRoleArn: roles.taskRole.arn,
      tmpVolumeName,
      tags,
    };

    if (props.executeCommand) {
      this.executeCommandPolicy = new IamRolePolicy(this, "execute-command-policy", {
        name: "execute-command",
        role: roles.taskRole.id,
        policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: executeCommandStatements(props.executeCommand),
        }),
      });
    }
    // The agent ECS Exec injects writes its state and logs; a read-only root needs volumes for them.
    const execMounts = props.executeCommand && p.readonlyRootFilesystem ? EXEC_AGENT_VOLUMES : [];
    this.taskDefinition = createFargateTaskDefinition(this, "task-definition", {
      ...taskCommon,
      family: props.name,
      scratchVolumeNames: execMounts.map((m) => m.volumeName),
      containerDefinitions: renderContainerDefinitions({
        ...containerCommon,
        containerPort: p.containerPort,
        healthCheck: p.containerHealthCheck,
        logStreamPrefix: SERVICE_LOG_STREAM_PREFIX,
        scratchMounts: execMounts,
      }),
    });

    const migration = new MigrationTask(this, "migration", {
      ...taskCommon,
      name: props.name,
      vpcId: props.network.vpcId,
      containerName: p.containerName,
      allowAllOutbound: p.allowAllOutbound,
      containerDefinitions: renderContainerDefinitions({
        ...containerCommon,
        secrets: migrationSecrets,
        command: p.migrationCommand,
        logStreamPrefix: MIGRATION_LOG_STREAM_PREFIX,
      }),
    });
    this.migrationTaskDefinition = migration.taskDefinition;
    this.migrationTaskFamily = migration.family;
    this.migrationSecurityGroup = migration.securityGroup;

    this.ingressKind = p.ingress.kind;
    this.serviceSecurityGroup = new SecurityGroup(this, "service-security-group", {
      name: `${props.name}-service`,
      description:
        p.ingress.kind === "none"
          ? `Tasks of ${props.name}: no ingress (worker)`
          : `Tasks of ${props.name}: container port from the ALB only`,
      vpcId: props.network.vpcId,
      tags,
    });
    addTaskEgress(this, this.serviceSecurityGroup.id, p.allowAllOutbound);

    let lb: LoadBalancerAttachment | undefined;
    if (p.ingress.kind !== "none" && p.containerPort !== undefined) {
      lb = attachIngress(this, p.ingress, {
        props,
        containerPort: p.containerPort,
        serviceSecurityGroupId: this.serviceSecurityGroup.id,
      });
      this.loadBalancer = lb.loadBalancer;
      this.sharedLoadBalancerTarget = lb.sharedLoadBalancerTarget;
      this.targetGroup = lb.targetGroup;
      this.url = lb.url;
    }

    // Before the service: ECS checks that its deployment alarms exist.
    if (props.alarms) {
      this.alarms = new ServiceAlarms(this, "alarms", {
        ...props.alarms,
        name: props.name,
        clusterName: this.cluster.name,
        serviceName: props.name,
        ...(lb && {
          loadBalancerArnSuffix: lb.loadBalancerArnSuffix,
          targetGroupArnSuffix: lb.targetGroup.arnSuffix,
        }),
      });
    }
    const deploymentAlarms = this.alarms?.deploymentAlarmNames ?? [];

    const ignoreChanges = [
      // Not set here; moto never reports it back, which shows a perpetual diff otherwise.
      "availability_zone_rebalancing",
      // Autoscaling owns the task count after creation; deploys must not reset it.
      ...(props.autoscaling ? ["desired_count"] : []),
    ];
    this.service = new EcsService(this, "service", {
      name: props.name,
      cluster: this.cluster.arn,
      taskDefinition: this.taskDefinition.arn,
      desiredCount: p.desiredCount,
      launchType: "FARGATE",
      platformVersion: p.platformVersion,
      schedulingStrategy: "REPLICA",
      deploymentController: { type: "ECS" },
      deploymentMinimumHealthyPercent: p.minimumHealthyPercent,
      deploymentMaximumPercent: p.maximumPercent,
      deploymentCircuitBreaker: { enable: true, rollback: true },
      ...(deploymentAlarms.length > 0 && {
        alarms: { alarmNames: [...deploymentAlarms], enable: true, rollback: true },
      }),
      networkConfiguration: {
        subnets: asList(props.network.privateSubnetIds),
        securityGroups: [this.serviceSecurityGroup.id],
        assignPublicIp: false,
      },
      ...(lb && {
        healthCheckGracePeriodSeconds: p.healthCheckGracePeriodSeconds,
        loadBalancer: [
          {
            targetGroupArn: lb.targetGroup.arn,
            containerName: p.containerName,
            containerPort: lb.containerPort,
          },
        ],
        // The target group must be attached to the ALB (listener or rule) before ECS uses it.
        dependsOn: [lb.attachedBy, ...Object.values(this.alarms?.alarms ?? {})],
      }),
      ...(props.executeCommand && { enableExecuteCommand: true }),
      waitForSteadyState: props.waitForSteadyState ?? false,
      propagateTags: "SERVICE",
      enableEcsManagedTags: true,
      lifecycle: { ignoreChanges },
      tags,
    });

    if (props.autoscaling) {
      this.autoscaling = new ServiceAutoscaling(this, "autoscaling", {
        ...props.autoscaling,
        name: props.name,
        clusterName: this.cluster.name,
        serviceName: this.service.name,
        ...(lb && {
          loadBalancerArnSuffix: lb.loadBalancerArnSuffix,
          targetGroupArnSuffix: lb.targetGroup.arnSuffix,
        }),
      });
    }

    const prefix = props.name.replace(/-/g, "_");
    const values: Record<FargateServiceOutputKey, { value: unknown; description: string } | undefined> = {
      cluster_arn: { value: this.cluster.arn, description: "ECS cluster ARN (RunTask --cluster)" },
      cluster_name: { value: this.cluster.name, description: "ECS cluster name" },
      service_name: { value: this.service.name, description: "ECS service name" },
      service_arn: { value: this.service.id, description: "ECS service ARN" },
      url: lb && {
        value: lb.url,
        description: "Service URL (ALB DNS name, plus the path prefix on a shared ALB)",
      },
      load_balancer_dns_name:
        lb?.dnsName === undefined ? undefined : { value: lb.dnsName, description: "ALB DNS name" },
      target_group_arn: lb && { value: lb.targetGroup.arn, description: "Target group ARN" },
      service_security_group_id: {
        value: this.serviceSecurityGroup.id,
        description: "Security group of the tasks",
      },
      log_group_name: {
        value: this.logGroup.name,
        description: "CloudWatch log group of service and migration",
      },
      image: { value: this.imageUri, description: "Image the task definitions reference (by digest)" },
      migration_task_family: {
        value: this.migrationTaskFamily,
        description: "Migration task definition family",
      },
      migration_task_definition_arn: {
        value: this.migrationTaskDefinition.arn,
        description: "Migration task definition revision ARN",
      },
      migration_container_name: { value: p.containerName, description: "Container to override in RunTask" },
      migration_subnet_ids: {
        value: asList(props.network.privateSubnetIds),
        description: "Subnets for RunTask (list)",
      },
      migration_security_group_ids: {
        value: [this.migrationSecurityGroup.id],
        description: "Security groups for RunTask (list)",
      },
      migration_log_stream_prefix: {
        value: MIGRATION_LOG_STREAM_PREFIX,
        description: "awslogs stream prefix: streams are <prefix>/<container>/<task id>",
      },
    };
    const outputNames: Partial<Record<FargateServiceOutputKey, string>> = {};
    for (const key of FARGATE_SERVICE_OUTPUT_KEYS) {
      const value = values[key];
      if (value === undefined) continue;
      const output = new TerraformOutput(this, `output-${key}`, value);
      outputNames[key] = `${prefix}_${key}`;
      output.overrideLogicalId(outputNames[key]);
    }
    // Every key but the load balancer ones is always set in the loop above.
    this.outputNames = outputNames as FargateServiceOutputNames;
  }

  /**
   * Allow the service and migration tasks to open connections to a security group on a port
   * (e.g. the database's on 5432). Only needed with `allowAllOutbound: false`.
   */
  public allowEgressTo(securityGroupId: string, port: number, description?: string): void {
    const errors = new PropErrors("FargateService");
    errors.pattern(
      "allowEgressTo(securityGroupId)",
      securityGroupId,
      SECURITY_GROUP_ID,
      "use a security group id (sg-...)",
    );
    errors.integer("allowEgressTo(port)", port, 1, 65535);
    this.egressRuleCount += 1;
    for (const [kind, sg] of [
      ["service", this.serviceSecurityGroup],
      ["migration", this.migrationSecurityGroup],
    ] as const) {
      new VpcSecurityGroupEgressRule(this, `egress-${kind}-${this.egressRuleCount}`, {
        securityGroupId: sg.id,
        referencedSecurityGroupId: securityGroupId,
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
        description: description ?? `tcp/${port} to an allowed security group`,
      });
    }
  }
}
