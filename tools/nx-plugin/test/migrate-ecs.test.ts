import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DeleteLogGroupCommand,
  PutLogEventsCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DeleteClusterCommand,
  DeleteServiceCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import { waitStable } from "../src/executors/apply/wait-stable";
import { migrateAws } from "../src/executors/migrate/migrate";
import { normalizeMigrateOptions } from "../src/executors/migrate/normalize-options";
import { fetchLogLines } from "../src/executors/migrate/one-off-task";
import { normalizeRunTaskOptions } from "../src/executors/run-task/normalize-options";
import { runTaskAws } from "../src/executors/run-task/run-task-aws";
import { awsClientConfig } from "../src/lib/aws";
import { type MigrationRecord, writeJsonFile } from "../src/lib/deploy-files";
import { StepLog } from "../src/lib/log";
import { StackOutputs } from "../src/lib/stack-outputs";
import { FIXTURES, motoPython, REGION, toolchain, uniqueName, useEmulator } from "./support";

jest.setTimeout(300_000);

const DIGEST = `sha256:${"d".repeat(64)}`;

// The ECS calls against moto: RegisterTaskDefinition, RunTask, DescribeTasks, GetLogEvents,
// DescribeServices. moto always reports exit code 0; failures are exercised against a real container
// (migrate-local.test.ts).
describe("migrate and wait-stable against emulated ECS (moto)", () => {
  useEmulator();
  const name = uniqueName("nxp-mig");
  const dir = mkdtempSync(join(tmpdir(), "migrate-ecs-"));
  const config = awsClientConfig(REGION);
  const ecs = new ECSClient(config);
  const logs = new CloudWatchLogsClient(config);
  const log = new StepLog("test");
  const repository = `123456789012.dkr.ecr.${REGION}.amazonaws.com/${name}`;
  const reference = `${repository}@${DIGEST}`;
  let clusterArn = "";
  let network: { vpcId: string; subnetId: string; securityGroupId: string };
  const logGroup = `/ecs/${name}`;

  const options = () =>
    normalizeMigrateOptions(
      {
        environment: "dev",
        service: "sample-service",
        imageFile: join(dir, "image.json"),
        outputsFile: join(dir, "outputs.json"),
        outputFile: join(dir, "migration.json"),
        pollIntervalSeconds: 0.2,
        timeoutSeconds: 60,
      },
      dir,
    );

  beforeAll(async () => {
    network = JSON.parse(
      execFileSync(
        motoPython(),
        [join(FIXTURES, "moto-network.py"), toolchain().env.PLATFORM_AWS_ENDPOINT ?? "", REGION, name],
        { encoding: "utf8" },
      ),
    );
    clusterArn = (await ecs.send(new CreateClusterCommand({ clusterName: name }))).cluster?.clusterArn ?? "";
    await logs.send(new CreateLogGroupCommand({ logGroupName: logGroup }));
    const containerDefinitions = (image: string, containerName: string) => [
      {
        name: containerName,
        image,
        memory: 512,
        essential: true,
        command: ["node", "dist/server.js"],
        logConfiguration: {
          logDriver: "awslogs" as const,
          options: {
            "awslogs-group": logGroup,
            "awslogs-region": REGION,
            "awslogs-stream-prefix": "migrate",
          },
        },
      },
    ];
    // What the service stack would have registered: the family with an older image.
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: `${name}-migrate`,
        networkMode: "awsvpc",
        requiresCompatibilities: ["FARGATE"],
        cpu: "256",
        memory: "512",
        executionRoleArn: "arn:aws:iam::123456789012:role/exec",
        containerDefinitions: containerDefinitions(`${repository}@sha256:${"0".repeat(64)}`, "migrate"),
        tags: [{ key: "Project", value: "nx-plugin-test" }],
      }),
    );
    const service = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: `${name}-app`,
        networkMode: "awsvpc",
        requiresCompatibilities: ["FARGATE"],
        cpu: "256",
        memory: "512",
        containerDefinitions: containerDefinitions(reference, "app"),
      }),
    );
    await ecs.send(
      new CreateServiceCommand({
        cluster: clusterArn,
        serviceName: `${name}-svc`,
        taskDefinition: service.taskDefinition?.taskDefinitionArn,
        desiredCount: 1,
        launchType: "FARGATE",
        networkConfiguration: {
          awsvpcConfiguration: { subnets: [network.subnetId], securityGroups: [network.securityGroupId] },
        },
      }),
    );
    writeJsonFile(join(dir, "image.json"), {
      repository,
      digest: DIGEST,
      reference,
      gitSha: "abc1234",
      version: "1.0.0",
      tag: "abc1234",
      pushedAt: new Date().toISOString(),
      pushedTo: reference,
      environment: "dev",
    });
    writeJsonFile(join(dir, "outputs.json"), {
      stacks: {
        "service-sample-service-dev": {
          cluster_arn: clusterArn,
          service_name: `${name}-svc`,
          container_name: "app",
          migration_task_family: `${name}-migrate`,
          migration_container_name: "migrate",
          migration_subnet_ids: [network.subnetId],
          migration_security_group_ids: [network.securityGroupId],
          service_url: "http://placeholder.invalid",
        },
      },
    });
  });

  afterAll(async () => {
    await ecs
      .send(new DeleteServiceCommand({ cluster: clusterArn, service: `${name}-svc`, force: true }))
      .catch(() => undefined);
    await ecs.send(new DeleteClusterCommand({ cluster: clusterArn })).catch(() => undefined);
    await logs.send(new DeleteLogGroupCommand({ logGroupName: logGroup })).catch(() => undefined);
    ecs.destroy();
    logs.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  let record: MigrationRecord;

  it("registers a revision of the migration family with the pushed digest and runs it to exit 0", async () => {
    record = await migrateAws(options(), process.env, log);
    expect(record).toMatchObject({ succeeded: true, exitCode: 0, reference, environment: "dev" });
    const td = await ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: record.taskDefinitionArn }),
    );
    expect(td.taskDefinition).toMatchObject({ family: `${name}-migrate`, revision: 2 });
    expect(td.taskDefinition?.containerDefinitions?.[0].image).toBe(reference);
    expect(td.taskDefinition?.executionRoleArn).toBe("arn:aws:iam::123456789012:role/exec");
    expect(JSON.parse(readFileSync(join(dir, "migration.json"), "utf8"))).toMatchObject({
      runId: record.runId,
      exitCode: 0,
      succeeded: true,
    });
  });

  it("ran one task of the new revision with the migrate command, tagged startedBy, to STOPPED", async () => {
    const tasks = await ecs.send(new DescribeTasksCommand({ cluster: clusterArn, tasks: [record.runId] }));
    const task = tasks.tasks?.[0];
    expect(task?.lastStatus).toBe("STOPPED");
    expect(task?.taskDefinitionArn).toBe(record.taskDefinitionArn);
    expect(task?.startedBy).toBe("nx-migrate/abc1234");
    expect(task?.overrides?.containerOverrides?.[0]).toMatchObject({
      name: "migrate",
      command: ["node", "dist/migrate.js"],
    });
    const listed = await ecs.send(
      new ListTasksCommand({ cluster: clusterArn, startedBy: "nx-migrate/abc1234" }),
    );
    expect(listed.taskArns).toEqual([record.runId]);
  });

  it("reads the task's log lines from the awslogs stream <prefix>/<container>/<task-id>", async () => {
    const taskId = record.runId.slice(record.runId.lastIndexOf("/") + 1);
    const stream = `migrate/migrate/${taskId}`;
    await logs.send(new CreateLogStreamCommand({ logGroupName: logGroup, logStreamName: stream }));
    await logs.send(
      new PutLogEventsCommand({
        logGroupName: logGroup,
        logStreamName: stream,
        logEvents: [
          { timestamp: Date.now(), message: "migrate started" },
          { timestamp: Date.now() + 1, message: "migrate finished: 1 applied" },
        ],
      }),
    );
    const td = await ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: record.taskDefinitionArn }),
    );
    const lines = await fetchLogLines(logs, td.taskDefinition ?? {}, "migrate", record.runId, log);
    expect(lines).toEqual(["migrate started", "migrate finished: 1 applied"]);
  });

  it("run-task: one task of the service's deployed task definition with the command, in its subnets and security groups", async () => {
    const o = normalizeRunTaskOptions(
      {
        environment: "dev",
        outputsFile: join(dir, "outputs.json"),
        pollIntervalSeconds: 0.2,
        timeoutSeconds: 60,
        __overrides_unparsed__: ["node", "-e", "console.log('one-off')"],
      },
      dir,
      "sample-service",
    );
    const run = await runTaskAws(o, { ...process.env, USER: "run-task-test" }, log);
    expect(run.outcome).toMatchObject({ ok: true, exitCode: 0 });
    const task = (await ecs.send(new DescribeTasksCommand({ cluster: clusterArn, tasks: [run.taskArn] })))
      .tasks?.[0];
    const deployed = (
      await ecs.send(new DescribeServicesCommand({ cluster: clusterArn, services: [`${name}-svc`] }))
    ).services?.[0];
    expect(task?.taskDefinitionArn).toBe(deployed?.taskDefinition);
    expect(task?.startedBy).toBe("nx-run-task/run-task-test");
    expect(task?.overrides?.containerOverrides?.[0]).toMatchObject({
      name: "app",
      command: ["node", "-e", "console.log('one-off')"],
    });
    const eni = task?.attachments?.[0]?.details ?? [];
    expect(eni).toContainEqual({ name: "subnetId", value: network.subnetId });
  });

  it("run-task refuses a service that is not deployed, before starting anything", async () => {
    writeJsonFile(join(dir, "outputs-undeployed.json"), {
      stacks: {
        "service-sample-service-dev": {
          cluster_arn: clusterArn,
          service_name: `${name}-nope`,
          container_name: "app",
        },
      },
    });
    const o = normalizeRunTaskOptions(
      { environment: "dev", outputsFile: join(dir, "outputs-undeployed.json"), command: ["true"] },
      dir,
      "sample-service",
    );
    await expect(runTaskAws(o, process.env, log)).rejects.toThrow(
      /sample-service has no ACTIVE ECS service .*-nope .*deploy it first\. Nothing was started\./,
    );
  });

  it("names the missing stack output before anything changes", async () => {
    writeJsonFile(join(dir, "outputs-partial.json"), {
      stacks: { "service-sample-service-dev": { cluster_arn: clusterArn } },
    });
    await expect(
      migrateAws({ ...options(), outputsFile: join(dir, "outputs-partial.json") }, process.env, log),
    ).rejects.toThrow(/Stack output .*"migration_task_family" is missing from .*outputs-partial.json/);
  });

  it("waits for the service deployment and checks the task definition runs the pushed digest", async () => {
    const outputs = StackOutputs.load(join(dir, "outputs.json"), "test");
    // moto starts services with no running task; an update to the desired count makes them run.
    await ecs.send(
      new UpdateServiceCommand({ cluster: clusterArn, service: `${name}-svc`, desiredCount: 1 }),
    );
    const stable = await waitStable({
      environment: "dev",
      service: "sample-service",
      outputs,
      image: JSON.parse(readFileSync(join(dir, "image.json"), "utf8")),
      timeoutSeconds: 30,
      pollIntervalSeconds: 0.2,
      env: process.env,
      log,
    });
    expect(stable.image).toBe(reference);
  });

  it("fails when the service runs another image than the one pushed", async () => {
    const outputs = StackOutputs.load(join(dir, "outputs.json"), "test");
    const other = {
      ...JSON.parse(readFileSync(join(dir, "image.json"), "utf8")),
      reference: `${repository}@sha256:${"e".repeat(64)}`,
    };
    await expect(
      waitStable({
        environment: "dev",
        service: "sample-service",
        outputs,
        image: other,
        timeoutSeconds: 5,
        pollIntervalSeconds: 0.2,
        env: process.env,
        log,
      }),
    ).rejects.toThrow(/runs .*@sha256:d{64}, not the pushed .*@sha256:e{64}/);
  });
});
