import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DeleteClusterCommand,
  DeleteServiceCommand,
  ECSClient,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
} from "@aws-sdk/client-ecs";
import { ExecDisabledError, NoRunningTaskError } from "../src/executors/exec/errors";
import { execAws, findExecTarget } from "../src/executors/exec/exec-aws";
import { normalizeExecOptions } from "../src/executors/exec/normalize-options";
import { awsClientConfig } from "../src/lib/aws";
import { writeJsonFile } from "../src/lib/deploy-files";
import { StepLog } from "../src/lib/log";
import { FIXTURES, motoPython, REGION, toolchain, uniqueName, useEmulator } from "./support";

jest.setTimeout(120_000);

// moto 5.2 has no ExecuteCommand, no managed agents (ExecuteCommandAgent) and no Session Manager
// sessions, and a service there runs no tasks: what can be exercised is every refusal before a session.
describe("exec refusals against emulated ECS (moto)", () => {
  useEmulator();
  const name = uniqueName("nxp-exec");
  const dir = mkdtempSync(join(tmpdir(), "exec-ecs-"));
  const ecs = new ECSClient(awsClientConfig(REGION));
  const log = new StepLog("test");
  const serviceName = `${name}-svc`;
  let clusterArn = "";
  let oneOffTask = "";

  const outputs = (file: string, executeCommand: string) => {
    writeJsonFile(join(dir, file), {
      stacks: {
        "service-sample-service-dev": {
          cluster_arn: clusterArn,
          service_name: serviceName,
          container_name: "app",
          execute_command: executeCommand,
        },
      },
    });
    return normalizeExecOptions(
      { environment: "dev", outputsFile: join(dir, file), __overrides_unparsed__: ["node", "-v"] },
      dir,
      "sample-service",
    );
  };

  beforeAll(async () => {
    const network = JSON.parse(
      execFileSync(
        motoPython(),
        [join(FIXTURES, "moto-network.py"), toolchain().env.PLATFORM_AWS_ENDPOINT ?? "", REGION, name],
        { encoding: "utf8" },
      ),
    ) as { subnetId: string; securityGroupId: string };
    clusterArn = (await ecs.send(new CreateClusterCommand({ clusterName: name }))).cluster?.clusterArn ?? "";
    const td = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: `${name}-app`,
        networkMode: "awsvpc",
        requiresCompatibilities: ["FARGATE"],
        cpu: "256",
        memory: "512",
        containerDefinitions: [{ name: "app", image: "example.invalid/app@sha256:0", memory: 512 }],
      }),
    );
    const awsvpcConfiguration = { subnets: [network.subnetId], securityGroups: [network.securityGroupId] };
    await ecs.send(
      new CreateServiceCommand({
        cluster: clusterArn,
        serviceName,
        taskDefinition: td.taskDefinition?.taskDefinitionArn,
        desiredCount: 1,
        launchType: "FARGATE",
        enableExecuteCommand: true,
        networkConfiguration: { awsvpcConfiguration },
      }),
    );
    // A one-off task in the same cluster (run-task's kind): not a task of the service.
    const run = await ecs.send(
      new RunTaskCommand({
        cluster: clusterArn,
        taskDefinition: td.taskDefinition?.taskDefinitionArn,
        launchType: "FARGATE",
        group: "family:one-off",
        networkConfiguration: { awsvpcConfiguration },
      }),
    );
    oneOffTask = run.tasks?.[0]?.taskArn ?? "";
  });

  afterAll(async () => {
    await ecs.send(new StopTaskCommand({ cluster: clusterArn, task: oneOffTask })).catch(() => undefined);
    await ecs
      .send(new DeleteServiceCommand({ cluster: clusterArn, service: serviceName, force: true }))
      .catch(() => undefined);
    await ecs.send(new DeleteClusterCommand({ cluster: clusterArn })).catch(() => undefined);
    ecs.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it("refuses with ExecDisabledError when the service stack says execute_command disabled, naming the config", async () => {
    const o = outputs("outputs-disabled.json", "disabled");
    const refused = execAws(o, process.env, log);
    await expect(refused).rejects.toBeInstanceOf(ExecDisabledError);
    await expect(refused).rejects.toThrow(
      /ECS Exec is disabled for sample-service in dev \(stack output execute_command\): set `exec: \{ enabled: true \}` in stacks\/src\/config\/dev\.ts.*Nothing was changed\./,
    );
  });

  it("refuses with NoRunningTaskError when exec is enabled but the service has no RUNNING task", async () => {
    expect(oneOffTask).not.toBe("");
    const o = outputs("outputs-enabled.json", "enabled");
    const refused = findExecTarget(o, process.env, log);
    await expect(refused).rejects.toBeInstanceOf(NoRunningTaskError);
    await expect(refused).rejects.toThrow(
      new RegExp(`sample-service has no RUNNING task in dev \\(ECS service ${serviceName} in ${clusterArn}`),
    );
    // The refusal started nothing: the cluster holds only the one-off task it had before.
    const tasks = await ecs.send(new ListTasksCommand({ cluster: clusterArn }));
    expect(tasks.taskArns).toEqual([oneOffTask]);
  });

  it("names a stack applied before exec existed (no execute_command output)", async () => {
    writeJsonFile(join(dir, "outputs-old.json"), {
      stacks: { "service-sample-service-dev": { cluster_arn: clusterArn, service_name: serviceName } },
    });
    const o = normalizeExecOptions(
      { environment: "dev", outputsFile: join(dir, "outputs-old.json") },
      dir,
      "sample-service",
    );
    await expect(execAws(o, process.env, log)).rejects.toThrow(
      /Stack output "execute_command" is missing from .*outputs-old\.json/,
    );
  });
});
