import {
  DescribeTasksCommand,
  ECSClient,
  ExecuteCommandCommand,
  ListTasksCommand,
  type Task,
} from "@aws-sdk/client-ecs";
import { assertAwsAccess, awsClientConfig, regionFrom, regionFromEnv } from "../../lib/aws";
import type { StepLog } from "../../lib/log";
import { OUTPUTS, outputsProducer } from "../../lib/output-names";
import { StackOutputs } from "../../lib/stack-outputs";
import { onPath, runAttached } from "./attached";
import { ExecDisabledError, NoRunningTaskError, SessionManagerPluginMissingError } from "./errors";
import type { NormalizedExecOptions } from "./normalize-options";

/** The program the AWS CLI hands ECS Exec sessions to; it speaks the Session Manager protocol. */
export const SESSION_MANAGER_PLUGIN = "session-manager-plugin";

/** What a session is opened in: the task and its container's runtime id (the SSM target). */
export interface ExecTarget {
  readonly cluster: string;
  readonly taskArn: string;
  readonly containerName: string;
  readonly runtimeId: string;
}

/**
 * Checks everything that can be checked before a session exists: exec enabled for the environment
 * (the stack's `execute_command` output), AWS reachable, a RUNNING task of the service with the
 * container. Changes nothing.
 */
export async function findExecTarget(
  o: NormalizedExecOptions,
  env: NodeJS.ProcessEnv,
  log: StepLog,
): Promise<{ readonly target: ExecTarget; readonly region: string }> {
  const outputs = StackOutputs.load(o.outputsFile, outputsProducer(o.environment, false), {
    service: o.service,
    environment: o.environment,
  });
  const state = outputs.string(OUTPUTS.executeCommand);
  if (state !== "enabled") {
    throw new ExecDisabledError(
      `ECS Exec is ${state} for ${o.service} in ${o.environment} (stack output ${OUTPUTS.executeCommand}): set \`exec: { enabled: true }\` in stacks/src/config/${o.environment}.ts and apply (npx nx run ${o.service}:deploy -c ${o.environment}). Nothing was changed.`,
    );
  }
  const cluster = outputs.string(OUTPUTS.clusterArn);
  const serviceName = outputs.string(OUTPUTS.serviceName);
  const containerName = outputs.string(OUTPUTS.containerName);
  const region = regionFrom(cluster) ?? regionFromEnv(env);
  if (!region) throw new Error(`No AWS region: ${cluster} names none and AWS_REGION is unset.`);
  await assertAwsAccess(region, env);
  const ecs = new ECSClient(awsClientConfig(region, env));
  try {
    const listed = await ecs.send(new ListTasksCommand({ cluster, serviceName, desiredStatus: "RUNNING" }));
    const tasks: Task[] = listed.taskArns?.length
      ? ((await ecs.send(new DescribeTasksCommand({ cluster, tasks: listed.taskArns }))).tasks ?? [])
      : [];
    // The service's own tasks (group service:<name>), not one-off tasks in the same cluster.
    const running = tasks.filter((t) => t.lastStatus === "RUNNING" && t.group === `service:${serviceName}`);
    const task = running.find((t) => t.containers?.some((c) => c.name === containerName && c.runtimeId));
    if (!task?.taskArn) {
      throw new NoRunningTaskError(
        `${o.service} has no RUNNING task in ${o.environment} (ECS service ${serviceName} in ${cluster}${running.length > 0 ? `; ${running.length} running without a started container ${containerName}` : ""}): deploy it or wait for a task to start. Nothing was changed.`,
      );
    }
    const runtimeId = task.containers?.find((c) => c.name === containerName)?.runtimeId ?? "";
    log.info(`task ${task.taskArn.slice(task.taskArn.lastIndexOf("/") + 1)}, container ${containerName}`);
    return { target: { cluster, taskArn: task.taskArn, containerName, runtimeId }, region };
  } finally {
    ecs.destroy();
  }
}

/** The Session Manager target of an ECS Exec session, as the AWS CLI builds it. */
export function sessionTarget(t: ExecTarget): string {
  const clusterName = t.cluster.slice(t.cluster.lastIndexOf("/") + 1);
  const taskId = t.taskArn.slice(t.taskArn.lastIndexOf("/") + 1);
  return `ecs:${clusterName}_${taskId}_${t.runtimeId}`;
}

/**
 * ECS Exec into a RUNNING task of the service: ExecuteCommand (interactive, the only mode ECS has),
 * then the session is handed to session-manager-plugin on this terminal. Resolves with the plugin's
 * exit code (the plugin does not report the remote command's).
 */
export async function execAws(
  o: NormalizedExecOptions,
  env: NodeJS.ProcessEnv,
  log: StepLog,
): Promise<number> {
  const { target, region } = await findExecTarget(o, env, log);
  // Before ExecuteCommand: a session nobody attaches to would only time out.
  if (!(await onPath(SESSION_MANAGER_PLUGIN, env))) {
    throw new SessionManagerPluginMissingError(
      `${SESSION_MANAGER_PLUGIN} is not on PATH; ECS Exec sessions need it (https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-working-with-install-plugin.html). No session was started.`,
    );
  }
  const config = awsClientConfig(region, env);
  const ecs = new ECSClient(config);
  try {
    const started = await ecs.send(
      new ExecuteCommandCommand({
        cluster: target.cluster,
        task: target.taskArn,
        container: target.containerName,
        // ECS takes one string and splits it on spaces itself (no shell in between).
        command: o.command.join(" "),
        interactive: true,
      }),
    );
    if (!started.session) throw new Error(`ExecuteCommand on ${target.taskArn} returned no session.`);
    const endpoint = config.endpoint ?? `https://ecs.${region}.amazonaws.com`;
    return await runAttached(
      SESSION_MANAGER_PLUGIN,
      [
        JSON.stringify(started.session),
        region,
        "StartSession",
        env.AWS_PROFILE ?? "",
        JSON.stringify({ Target: sessionTarget(target) }),
        endpoint,
      ],
      env,
    );
  } finally {
    ecs.destroy();
  }
}
