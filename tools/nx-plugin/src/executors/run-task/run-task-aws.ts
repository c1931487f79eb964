import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient } from "@aws-sdk/client-ecs";
import { assertAwsAccess, awsClientConfig, regionFrom, regionFromEnv } from "../../lib/aws";
import type { StepLog } from "../../lib/log";
import { OUTPUTS, outputsProducer } from "../../lib/output-names";
import { StackOutputs } from "../../lib/stack-outputs";
import { type OneOffTaskRun, runOneOffTask } from "../migrate/one-off-task";
import type { NormalizedRunTaskOptions } from "./normalize-options";

/**
 * A one-off task of the service's deployed task definition (its image, environment, secrets, roles)
 * with the command overridden, in the service's own subnets and security groups, no public IP.
 */
export async function runTaskAws(
  o: NormalizedRunTaskOptions,
  env: NodeJS.ProcessEnv,
  log: StepLog,
  signal?: AbortSignal,
): Promise<OneOffTaskRun> {
  const outputs = StackOutputs.load(o.outputsFile, outputsProducer(o.environment, false), {
    service: o.service,
    environment: o.environment,
  });
  const cluster = outputs.string(OUTPUTS.clusterArn);
  const serviceName = outputs.string(OUTPUTS.serviceName);
  const containerName = outputs.string(OUTPUTS.containerName);
  const region = regionFrom(cluster) ?? regionFromEnv(env);
  if (!region) throw new Error(`No AWS region: ${cluster} names none and AWS_REGION is unset.`);
  await assertAwsAccess(region, env);
  const config = awsClientConfig(region, env);
  const clients = { ecs: new ECSClient(config), logs: new CloudWatchLogsClient(config) };
  try {
    const described = await clients.ecs.send(
      new DescribeServicesCommand({ cluster, services: [serviceName] }),
    );
    const service = described.services?.find((s) => s.status === "ACTIVE");
    if (!service?.taskDefinition)
      throw new Error(
        `${o.service} has no ACTIVE ECS service ${serviceName} in ${cluster}: deploy it first. Nothing was started.`,
      );
    const network = service.networkConfiguration?.awsvpcConfiguration;
    if (!network?.subnets?.length || !network.securityGroups?.length)
      throw new Error(
        `ECS service ${serviceName} has no awsvpc subnets and security groups to run a task in.`,
      );
    const definition = (
      await clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: service.taskDefinition }))
    ).taskDefinition;
    if (!definition) throw new Error(`Task definition ${service.taskDefinition} does not exist.`);
    log.info(`${service.taskDefinition} (deployed), container ${containerName}: ${o.command.join(" ")}`);
    return await runOneOffTask(
      clients,
      {
        cluster,
        taskDefinitionArn: service.taskDefinition,
        subnets: network.subnets,
        securityGroups: network.securityGroups,
        containerName,
        command: o.command,
        startedBy: `nx-run-task/${env.GITHUB_ACTOR || env.USER || "unknown"}`,
      },
      definition,
      "run-task",
      o,
      log,
      signal,
    );
  } finally {
    clients.ecs.destroy();
    clients.logs.destroy();
  }
}
