import type { Task } from "@aws-sdk/client-ecs";
import { evaluateStoppedTask, migrationRunTaskInput } from "./run-task";

describe("migrationRunTaskInput", () => {
  const input = migrationRunTaskInput({
    cluster: "arn:cluster",
    taskDefinitionArn: "arn:td:4",
    subnets: ["subnet-a", "subnet-b"],
    securityGroups: ["sg-1"],
    containerName: "migrate",
    command: ["node", "dist/migrate.js"],
    startedBy: "nx-migrate/abc",
  });

  it("runs one Fargate task in the given private subnets without a public IP", () => {
    expect(input).toMatchObject({
      cluster: "arn:cluster",
      taskDefinition: "arn:td:4",
      launchType: "FARGATE",
      count: 1,
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: ["subnet-a", "subnet-b"],
          securityGroups: ["sg-1"],
          assignPublicIp: "DISABLED",
        },
      },
    });
  });

  it("overrides the migration container's command", () => {
    expect(input.overrides?.containerOverrides).toEqual([
      { name: "migrate", command: ["node", "dist/migrate.js"] },
    ]);
  });

  it("refuses a run without subnets", () => {
    expect(() =>
      migrationRunTaskInput({
        cluster: "c",
        taskDefinitionArn: "t",
        subnets: [],
        securityGroups: ["sg"],
        containerName: "m",
        startedBy: "x",
      }),
    ).toThrow(/at least one subnet/);
  });

  it("refuses a run without security groups", () => {
    expect(() =>
      migrationRunTaskInput({
        cluster: "c",
        taskDefinitionArn: "t",
        subnets: ["s"],
        securityGroups: [],
        containerName: "m",
        startedBy: "x",
      }),
    ).toThrow(/at least one security group/);
  });
});

describe("evaluateStoppedTask", () => {
  const stopped = (
    container: Partial<NonNullable<Task["containers"]>[number]>,
    extra: Partial<Task> = {},
  ): Task => ({
    lastStatus: "STOPPED",
    containers: [{ name: "migrate", ...container }],
    ...extra,
  });

  it("succeeds on exit code 0", () => {
    expect(evaluateStoppedTask(stopped({ exitCode: 0 }), "migrate")).toEqual({ ok: true, exitCode: 0 });
  });

  it("fails on a non-zero exit code", () => {
    expect(evaluateStoppedTask(stopped({ exitCode: 1 }), "migrate")).toEqual({
      ok: false,
      exitCode: 1,
      reason: "the migration exited with code 1",
    });
  });

  it("fails on a task that never started, naming stoppedReason", () => {
    const outcome = evaluateStoppedTask(
      stopped(
        { reason: "CannotPullContainerError: pull access denied" },
        { stopCode: "TaskFailedToStart", stoppedReason: "Task failed to start" },
      ),
      "migrate",
    );
    expect(outcome.ok).toBe(false);
    expect(outcome).toMatchObject({ exitCode: null });
    expect(!outcome.ok && outcome.reason).toMatch(
      /never ran.*TaskFailedToStart.*stoppedReason "Task failed to start".*CannotPullContainerError/,
    );
  });

  it("fails when the migration container is absent from the task", () => {
    expect(evaluateStoppedTask(stopped({ exitCode: 0 }), "other").ok).toBe(false);
  });

  it("is not a success before STOPPED", () => {
    expect(evaluateStoppedTask({ lastStatus: "RUNNING", containers: [] }, "migrate")).toMatchObject({
      ok: false,
    });
  });
});
