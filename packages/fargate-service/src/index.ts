export { AlarmTopic, type AlarmTopicProps } from "./alarm-topic/alarm-topic";
export {
  type ContainerHealthCheck,
  type ContainerImage,
  type ContainerSecret,
  ecrRepositoryArn,
  imageUri,
  secretValueFrom,
} from "./container-definition/container-definition";
export {
  BOOTSTRAP_CONTAINER_NAME,
  BOOTSTRAP_SCRIPT_VARIABLE,
  DatabaseBootstrapTask,
  type DatabaseBootstrapTaskProps,
} from "./database-bootstrap-task/database-bootstrap-task";
export {
  DnsValidatedCertificate,
  type DnsValidatedCertificateProps,
  HOSTED_ZONE_ID,
  type HostedZoneRef,
} from "./dns-validated-certificate/dns-validated-certificate";
export {
  ExecSessionLogging,
  type ExecSessionLoggingProps,
  MIN_EXEC_SESSION_RETENTION_DAYS,
} from "./exec-session-logging/exec-session-logging";
export {
  EXEC_AGENT_WRITABLE_PATHS,
  type ExecuteCommandOptions,
  type ExecuteCommandStatement,
  executeCommandStatements,
} from "./execute-command/execute-command";
export {
  type ClusterRef,
  FARGATE_SERVICE_LOAD_BALANCER_OUTPUT_KEYS,
  FARGATE_SERVICE_OUTPUT_KEYS,
  FargateService,
  type FargateServiceLoadBalancerOutputKey,
  type FargateServiceOutputKey,
  type FargateServiceOutputNames,
  type FargateServiceProps,
  LOG_RETENTION_DAYS,
  type ServiceNetwork,
} from "./fargate-service/fargate-service";
export {
  type DedicatedLoadBalancerIngress,
  type NoIngress,
  SERVICE_INGRESS_KINDS,
  type ServiceIngress,
  type ServiceIngressKind,
} from "./fargate-service/service-ingress";
export {
  describeAllowedMemory,
  FARGATE_CPU_UNITS,
  FARGATE_MEMORY_MIB,
  type FargateCpu,
  validateFargateSize,
} from "./fargate-sizing/fargate-sizing";
export {
  LoadBalancer,
  type LoadBalancerOptions,
  type LoadBalancerProps,
} from "./load-balancer/load-balancer";
export {
  type AliasTarget,
  LoadBalancerAlias,
  type LoadBalancerAliasProps,
} from "./load-balancer-alias/load-balancer-alias";
export {
  type AccessLogDestination,
  LoadBalancerLogBucket,
  type LoadBalancerLogBucketProps,
} from "./load-balancer-log-bucket/load-balancer-log-bucket";
export {
  DEFAULT_MIGRATION_COMMAND,
  MigrationTask,
  type MigrationTaskProps,
} from "./migration-task/migration-task";
export {
  ServiceAlarms,
  type ServiceAlarmsOptions,
  type ServiceAlarmsProps,
} from "./service-alarms/service-alarms";
export {
  MAX_TASKS_PER_SERVICE,
  ServiceAutoscaling,
  type ServiceAutoscalingOptions,
  type ServiceAutoscalingProps,
} from "./service-autoscaling/service-autoscaling";
export {
  APPLICATION_LOAD_BALANCER_OPTION_NAMES,
  type ApplicationLoadBalancerOptions,
  DEFAULT_SSL_POLICY,
  NO_SERVICE_MATCHED_RESPONSE,
  SHARED_LOAD_BALANCER_OUTPUT_KEYS,
  SharedLoadBalancer,
  type SharedLoadBalancerOutputKey,
  type SharedLoadBalancerProps,
} from "./shared-load-balancer/shared-load-balancer";
export {
  type ListenerRuleOptions,
  MAX_LISTENER_RULE_CONDITION_VALUES,
  MAX_LISTENER_RULE_PRIORITY,
  type SharedLoadBalancerIngress,
  SharedLoadBalancerTarget,
  type SharedLoadBalancerTargetProps,
  serviceUrl,
} from "./shared-load-balancer-target/shared-load-balancer-target";
export { TARGET_GROUP_OPTION_NAMES, type TargetGroupOptions } from "./target-group/target-group";
export { CPU_ARCHITECTURES, type CpuArchitecture } from "./task-definition/task-definition";
export { executionRoleStatements, TaskRoles, type TaskRolesProps } from "./task-roles/task-roles";
