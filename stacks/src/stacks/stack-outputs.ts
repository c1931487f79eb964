import { serviceOutputName } from "@platform/toolchain";

/**
 * The outputs each layer exports and its readers consume, with the placeholders a reader uses while the
 * upstream stack has not been applied. One place, so producer and consumer cannot drift apart.
 */
export type OutputValues = Record<string, string | number | string[]>;

/** Account id inside placeholder ARNs: clearly fake, and Terraform's ARN validators accept it. */
const PLACEHOLDER_ACCOUNT = "000000000000";

/** One service's repository in the shared registry stack. */
export interface RegistryOutputs extends OutputValues {
  repository_url: string;
  repository_arn: string;
  repository_name: string;
}

/**
 * The registry stack holds every service's repository, so its outputs carry the service:
 * `<service with _ for ->_<key>`, e.g. `post_worker_repository_url` (the chain reads the same names).
 */
export function registryOutputName(service: string, key: keyof RegistryOutputs & string): string {
  return serviceOutputName(service, key);
}

export function registryPlaceholders(region: string, repositoryName: string): RegistryOutputs {
  return {
    repository_url: `${PLACEHOLDER_ACCOUNT}.dkr.ecr.${region}.amazonaws.com/${repositoryName}`,
    repository_arn: `arn:aws:ecr:${region}:${PLACEHOLDER_ACCOUNT}:repository/${repositoryName}`,
    repository_name: repositoryName,
  };
}

/** `RegistryOutputs` of one service under the registry stack's names for them. */
export function prefixRegistryOutputs(service: string, outputs: RegistryOutputs): OutputValues {
  return Object.fromEntries(
    Object.entries(outputs).map(([key, value]) => [registryOutputName(service, key), value]),
  );
}

export interface NetworkOutputs extends OutputValues {
  vpc_id: string;
  vpc_cidr: string;
  public_subnet_ids: string[];
  private_subnet_ids: string[];
  availability_zones: string[];
}

export function networkPlaceholders(vpcCidr: string, azCount: number): NetworkOutputs {
  const ids = (prefix: string) => Array.from({ length: azCount }, (_, i) => `${prefix}-placeholder${i}`);
  return {
    vpc_id: "vpc-placeholder",
    vpc_cidr: vpcCidr,
    public_subnet_ids: ids("subnet-public"),
    private_subnet_ids: ids("subnet-private"),
    availability_zones: Array.from({ length: azCount }, (_, i) => `placeholder-az${i}`),
  };
}

export interface DatabaseOutputs extends OutputValues {
  db_endpoint: string;
  db_port: number;
  db_name: string;
  db_secret_arn: string;
  db_security_group_id: string;
}

export function databasePlaceholders(region: string): DatabaseOutputs {
  return {
    db_endpoint: "placeholder.invalid",
    db_port: 5432,
    db_name: "app",
    db_secret_arn: `arn:aws:secretsmanager:${region}:${PLACEHOLDER_ACCOUNT}:secret:placeholder-AbCdEf`,
    db_security_group_id: "sg-00000000",
  };
}

/** Per database owner, what `database-<env>` exports: its two logins' secret ARNs. */
export type DatabaseCredentialKey = "db_app_secret_arn" | "db_migrator_secret_arn";

/** `<owner>_db_app_secret_arn` and `<owner>_db_migrator_secret_arn` (owner in snake_case). */
export function databaseCredentialOutputName(owner: string, key: DatabaseCredentialKey): string {
  return serviceOutputName(owner, key);
}

export function databaseCredentialPlaceholders(region: string, owner: string): OutputValues {
  const arn = (kind: string) =>
    `arn:aws:secretsmanager:${region}:${PLACEHOLDER_ACCOUNT}:secret:placeholder-${kind}-AbCdEf`;
  return {
    [databaseCredentialOutputName(owner, "db_app_secret_arn")]: arn("app"),
    [databaseCredentialOutputName(owner, "db_migrator_secret_arn")]: arn("migrator"),
  };
}

/**
 * What `platform-<env>` exports: the shared cluster, and (when the environment has web services) the
 * shared load balancer's listener and security group that each web service attaches its rule to.
 */
export interface PlatformOutputs extends OutputValues {
  cluster_arn: string;
  cluster_name: string;
  /** SNS topic every service alarm notifies. */
  alarm_topic_arn: string;
  /** The key of the cluster's ECS Exec sessions (a service's task role may decrypt with it). */
  exec_session_kms_key_arn: string;
  /** `/ecs/<env>/exec-sessions`, where the cluster logs ECS Exec sessions. */
  exec_session_log_group_arn: string;
}

export interface PlatformLoadBalancerOutputs extends OutputValues {
  listener_arn: string;
  load_balancer_arn_suffix: string;
  load_balancer_security_group_id: string;
  load_balancer_url: string;
}

export function platformPlaceholders(region: string, env: string): PlatformOutputs {
  return {
    cluster_arn: `arn:aws:ecs:${region}:${PLACEHOLDER_ACCOUNT}:cluster/${env}`,
    cluster_name: env,
    alarm_topic_arn: `arn:aws:sns:${region}:${PLACEHOLDER_ACCOUNT}:${env}-alarms`,
    exec_session_kms_key_arn: `arn:aws:kms:${region}:${PLACEHOLDER_ACCOUNT}:key/00000000-0000-0000-0000-000000000000`,
    exec_session_log_group_arn: `arn:aws:logs:${region}:${PLACEHOLDER_ACCOUNT}:log-group:/ecs/${env}/exec-sessions`,
  };
}

export function platformLoadBalancerPlaceholders(region: string, env: string): PlatformLoadBalancerOutputs {
  return {
    listener_arn: `arn:aws:elasticloadbalancing:${region}:${PLACEHOLDER_ACCOUNT}:listener/app/${env}/0000000000000000/0000000000000000`,
    load_balancer_arn_suffix: `app/${env}/0000000000000000`,
    load_balancer_security_group_id: "sg-00000000",
    load_balancer_url: `http://${env}.placeholder.invalid`,
  };
}

/**
 * What a service's stack exports: its URL (empty for a worker), and everything the migrate step needs
 * for RunTask. Names repeat across service stacks; readers pick the stack of their service.
 */
export interface ServiceOutputs extends OutputValues {
  service_url: string;
  cluster_arn: string;
  cluster_name: string;
  service_name: string;
  container_name: string;
  image: string;
  task_definition_arn: string;
  migration_task_family: string;
  migration_task_definition_arn: string;
  migration_container_name: string;
  migration_subnet_ids: string[];
  migration_security_group_ids: string[];
  log_group_name: string;
  /** The one-off task that creates the service's schema and roles as the admin user; "" without one. */
  db_bootstrap_task_definition_arn: string;
  db_bootstrap_container_name: string;
  /** "enabled" when the environment's `exec.enabled` lets the service's tasks accept ECS Exec, else "disabled". */
  execute_command: "enabled" | "disabled";
}
