import {
  type ResolvedContainerHealthCheck,
  resolveContainerHealthCheck,
  validateEnvironmentAndSecrets,
  validateImage,
} from "../container-definition/container-definition";
import { validateExecuteCommand } from "../execute-command/execute-command";
import { validateFargateSize } from "../fargate-sizing/fargate-sizing";
import { DEFAULT_MIGRATION_COMMAND } from "../migration-task/migration-task";
import { resolveAlarmOptions } from "../service-alarms/service-alarms";
import { resolveAutoscalingOptions } from "../service-autoscaling/service-autoscaling";
import { CPU_ARCHITECTURES, type CpuArchitecture } from "../task-definition/task-definition";
import { PropErrors } from "../validation/validation";
import { type FargateServiceProps, LOG_RETENTION_DAYS } from "./fargate-service-props";
import { type ResolvedIngress, resolveIngress } from "./service-ingress";

const NAME = /^(?!internal-)[a-z][a-z0-9-]{0,26}[a-z0-9]$/;

export interface ValidatedProps {
  readonly cpu: number;
  readonly memoryMiB: number;
  readonly cpuArchitecture: CpuArchitecture;
  readonly platformVersion: string;
  readonly containerName: string;
  /** Undefined with ingress kind "none" (no port mapping). */
  readonly containerPort?: number;
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
  readonly containerHealthCheck?: ResolvedContainerHealthCheck;
  readonly ingress: ResolvedIngress;
}

/** Validates every prop (errors name the prop and the allowed values) and applies defaults. */
export function validateFargateServiceProps(props: FargateServiceProps): ValidatedProps {
  const errors = new PropErrors("FargateService");
  if (!NAME.test(props.name)) {
    errors.fail(
      "name",
      `"${props.name}" is invalid: 2-28 characters of a-z, 0-9 and "-", starting with a letter, not ending with "-", not starting with "internal-"`,
    );
  }

  errors.pattern("network.vpcId", props.network.vpcId, /^vpc-[0-9a-f]+$/, "use a VPC id (vpc-...)");
  errors.minItems(
    "network.privateSubnetIds",
    props.network.privateSubnetIds,
    1,
    "tasks run in the private subnets",
  );

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
  const worker = props.ingress?.kind === "none";
  // With kind "none" a containerPort is refused by resolveIngress.
  const containerPort = worker
    ? undefined
    : errors.integer("containerPort", props.containerPort ?? 8080, 1, 65535);

  validateEnvironmentAndSecrets(errors, props.environment ?? {}, props.secrets ?? {});
  if (props.migrationSecrets) {
    validateEnvironmentAndSecrets(
      errors,
      props.environment ?? {},
      props.migrationSecrets,
      "migrationSecrets",
    );
  }
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

  if (props.alarms) resolveAlarmOptions(props.alarms, errors, "alarms.");

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

  const containerHealthCheck =
    props.containerHealthCheck && resolveContainerHealthCheck(errors, props.containerHealthCheck);
  const ingress = resolveIngress(props, errors);
  if (props.executeCommand) validateExecuteCommand(errors, props.executeCommand);

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
    containerHealthCheck,
    ingress,
  };
}
