import type {
  ContainerHealthCheck,
  ContainerImage,
  ContainerSecret,
} from "../container-definition/container-definition";
import type { ExecuteCommandOptions } from "../execute-command/execute-command";
import type { LoadBalancerOptions } from "../load-balancer/load-balancer";
import type { ServiceAlarmsOptions } from "../service-alarms/service-alarms";
import type { ServiceAutoscalingOptions } from "../service-autoscaling/service-autoscaling";
import type { CpuArchitecture } from "../task-definition/task-definition";
import type { ServiceIngress } from "./service-ingress";

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

/**
 * Props of a FargateService. The load balancer options inherited from LoadBalancerOptions
 * (`certificateArn`, `internetFacing`, ...: the ALB's) apply only to ingress kind
 * "dedicatedLoadBalancer"; the target group ones (`healthCheckPath`, ...) to both load balancer
 * kinds; with "none" every one of them is refused.
 */
export interface FargateServiceProps extends LoadBalancerOptions {
  /**
   * Service name: also the cluster, task family, ALB and log group name, and the prefix of roles,
   * security groups, target group and outputs. 2-28 characters of a-z, 0-9 and "-", starting with
   * a letter, not ending with "-", not starting with "internal-".
   */
  readonly name: string;
  /**
   * How requests reach the tasks: `{ kind: "dedicatedLoadBalancer", ...ALB options }` (an ALB of
   * the service's own), a `SharedLoadBalancerIngress` (a listener rule and target group on an
   * environment's `SharedLoadBalancer`, e.g. `sharedLoadBalancer.ingressFor(rule)` or its outputs
   * read from remote state), or `{ kind: "none" }` (a worker: no load balancer, no port, no
   * ingress at all).
   * @default { kind: "dedicatedLoadBalancer" } (with the ALB options given directly on the props)
   */
  readonly ingress?: ServiceIngress;
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
   * Port the container listens on, 1..65535. Refused with ingress kind "none" (no port mapping).
   * @default 8080 (none with ingress kind "none")
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
   * The migration task's secrets instead of `secrets`, e.g. a login that may change the schema while
   * the service's may only change rows. The execution role may read these too.
   * @default - the same as `secrets`
   */
  readonly migrationSecrets?: Record<string, ContainerSecret>;
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
   * Target-tracking autoscaling on CPU, and on ALB requests per target with a load balancer
   * (with ingress kind "none" CPU only; `requestsPerTarget` is refused there).
   * @default undefined (fixed desiredCount)
   */
  readonly autoscaling?: ServiceAutoscalingOptions;
  /**
   * CloudWatch alarms of the service (CPU, memory; with a load balancer also target 5xx, load
   * balancer 5xx, unhealthy hosts, p95 response time). The target 5xx and unhealthy-host alarms are
   * the deployment's `alarms`: a version that trips them during its rollout is rolled back.
   * @default undefined - no alarms; the circuit breaker alone guards deployments
   */
  readonly alarms?: ServiceAlarmsOptions;
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
   * Seconds ECS ignores failing ALB health checks of a new task, 0..3600. Refused with ingress
   * kind "none" (no load balancer health checks).
   * @default 60 (unset with ingress kind "none")
   */
  readonly healthCheckGracePeriodSeconds?: number;
  /**
   * Health check ECS runs inside the service's container (not the migration task's), e.g.
   * `{ command: ["CMD", "node", "dist/health.js"] }`; the way to health-check a worker.
   * @default undefined (no container health check)
   */
  readonly containerHealthCheck?: ContainerHealthCheck;
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
   * ECS Exec into the service's tasks (`aws ecs execute-command`): the service enables it, the task
   * role may open Session Manager channels, decrypt with the cluster's exec key and write the session
   * log, and with a read-only root filesystem the agent gets writable task-local volumes at
   * EXEC_AGENT_WRITABLE_PATHS. The cluster must carry the matching executeCommandConfiguration
   * (`ExecSessionLogging`). The migration task is not affected.
   * @default - ECS Exec off
   */
  readonly executeCommand?: ExecuteCommandOptions;
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

/**
 * Output keys that exist only with a load balancer: `url` and `target_group_arn` with either load
 * balancer kind, `load_balancer_dns_name` only with a dedicated one.
 */
export const FARGATE_SERVICE_LOAD_BALANCER_OUTPUT_KEYS = [
  "url",
  "load_balancer_dns_name",
  "target_group_arn",
] as const satisfies readonly FargateServiceOutputKey[];
export type FargateServiceLoadBalancerOutputKey = (typeof FARGATE_SERVICE_LOAD_BALANCER_OUTPUT_KEYS)[number];

/** Terraform output name per key; the load balancer keys only where that output exists. */
export type FargateServiceOutputNames = Readonly<
  Record<Exclude<FargateServiceOutputKey, FargateServiceLoadBalancerOutputKey>, string>
> &
  Readonly<Partial<Record<FargateServiceLoadBalancerOutputKey, string>>>;
