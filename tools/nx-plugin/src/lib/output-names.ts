/**
 * Names of the stack outputs the chain reads; they mirror stacks/src/stacks/stack-outputs.ts
 * (RegistryOutputs, ServiceOutputs) and the local stacks' outputs.
 */
export const OUTPUTS = {
  repositoryUrl: "repository_url",
  clusterArn: "cluster_arn",
  serviceName: "service_name",
  serviceUrl: "service_url",
  containerName: "container_name",
  /** The image reference the service runs. */
  image: "image",
  migrationTaskFamily: "migration_task_family",
  /** The revision the stacks registered; migrate copies it (preferred over the family's latest). */
  migrationTaskDefinitionArn: "migration_task_definition_arn",
  migrationContainerName: "migration_container_name",
  migrationSubnetIds: "migration_subnet_ids",
  migrationSecurityGroupIds: "migration_security_group_ids",
  /** The one-off task creating the service's schema and roles as the admin user ("" without one). */
  dbBootstrapTaskDefinitionArn: "db_bootstrap_task_definition_arn",
  dbBootstrapContainerName: "db_bootstrap_container_name",
  /** "enabled" or "disabled": whether the service's tasks accept ECS Exec (the environment's exec.enabled). */
  executeCommand: "execute_command",
  /** local: the containers of a service's replicas. */
  containerNames: "container_names",
  /** local: the Docker network the database and service containers share. */
  networkName: "network_name",
  /** local: the database connection environment for the migrate container (JSON object of strings). */
  migrationEnvironment: "migration_environment",
} as const;

/** The command that writes stacks/out/outputs/<env>.json for an environment. */
export function outputsProducer(environment: string, foundation: boolean): string {
  return foundation
    ? `npx nx run stacks:apply-foundation -c ${environment}`
    : `npx nx run stacks:apply -c ${environment}`;
}
