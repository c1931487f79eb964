import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { DescribeTaskDefinitionCommand, ECSClient, RegisterTaskDefinitionCommand } from "@aws-sdk/client-ecs";
import { serviceDatabaseRoles } from "@platform/toolchain";
import { assertAwsAccess, awsClientConfig, regionFrom, regionFromEnv } from "../../lib/aws";
import { type MigrationRecord, readPushedImage, writeJsonFile } from "../../lib/deploy-files";
import { assertDockerEngine } from "../../lib/docker";
import { environmentKind } from "../../lib/environment";
import { CommandError, run } from "../../lib/exec";
import { withInterrupt } from "../../lib/interrupt";
import { StepLog } from "../../lib/log";
import { OUTPUTS, outputsProducer } from "../../lib/output-names";
import { StackOutputs } from "../../lib/stack-outputs";
import { type ChainToolchain, childEnv, loadChainToolchain } from "../../lib/toolchain";
import { bootstrapLocalDatabase } from "./local-bootstrap";
import { localMigrationRunArgs } from "./local-run-args";
import type { NormalizedMigrateOptions } from "./normalize-options";
import { type OneOffTaskClients, runOneOffTask } from "./one-off-task";
import type { MigrationRunInput } from "./run-task";
import { migrationContainerName, taskDefinitionWithImage } from "./task-definition";

/** Lines of the migration's own output repeated in the failure message. */
const FAILURE_LOG_LINES = 25;

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
  // The stack writes every connection setting; a missing one is a stale outputs file, not a default.
  for (const key of ["PGHOST", "PGUSER", "PGDATABASE"])
    if (!dbEnv[key])
      throw new Error(
        `${o.outputsFile}: the local migration environment (${OUTPUTS.migrationEnvironment}) has no ${key}; re-run \`${outputsProducer(o.environment, true)}\`.`,
      );
  const host = dbEnv.PGHOST;
  const adminPassword =
    dbEnv.PGPASSWORD || (await localDatabasePassword(host, childEnv(toolchain), o.environment));
  // The admin user only creates the service's schema and roles; the migration runs as its migrator.
  const migrator = await bootstrapLocalDatabase(
    {
      container: host,
      adminUser: dbEnv.PGUSER,
      adminPassword,
      database: dbEnv.PGDATABASE,
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
  const clients: OneOffTaskClients = { ecs: new ECSClient(config), logs: new CloudWatchLogsClient(config) };
  const { ecs } = clients;
  const startedAt = new Date();
  try {
    const bootstrapArn = outputs.has(OUTPUTS.dbBootstrapTaskDefinitionArn)
      ? outputs.string(OUTPUTS.dbBootstrapTaskDefinitionArn, { allowEmpty: true })
      : "";
    if (bootstrapArn) {
      await runDatabaseBootstrap(
        clients,
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

    const { taskArn, task, lines, outcome } = await runOneOffTask(
      clients,
      {
        cluster,
        taskDefinitionArn,
        subnets,
        securityGroups,
        containerName,
        command: o.command,
        startedBy: `nx-migrate/${pushed.gitSha}`,
      },
      definition,
      "migration",
      o,
      log,
      signal,
    );
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
    clients.ecs.destroy();
    clients.logs.destroy();
  }
}

/**
 * The service's schema and roles, created as the admin user by the stacks' one-off bootstrap task
 * (idempotent) before the migration connects as the migrator. A failure stops the chain here.
 */
async function runDatabaseBootstrap(
  clients: OneOffTaskClients,
  input: MigrationRunInput,
  o: NormalizedMigrateOptions,
  log: StepLog,
  signal?: AbortSignal,
): Promise<void> {
  const definition = (
    await clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: input.taskDefinitionArn }))
  ).taskDefinition;
  if (!definition)
    throw new Error(`Task definition ${input.taskDefinitionArn} does not exist. No migration ran.`);
  const { taskArn, outcome, lines } = await runOneOffTask(
    clients,
    input,
    definition,
    "database bootstrap",
    o,
    log,
    signal,
  );
  if (!outcome.ok) {
    const tail = lines.slice(-FAILURE_LOG_LINES).join("\n");
    throw new Error(
      `Database bootstrap task ${taskArn} failed: ${outcome.reason}. No migration ran and nothing was applied.` +
        (tail ? `\nLast log lines:\n${tail}` : ""),
    );
  }
  log.info("database bootstrap succeeded (exit 0)");
}

function secondsSince(start: Date): number {
  return Math.round((Date.now() - start.getTime()) / 100) / 10;
}
