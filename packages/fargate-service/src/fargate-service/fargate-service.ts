import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsRegion } from "@cdktf/provider-aws/lib/data-aws-region";
import { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import type { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import type { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import {
  type ContainerImage,
  type ContainerSecret,
  imageUri,
  renderContainerDefinitions,
  validateEnvironmentAndSecrets,
  validateImage,
} from "../container-definition/container-definition";
import { addTaskEgress } from "../egress/egress";
import { validateFargateSize } from "../fargate-sizing/fargate-sizing";
import {
  LoadBalancer,
  type LoadBalancerOptions,
  resolveLoadBalancerOptions,
} from "../load-balancer/load-balancer";
import { DEFAULT_MIGRATION_COMMAND, MigrationTask } from "../migration-task/migration-task";
import {
  resolveAutoscalingOptions,
  ServiceAutoscaling,
  type ServiceAutoscalingOptions,
} from "../service-autoscaling/service-autoscaling";
import {
  CPU_ARCHITECTURES,
  type CpuArchitecture,
  createFargateTaskDefinition,
} from "../task-definition/task-definition";
import { TaskRoles } from "../task-roles/task-roles";
import { PropErrors, SECURITY_GROUP_ID } from "../validation/validation";

/**
 * The part of a network the service needs. The network construct satisfies it structurally, so
 * a `Network` can be passed as is.
 */
export interface ServiceNetwork {
  readonly vpcId: string;
  /** Subnets of an internet-facing ALB (two AZs at least). */
  readonly publicSubnetIds: readonly string[];
  /** Subnets of the tasks (and of an internal ALB). */
  readonly privateSubnetIds: readonly string[];
}

/** An existing ECS cluster (e.g. an `EcsCluster` from another stack). */
export interface ClusterRef {
  readonly arn: string;
  readonly name: string;
}

/** Retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

export interface FargateServiceProps extends LoadBalancerOptions {
  /**
   * Service name: also the cluster, task family, ALB and log group name, and the prefix of roles,
   * security groups, target group and outputs. 2-28 characters of a-z, 0-9 and "-", starting with
   * a letter, not ending with "-", not starting with "internal-".
   */
  readonly name: string;
  /** VPC and subnets. Tasks always run in the private subnets without public IPs. */
  readonly network: ServiceNetwork;
  /** Image by digest: the task definitions reference `repositoryUrl@digest`, never a tag. */
  readonly image: ContainerImage;
  /**
   * Existing cluster to run in.
   * @default undefined (a cluster named `<name>` is created)
   */
  readonly cluster?: ClusterRef;
  /**
   * Container Insights on the created cluster. Only valid without `cluster`.
   * @default true
   */
  readonly containerInsights?: boolean;
  /**
   * Task CPU units (1024 = 1 vCPU): 256, 512, 1024, 2048, 4096, 8192 or 16384.
   * @default 256
   */
  readonly cpu?: number;
  /**
   * Task memory in MiB; must be allowed for `cpu` by Fargate (256: 512/1024/2048; 512: 1024..4096;
   * 1024: 2048..8192; 2048: 4096..16384; 4096: 8192..30720, steps of 1024; 8192: 16384..61440,
   * steps of 4096; 16384: 32768..122880, steps of 8192).
   * @default 512
   */
  readonly memoryMiB?: number;
  /**
   * CPU architecture of the image: "X86_64" or "ARM64".
   * @default "X86_64"
   */
  readonly cpuArchitecture?: CpuArchitecture;
  /**
   * Fargate platform version: "LATEST" or x.y.z.
   * @default "1.4.0"
   */
  readonly platformVersion?: string;
  /**
   * Name of the container in both task definitions: letters, digits, "_" and "-", at most 255.
   * @default "app"
   */
  readonly containerName?: string;
  /**
   * Port the container listens on, 1..65535.
   * @default 8080
   */
  readonly containerPort?: number;
  /**
   * Plain environment variables (names: letters, digits, "_", not starting with a digit).
   * @default {}
   */
  readonly environment?: Record<string, string>;
  /**
   * Environment variables fetched from Secrets Manager or SSM at start, e.g.
   * `{ PGPASSWORD: { arn: db.masterUserSecretArn, jsonKey: "password" } }`. The execution role may
   * read exactly these ARNs. A name may not also be in `environment`.
   * @default {}
   */
  readonly secrets?: Record<string, ContainerSecret>;
  /**
   * Customer-managed KMS keys the secrets are encrypted with (the execution role gets kms:Decrypt
   * on exactly these).
   * @default []
   */
  readonly secretsKmsKeyArns?: readonly string[];
  /**
   * User the container runs as (`uid[:gid]` or a name); never root (0 / "root").
   * @default "1000:1000"
   */
  readonly user?: string;
  /**
   * Read-only root filesystem; a writable task-scoped volume is mounted at /tmp.
   * @default true
   */
  readonly readonlyRootFilesystem?: boolean;
  /**
   * Seconds between SIGTERM and SIGKILL, 2..120.
   * @default 30
   */
  readonly stopTimeoutSeconds?: number;
  /**
   * Log retention in days, one of LOG_RETENTION_DAYS (1, 3, 5, 7, 14, 30, 60, 90, ...).
   * @default 30
   */
  readonly logRetentionDays?: number;
  /**
   * Tasks at creation, 0..5000. With autoscaling it must be within minTasks..maxTasks and is
   * ignored after creation (autoscaling owns it).
   * @default autoscaling.minTasks, else 2
   */
  readonly desiredCount?: number;
  /**
   * Target-tracking autoscaling on CPU and ALB requests per target.
   * @default undefined (fixed desiredCount)
   */
  readonly autoscaling?: ServiceAutoscalingOptions;
  /**
   * Lower limit of running healthy tasks during a deployment, percent 0..100.
   * @default 100
   */
  readonly minimumHealthyPercent?: number;
  /**
   * Upper limit of tasks during a deployment, percent 100..400 and above minimumHealthyPercent.
   * @default 200
   */
  readonly maximumPercent?: number;
  /**
   * Seconds ECS ignores failing ALB health checks of a new task, 0..3600.
   * @default 60
   */
  readonly healthCheckGracePeriodSeconds?: number;
  /**
   * Make `terraform apply` wait for the service to reach a steady state. Off because the deploy
   * step waits itself (with better error reporting).
   * @default false
   */
  readonly waitForSteadyState?: boolean;
  /**
   * Command of the migration task (same image, env and secrets); non-empty.
   * @default ["node", "dist/migrate.js"]
   */
  readonly migrationCommand?: readonly string[];
  /**
   * Outbound traffic of the service and migration tasks: all when true; HTTPS (443) only when
   * false, plus what `allowEgressTo` adds.
   * @default true
   */
  readonly allowAllOutbound?: boolean;
  /**
   * Tags on every resource this construct creates (on top of the provider's default tags).
   * @default {}
   */
  readonly tags?: Record<string, string>;
}

/** Output keys (Terraform output names are `<name with _>_<key>`). */
export const FARGATE_SERVICE_OUTPUT_KEYS = [
  "cluster_arn",
  "cluster_name",
  "service_name",
  "service_arn",
  "url",
  "load_balancer_dns_name",
  "target_group_arn",
  "service_security_group_id",
  "log_group_name",
  "image",
  "migration_task_family",
  "migration_task_definition_arn",
  "migration_container_name",
  "migration_subnet_ids",
  "migration_security_group_ids",
  "migration_log_stream_prefix",
] as const;
export type FargateServiceOutputKey = (typeof FARGATE_SERVICE_OUTPUT_KEYS)[number];

/** Providers type lists as mutable but never mutate them; a list token must be passed as is. */
function asList(values: readonly string[]): string[] {
  return values as string[];
}

const NAME = /^(?!internal-)[a-z][a-z0-9-]{0,26}[a-z0-9]$/;
const SERVICE_LOG_STREAM_PREFIX = "service";
const MIGRATION_LOG_STREAM_PREFIX = "migrate";
const TMP_VOLUME = "tmp";

/**
 * A containerised web service on ECS Fargate behind an application load balancer, with a
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
  public readonly loadBalancer: LoadBalancer;
  /** `http(s)://<ALB DNS name>`. */
  public readonly url: string;
  public readonly logGroup: CloudwatchLogGroup;
  public readonly executionRole: IamRole;
  /** The application's AWS identity; attach policies for what the application calls. */
  public readonly taskRole: IamRole;
  public readonly autoscaling?: ServiceAutoscaling;
  public readonly containerName: string;
  public readonly containerPort: number;
  /** `repositoryUrl@sha256:...` */
  public readonly imageUri: string;
  /** Terraform output name per key, e.g. `outputNames.cluster_arn === "web_cluster_arn"`. */
  public readonly outputNames: Readonly<Record<FargateServiceOutputKey, string>>;

  private egressRuleCount = 0;

  constructor(scope: Construct, id: string, props: FargateServiceProps) {
    super(scope, id);
    const p = validate(props);
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
    const roles = new TaskRoles(this, "roles", {
      name: props.name,
      image: props.image,
      logGroupArn: this.logGroup.arn,
      secrets: Object.values(secrets),
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

    this.taskDefinition = createFargateTaskDefinition(this, "task-definition", {
      ...taskCommon,
      family: props.name,
      containerDefinitions: renderContainerDefinitions({
        ...containerCommon,
        containerPort: p.containerPort,
        logStreamPrefix: SERVICE_LOG_STREAM_PREFIX,
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
        command: p.migrationCommand,
        logStreamPrefix: MIGRATION_LOG_STREAM_PREFIX,
      }),
    });
    this.migrationTaskDefinition = migration.taskDefinition;
    this.migrationTaskFamily = migration.family;
    this.migrationSecurityGroup = migration.securityGroup;

    this.serviceSecurityGroup = new SecurityGroup(this, "service-security-group", {
      name: `${props.name}-service`,
      description: `Tasks of ${props.name}: container port from the ALB only`,
      vpcId: props.network.vpcId,
      tags,
    });
    addTaskEgress(this, this.serviceSecurityGroup.id, p.allowAllOutbound);

    this.loadBalancer = new LoadBalancer(this, "load-balancer", {
      ...props,
      name: props.name,
      vpcId: props.network.vpcId,
      subnetIds: p.internetFacing ? props.network.publicSubnetIds : props.network.privateSubnetIds,
      targetPort: p.containerPort,
      targetSecurityGroupId: this.serviceSecurityGroup.id,
      tags,
    });
    this.url = this.loadBalancer.url;
    new VpcSecurityGroupIngressRule(this, "service-ingress-from-alb", {
      securityGroupId: this.serviceSecurityGroup.id,
      referencedSecurityGroupId: this.loadBalancer.securityGroup.id,
      ipProtocol: "tcp",
      fromPort: p.containerPort,
      toPort: p.containerPort,
      description: "Requests and health checks from the ALB",
    });

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
      healthCheckGracePeriodSeconds: p.healthCheckGracePeriodSeconds,
      networkConfiguration: {
        subnets: asList(props.network.privateSubnetIds),
        securityGroups: [this.serviceSecurityGroup.id],
        assignPublicIp: false,
      },
      loadBalancer: [
        {
          targetGroupArn: this.loadBalancer.targetGroup.arn,
          containerName: p.containerName,
          containerPort: p.containerPort,
        },
      ],
      waitForSteadyState: props.waitForSteadyState ?? false,
      propagateTags: "SERVICE",
      enableEcsManagedTags: true,
      // The target group must be attached to the ALB (through a listener) before ECS uses it.
      dependsOn: [this.loadBalancer.forwardListener],
      lifecycle: { ignoreChanges },
      tags,
    });

    if (props.autoscaling) {
      this.autoscaling = new ServiceAutoscaling(this, "autoscaling", {
        ...props.autoscaling,
        name: props.name,
        clusterName: this.cluster.name,
        serviceName: this.service.name,
        loadBalancerArnSuffix: this.loadBalancer.lb.arnSuffix,
        targetGroupArnSuffix: this.loadBalancer.targetGroup.arnSuffix,
      });
    }

    const prefix = props.name.replace(/-/g, "_");
    const values: Record<FargateServiceOutputKey, { value: unknown; description: string }> = {
      cluster_arn: { value: this.cluster.arn, description: "ECS cluster ARN (RunTask --cluster)" },
      cluster_name: { value: this.cluster.name, description: "ECS cluster name" },
      service_name: { value: this.service.name, description: "ECS service name" },
      service_arn: { value: this.service.id, description: "ECS service ARN" },
      url: { value: this.url, description: "Service URL (ALB DNS name)" },
      load_balancer_dns_name: { value: this.loadBalancer.dnsName, description: "ALB DNS name" },
      target_group_arn: { value: this.loadBalancer.targetGroup.arn, description: "Target group ARN" },
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
    const outputNames = {} as Record<FargateServiceOutputKey, string>;
    for (const key of FARGATE_SERVICE_OUTPUT_KEYS) {
      const output = new TerraformOutput(this, `output-${key}`, values[key]);
      outputNames[key] = `${prefix}_${key}`;
      output.overrideLogicalId(outputNames[key]);
    }
    this.outputNames = outputNames;
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

interface ValidatedProps {
  readonly cpu: number;
  readonly memoryMiB: number;
  readonly cpuArchitecture: CpuArchitecture;
  readonly platformVersion: string;
  readonly containerName: string;
  readonly containerPort: number;
  readonly user: string;
  readonly readonlyRootFilesystem: boolean;
  readonly stopTimeoutSeconds: number;
  readonly logRetentionDays: number;
  readonly desiredCount: number;
  readonly minimumHealthyPercent: number;
  readonly maximumPercent: number;
  readonly healthCheckGracePeriodSeconds: number;
  readonly migrationCommand: readonly string[];
  readonly allowAllOutbound: boolean;
  readonly internetFacing: boolean;
}

function validate(props: FargateServiceProps): ValidatedProps {
  const errors = new PropErrors("FargateService");
  if (!NAME.test(props.name)) {
    errors.fail(
      "name",
      `"${props.name}" is invalid: 2-28 characters of a-z, 0-9 and "-", starting with a letter, not ending with "-", not starting with "internal-"`,
    );
  }

  const internetFacing = props.internetFacing ?? true;
  errors.pattern("network.vpcId", props.network.vpcId, /^vpc-[0-9a-f]+$/, "use a VPC id (vpc-...)");
  errors.minItems(
    "network.privateSubnetIds",
    props.network.privateSubnetIds,
    1,
    "tasks run in the private subnets",
  );
  if (internetFacing) {
    errors.minItems(
      "network.publicSubnetIds",
      props.network.publicSubnetIds,
      2,
      "an ALB spans at least two AZs",
    );
  } else {
    errors.minItems(
      "network.privateSubnetIds",
      props.network.privateSubnetIds,
      2,
      "an internal ALB spans at least two AZs",
    );
  }

  if (props.cluster && props.containerInsights !== undefined) {
    errors.fail(
      "containerInsights",
      "applies only to a cluster this construct creates; it is set together with cluster",
    );
  }

  validateImage(errors, props.image);

  const cpu = props.cpu ?? 256;
  const memoryMiB = props.memoryMiB ?? 512;
  validateFargateSize(cpu, memoryMiB, "FargateService: ");

  const cpuArchitecture = errors.oneOf(
    "cpuArchitecture",
    props.cpuArchitecture ?? "X86_64",
    CPU_ARCHITECTURES,
  );
  const platformVersion = props.platformVersion ?? "1.4.0";
  if (!/^(LATEST|\d+\.\d+\.\d+)$/.test(platformVersion)) {
    errors.fail(
      "platformVersion",
      `"${platformVersion}" is invalid: use "LATEST" or a version such as "1.4.0"`,
    );
  }

  const containerName = props.containerName ?? "app";
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$/.test(containerName)) {
    errors.fail("containerName", `"${containerName}" is invalid: letters, digits, "_" and "-", at most 255`);
  }
  const containerPort = errors.integer("containerPort", props.containerPort ?? 8080, 1, 65535);

  validateEnvironmentAndSecrets(errors, props.environment ?? {}, props.secrets ?? {});
  for (const key of props.secretsKmsKeyArns ?? []) {
    errors.pattern(
      "secretsKmsKeyArns",
      key,
      /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/.+$/,
      "use KMS key ARNs",
    );
  }

  const user = props.user ?? "1000:1000";
  const userPart = "(?:[a-z_][a-z0-9_-]*|\\d+)";
  if (!new RegExp(`^${userPart}(?::${userPart})?$`).test(user)) {
    errors.fail("user", `"${user}" is invalid: use uid[:gid] or a user name`);
  }
  const uid = user.split(":")[0];
  if (uid === "root" || /^0+$/.test(uid)) {
    errors.fail("user", `"${user}" runs as root; use a non-root uid such as "1000:1000"`);
  }

  const stopTimeoutSeconds = errors.integer("stopTimeoutSeconds", props.stopTimeoutSeconds ?? 30, 2, 120);
  const logRetentionDays = errors.oneOf("logRetentionDays", props.logRetentionDays ?? 30, LOG_RETENTION_DAYS);

  let desiredCount: number;
  if (props.autoscaling) {
    const a = resolveAutoscalingOptions(props.autoscaling, errors);
    desiredCount = props.desiredCount ?? a.minTasks;
    if (!Number.isInteger(desiredCount) || desiredCount < a.minTasks || desiredCount > a.maxTasks) {
      errors.fail(
        "desiredCount",
        `${desiredCount} is invalid: with autoscaling use an integer from autoscaling.minTasks (${a.minTasks}) to autoscaling.maxTasks (${a.maxTasks})`,
      );
    }
  } else {
    desiredCount = errors.integer("desiredCount", props.desiredCount ?? 2, 0, 5000);
  }

  const minimumHealthyPercent = errors.integer(
    "minimumHealthyPercent",
    props.minimumHealthyPercent ?? 100,
    0,
    100,
  );
  const maximumPercent = errors.integer("maximumPercent", props.maximumPercent ?? 200, 100, 400);
  if (maximumPercent <= minimumHealthyPercent) {
    errors.fail(
      "maximumPercent",
      `${maximumPercent} must be above minimumHealthyPercent (${minimumHealthyPercent}), or a deployment cannot start a new task`,
    );
  }
  const healthCheckGracePeriodSeconds = errors.integer(
    "healthCheckGracePeriodSeconds",
    props.healthCheckGracePeriodSeconds ?? 60,
    0,
    3600,
  );

  const migrationCommand = props.migrationCommand ?? DEFAULT_MIGRATION_COMMAND;
  if (migrationCommand.length === 0 || migrationCommand.some((arg) => arg.length === 0)) {
    errors.fail("migrationCommand", "must be a non-empty list of non-empty arguments");
  }

  resolveLoadBalancerOptions(props, errors);

  return {
    cpu,
    memoryMiB,
    cpuArchitecture,
    platformVersion,
    containerName,
    containerPort,
    user,
    readonlyRootFilesystem: props.readonlyRootFilesystem ?? true,
    stopTimeoutSeconds,
    logRetentionDays,
    desiredCount,
    minimumHealthyPercent,
    maximumPercent,
    healthCheckGracePeriodSeconds,
    migrationCommand,
    allowAllOutbound: props.allowAllOutbound ?? true,
    internetFacing,
  };
}
