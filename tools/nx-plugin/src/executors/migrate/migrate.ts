import { setTimeout as sleep } from "node:timers/promises";
import { CloudWatchLogsClient, GetLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import {
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  type Task,
  type TaskDefinition,
} from "@aws-sdk/client-ecs";
import { serviceDatabaseRoles } from "@platform/toolchain";
import { assertAwsAccess, awsClientConfig, regionFrom, regionFromEnv } from "../../lib/aws";
import { type MigrationRecord, readPushedImage, writeJsonFile } from "../../lib/deploy-files";
import { assertDockerEngine } from "../../lib/docker";
import { environmentKind } from "../../lib/environment";
import { CommandError, run } from "../../lib/exec";
import { withInterrupt } from "../../lib/interrupt";
import { errorMessage, StepLog } from "../../lib/log";
import { OUTPUTS, outputsProducer } from "../../lib/output-names";
import { StackOutputs } from "../../lib/stack-outputs";
import { type ChainToolchain, childEnv, loadChainToolchain } from "../../lib/toolchain";
import { bootstrapLocalDatabase } from "./local-bootstrap";
import { localMigrationRunArgs } from "./local-run-args";
import type { NormalizedMigrateOptions } from "./normalize-options";
import { evaluateStoppedTask, type MigrationRunInput, migrationRunTaskInput } from "./run-task";
import { awslogsLocation, migrationContainerName, taskDefinitionWithImage } from "./task-definition";

/** Lines of the migration's own output repeated in the failure message. */
const FAILURE_LOG_LINES = 25;
const HEARTBEAT_SECONDS = 30;

export async function migrate(
  o: NormalizedMigrateOptions,
  log = new StepLog(`migrate ${o.environment}`),
): Promise<MigrationRecord> {
  return withInterrupt((signal) =>
    environmentKind(o.environment) === "local"
      ? migrateLocal(o, loadChainToolchain(), log, signal)
      : migrateAws(o, process.env, log, signal),
  );
}

export async function migrateLocal(
  o: NormalizedMigrateOptions,
  toolchain: ChainToolchain,
  log: StepLog,
  signal?: AbortSignal,
): Promise<MigrationRecord> {
  const pushed = readPushedImage(o.imageFile);
  const outputs = StackOutputs.load(o.outputsFile, outputsProducer(o.environment, true), {
    service: o.service,
    environment: o.environment,
  });
  const network = outputs.string(OUTPUTS.networkName);
  const dbEnv = outputs.record(OUTPUTS.migrationEnvironment);
  await assertDockerEngine(childEnv(toolchain));
  const host = dbEnv.PGHOST;
  if (!host) throw new Error(`${o.outputsFile}: the local migration environment has no PGHOST.`);
  const adminPassword =
    dbEnv.PGPASSWORD || (await localDatabasePassword(host, childEnv(toolchain), o.environment));
  // The admin user only creates the service's schema and roles; the migration runs as its migrator.
  const migrator = await bootstrapLocalDatabase(
    {
      container: host,
      adminUser: dbEnv.PGUSER ?? "postgres",
      adminPassword,
      database: dbEnv.PGDATABASE ?? "postgres",
      roles: serviceDatabaseRoles(o.service),
      env: childEnv(toolchain),
      signal,
    },
    log,
  );
  const migrationEnv = { ...dbEnv, ...migrator };
  const env = childEnv(toolchain, migrationEnv);

  const name = `migrate-${o.environment}-${Date.now()}`;
  const args = localMigrationRunArgs({
    name,
    network,
    envKeys: Object.keys(migrationEnv),
    image: pushed.reference,
    command: o.command,
    labels: { "platform.migration": o.environment, "org.opencontainers.image.revision": pushed.gitSha },
  });
  const startedAt = new Date();
  log.info(`docker run --rm ${pushed.reference} ${o.command.join(" ")} on network ${network}`);
  let exitCode: number | null = null;
  let failure: CommandError | undefined;
  try {
    await run("docker", args, { env, echo: true, prefix: "  | ", signal });
    exitCode = 0;
  } catch (err) {
    if (!(err instanceof CommandError)) throw err;
    failure = err;
    exitCode = err.exitCode;
  } finally {
    // Gone already after --rm; present only when interrupted or the CLI died.
    await run("docker", ["rm", "--force", name], { env, allowExitCodes: [1] }).catch(() => undefined);
  }
  const record: MigrationRecord = {
    environment: o.environment,
    reference: pushed.reference,
    runId: name,
    exitCode,
    succeeded: exitCode === 0,
    durationSeconds: secondsSince(startedAt),
    startedAt: startedAt.toISOString(),
  };
  writeJsonFile(o.outputFile, record);
  signal?.throwIfAborted();
  if (failure) {
    throw new Error(
      `The migration failed (container ${name}, exit code ${exitCode}); nothing was applied and the running ` +
        `service is untouched.\n${failure.message}`,
    );
  }
  log.info(`migration succeeded in ${record.durationSeconds}s -> ${o.outputFile}`);
  return record;
}

/**
 * The local stacks keep the database password out of their outputs; the migration uses the one the
 * running database container was started with (its POSTGRES_PASSWORD).
 */
async function localDatabasePassword(
  host: string,
  env: NodeJS.ProcessEnv,
  environment: string,
): Promise<string> {
  const res = await run("docker", ["container", "inspect", "--format", "{{json .Config.Env}}", host], {
    env,
    allowExitCodes: [1],
  });
  if (res.exitCode !== 0) {
    throw new Error(
      `The database container ${host} does not exist; apply the local foundation first ` +
        `(\`${outputsProducer(environment, true)}\`).`,
    );
  }
  const entry = (JSON.parse(res.stdout) as string[]).find((e) => e.startsWith("POSTGRES_PASSWORD="));
  if (!entry) throw new Error(`The database container ${host} has no POSTGRES_PASSWORD to connect with.`);
  return entry.slice("POSTGRES_PASSWORD=".length);
}

export async function migrateAws(
  o: NormalizedMigrateOptions,
  env: NodeJS.ProcessEnv,
  log: StepLog,
  signal?: AbortSignal,
): Promise<MigrationRecord> {
  const pushed = readPushedImage(o.imageFile);
  const outputs = StackOutputs.load(o.outputsFile, outputsProducer(o.environment, true), {
    service: o.service,
    environment: o.environment,
  });
  const cluster = outputs.string(OUTPUTS.clusterArn);
  // The revision the stacks registered (exactly the IaC's definition), else the family's latest.
  const baseDefinition = outputs.firstString([
    OUTPUTS.migrationTaskDefinitionArn,
    OUTPUTS.migrationTaskFamily,
  ]);
  const namedContainer = outputs.optionalString(OUTPUTS.migrationContainerName);
  const subnets = outputs.stringList(OUTPUTS.migrationSubnetIds);
  const securityGroups = outputs.stringList(OUTPUTS.migrationSecurityGroupIds);
  const region = regionFrom(cluster) ?? regionFromEnv(env);
  if (!region) throw new Error(`No AWS region: ${cluster} names none and AWS_REGION is unset.`);
  await assertAwsAccess(region, env);

  const config = awsClientConfig(region, env);
  const ecs = new ECSClient(config);
  const logs = new CloudWatchLogsClient(config);
  const startedAt = new Date();
  let taskArn: string | undefined;
  let stopped = false;
  try {
    const bootstrapArn = outputs.has(OUTPUTS.dbBootstrapTaskDefinitionArn)
      ? outputs.string(OUTPUTS.dbBootstrapTaskDefinitionArn, { allowEmpty: true })
      : "";
    if (bootstrapArn) {
      await runDatabaseBootstrap(
        ecs,
        logs,
        {
          cluster,
          taskDefinitionArn: bootstrapArn,
          containerName: outputs.string(OUTPUTS.dbBootstrapContainerName),
          subnets,
          securityGroups,
          startedBy: `nx-migrate-bootstrap/${pushed.gitSha}`,
        },
        o,
        log,
        signal,
      );
    }
    const current = await ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: baseDefinition, include: ["TAGS"] }),
    );
    if (!current.taskDefinition) throw new Error(`Task definition ${baseDefinition} does not exist.`);
    const containerName = migrationContainerName(current.taskDefinition, namedContainer);
    const registered = await ecs.send(
      new RegisterTaskDefinitionCommand(
        taskDefinitionWithImage(current.taskDefinition, current.tags, containerName, pushed.reference),
      ),
    );
    const definition = registered.taskDefinition;
    const taskDefinitionArn = definition?.taskDefinitionArn;
    if (!definition || !taskDefinitionArn)
      throw new Error("RegisterTaskDefinition returned no task definition.");
    log.info(`registered ${taskDefinitionArn} with ${pushed.reference}`);

    const started = await ecs.send(
      new RunTaskCommand(
        migrationRunTaskInput({
          cluster,
          taskDefinitionArn,
          subnets,
          securityGroups,
          containerName,
          command: o.command,
          startedBy: `nx-migrate/${pushed.gitSha}`,
        }),
      ),
    );
    const failure = started.failures?.[0];
    taskArn = started.tasks?.[0]?.taskArn;
    if (failure || !taskArn) {
      throw new Error(
        `RunTask started no migration task: ${failure ? `${failure.reason} (${failure.arn ?? ""} ${failure.detail ?? ""})` : "no task returned"}`,
      );
    }
    log.info(`RunTask ${taskArn} (private subnets ${subnets.join(", ")}, no public IP)`);
    const task = await waitForStopped(ecs, cluster, taskArn, o, log, signal);
    stopped = true;
    const lines = await fetchLogLines(logs, definition, containerName, taskArn, log);
    const outcome = evaluateStoppedTask(task, containerName);
    const record: MigrationRecord = {
      environment: o.environment,
      reference: pushed.reference,
      runId: taskArn,
      taskDefinitionArn,
      exitCode: outcome.exitCode,
      succeeded: outcome.ok,
      durationSeconds: secondsSince(startedAt),
      startedAt: startedAt.toISOString(),
      stoppedReason: task.stoppedReason,
    };
    writeJsonFile(o.outputFile, record);
    if (!outcome.ok) {
      const tail = lines.slice(-FAILURE_LOG_LINES).join("\n");
      throw new Error(
        `Migration task ${taskArn} failed: ${outcome.reason}. Nothing was applied; the running service is untouched.` +
          (tail ? `\nLast log lines:\n${tail}` : ""),
      );
    }
    log.info(`migration succeeded (exit 0) in ${record.durationSeconds}s -> ${o.outputFile}`);
    return record;
  } finally {
    if (taskArn && !stopped) {
      // Timed out or interrupted: do not leave a migration running unattended.
      await ecs
        .send(
          new StopTaskCommand({ cluster, task: taskArn, reason: "nx migrate timed out or was interrupted" }),
        )
        .then(() => log.info(`stopped ${taskArn}`))
        .catch((err) => log.info(`could not stop ${taskArn}: ${errorMessage(err)}`));
    }
    ecs.destroy();
    logs.destroy();
  }
}

/**
 * The service's schema and roles, created as the admin user by the stacks' one-off bootstrap task
 * (idempotent) before the migration connects as the migrator. A failure stops the chain here.
 */
async function runDatabaseBootstrap(
  ecs: ECSClient,
  logs: CloudWatchLogsClient,
  input: MigrationRunInput,
  o: NormalizedMigrateOptions,
  log: StepLog,
  signal?: AbortSignal,
): Promise<void> {
  const started = await ecs.send(new RunTaskCommand(migrationRunTaskInput(input)));
  const taskArn = started.tasks?.[0]?.taskArn;
  const failure = started.failures?.[0];
  if (failure || !taskArn) {
    throw new Error(
      `RunTask started no database bootstrap task: ${failure ? `${failure.reason} (${failure.arn ?? ""} ${failure.detail ?? ""})` : "no task returned"}. No migration ran.`,
    );
  }
  log.info(`database bootstrap: RunTask ${taskArn} (${input.taskDefinitionArn})`);
  let stopped = false;
  try {
    const task = await waitForStopped(ecs, input.cluster, taskArn, o, log, signal);
    stopped = true;
    const definition = (
      await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: input.taskDefinitionArn }))
    ).taskDefinition;
    const lines = definition ? await fetchLogLines(logs, definition, input.containerName, taskArn, log) : [];
    const outcome = evaluateStoppedTask(task, input.containerName);
    if (!outcome.ok) {
      const tail = lines.slice(-FAILURE_LOG_LINES).join("\n");
      throw new Error(
        `Database bootstrap task ${taskArn} failed: ${outcome.reason}. No migration ran and nothing was applied.` +
          (tail ? `\nLast log lines:\n${tail}` : ""),
      );
    }
    log.info("database bootstrap succeeded (exit 0)");
  } finally {
    if (!stopped) {
      await ecs
        .send(
          new StopTaskCommand({
            cluster: input.cluster,
            task: taskArn,
            reason: "nx migrate timed out or was interrupted",
          }),
        )
        .catch((err) => log.info(`could not stop ${taskArn}: ${errorMessage(err)}`));
    }
  }
}

async function waitForStopped(
  ecs: ECSClient,
  cluster: string,
  taskArn: string,
  o: NormalizedMigrateOptions,
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
        `Migration task ${taskArn} did not stop within ${o.timeoutSeconds}s (last status ${status}).`,
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

function secondsSince(start: Date): number {
  return Math.round((Date.now() - start.getTime()) / 100) / 10;
}
