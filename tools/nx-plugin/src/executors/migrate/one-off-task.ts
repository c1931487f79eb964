/**
 * One-off Fargate tasks of the migrate step (the database bootstrap, the migration): RunTask in the
 * private subnets, wait for STOPPED, show the container's CloudWatch log lines, judge its exit code, and
 * stop the task when waiting ends early (timeout, interrupt) so nothing runs unattended.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { type CloudWatchLogsClient, GetLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import {
  DescribeTasksCommand,
  type ECSClient,
  RunTaskCommand,
  StopTaskCommand,
  type Task,
  type TaskDefinition,
} from "@aws-sdk/client-ecs";
import { errorMessage, type StepLog } from "../../lib/log";
import { evaluateStoppedTask, type MigrationRunInput, migrationRunTaskInput } from "./run-task";
import { awslogsLocation } from "./task-definition";

const HEARTBEAT_SECONDS = 30;

export interface OneOffTaskClients {
  readonly ecs: ECSClient;
  readonly logs: CloudWatchLogsClient;
}

export interface TaskWaitOptions {
  readonly timeoutSeconds: number;
  readonly pollIntervalSeconds: number;
}

export interface OneOffTaskRun {
  readonly taskArn: string;
  readonly task: Task;
  /** The container's log lines (also printed). */
  readonly lines: readonly string[];
  readonly outcome: ReturnType<typeof evaluateStoppedTask>;
}

/** Runs `definition` once as `input` says; `what` names the task in messages ("migration"). */
export async function runOneOffTask(
  clients: OneOffTaskClients,
  input: MigrationRunInput,
  definition: TaskDefinition,
  what: string,
  o: TaskWaitOptions,
  log: StepLog,
  signal?: AbortSignal,
): Promise<OneOffTaskRun> {
  const { ecs, logs } = clients;
  const started = await ecs.send(new RunTaskCommand(migrationRunTaskInput(input)));
  const failure = started.failures?.[0];
  const taskArn = started.tasks?.[0]?.taskArn;
  if (failure || !taskArn) {
    throw new Error(
      `RunTask started no ${what} task: ${failure ? `${failure.reason} (${failure.arn ?? ""} ${failure.detail ?? ""})` : "no task returned"}`,
    );
  }
  log.info(`${what}: RunTask ${taskArn} (private subnets ${input.subnets.join(", ")}, no public IP)`);
  let stopped = false;
  try {
    const task = await waitForStopped(ecs, input.cluster, taskArn, what, o, log, signal);
    stopped = true;
    const lines = await fetchLogLines(logs, definition, input.containerName, taskArn, log);
    return { taskArn, task, lines, outcome: evaluateStoppedTask(task, input.containerName) };
  } finally {
    if (!stopped) {
      await ecs
        .send(
          new StopTaskCommand({
            cluster: input.cluster,
            task: taskArn,
            reason: `nx migrate: the ${what} timed out or was interrupted`,
          }),
        )
        .then(() => log.info(`stopped ${taskArn}`))
        .catch((err) => log.info(`could not stop ${taskArn}: ${errorMessage(err)}`));
    }
  }
}

async function waitForStopped(
  ecs: ECSClient,
  cluster: string,
  taskArn: string,
  what: string,
  o: TaskWaitOptions,
  log: StepLog,
  signal?: AbortSignal,
): Promise<Task> {
  const deadline = Date.now() + o.timeoutSeconds * 1000;
  let lastStatus = "";
  let lastReport = Date.now();
  for (;;) {
    signal?.throwIfAborted();
    const res = await ecs.send(new DescribeTasksCommand({ cluster, tasks: [taskArn] }));
    const task = res.tasks?.[0];
    if (!task) {
      const f = res.failures?.[0];
      throw new Error(`DescribeTasks does not know ${taskArn}${f ? `: ${f.reason} ${f.detail ?? ""}` : ""}`);
    }
    const status = task.lastStatus ?? "UNKNOWN";
    if (status !== lastStatus || Date.now() - lastReport >= HEARTBEAT_SECONDS * 1000) {
      log.info(`task ${status}${status === lastStatus ? " (still)" : ""}`);
      lastStatus = status;
      lastReport = Date.now();
    }
    if (status === "STOPPED") return task;
    if (Date.now() >= deadline) {
      throw new Error(
        `The ${what} task ${taskArn} did not stop within ${o.timeoutSeconds}s (last status ${status}).`,
      );
    }
    await sleep(o.pollIntervalSeconds * 1000, undefined, { signal });
  }
}

export async function fetchLogLines(
  logs: CloudWatchLogsClient,
  definition: TaskDefinition,
  containerName: string,
  taskArn: string,
  log: StepLog,
): Promise<string[]> {
  const where = awslogsLocation(definition, containerName, taskArn);
  if (!where) {
    log.info(`container ${containerName} does not use the awslogs driver; no log lines to show`);
    return [];
  }
  const lines: string[] = [];
  let token: string | undefined;
  try {
    for (let page = 0; page < 50; page++) {
      const res = await logs.send(
        new GetLogEventsCommand({
          logGroupName: where.group,
          logStreamName: where.stream,
          startFromHead: true,
          nextToken: token,
        }),
      );
      for (const e of res.events ?? []) lines.push(e.message ?? "");
      if (!res.nextForwardToken || res.nextForwardToken === token) break;
      token = res.nextForwardToken;
    }
  } catch (err) {
    log.info(`no log lines from ${where.group}/${where.stream}: ${errorMessage(err)}`);
    return lines;
  }
  log.info(`${lines.length} log line(s) from ${where.group}/${where.stream}${lines.length ? ":" : ""}`);
  for (const line of lines) console.log(`  | ${line}`);
  return lines;
}
