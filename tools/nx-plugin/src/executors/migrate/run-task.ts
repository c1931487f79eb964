import type { RunTaskCommandInput, Task } from "@aws-sdk/client-ecs";

export interface MigrationRunInput {
  readonly cluster: string;
  readonly taskDefinitionArn: string;
  readonly subnets: readonly string[];
  readonly securityGroups: readonly string[];
  readonly containerName: string;
  /** Override of the container's command; undefined = the task definition's. */
  readonly command?: readonly string[];
  readonly startedBy: string;
}

/** One Fargate task in the private subnets, no public IP. */
export function migrationRunTaskInput(input: MigrationRunInput): RunTaskCommandInput {
  if (input.subnets.length === 0) throw new Error("The migration task needs at least one subnet.");
  if (input.securityGroups.length === 0)
    throw new Error("The migration task needs at least one security group.");
  return {
    cluster: input.cluster,
    taskDefinition: input.taskDefinitionArn,
    launchType: "FARGATE",
    count: 1,
    startedBy: input.startedBy.slice(0, 128),
    networkConfiguration: {
      awsvpcConfiguration: {
        subnets: [...input.subnets],
        securityGroups: [...input.securityGroups],
        assignPublicIp: "DISABLED",
      },
    },
    overrides: input.command
      ? { containerOverrides: [{ name: input.containerName, command: [...input.command] }] }
      : undefined,
  };
}

export type TaskOutcome =
  | { readonly ok: true; readonly exitCode: 0 }
  | { readonly ok: false; readonly exitCode: number | null; readonly reason: string };

/** Judges a STOPPED task: success only when the migration container ran and exited 0. */
export function evaluateStoppedTask(task: Task, containerName: string): TaskOutcome {
  if (task.lastStatus !== "STOPPED") {
    return {
      ok: false,
      exitCode: null,
      reason: `task is ${task.lastStatus ?? "in an unknown state"}, not STOPPED`,
    };
  }
  const container = task.containers?.find((c) => c.name === containerName);
  const stopped = [
    task.stopCode ? `stopCode ${task.stopCode}` : undefined,
    task.stoppedReason ? `stoppedReason "${task.stoppedReason}"` : undefined,
    container?.reason ? `container reason "${container.reason}"` : undefined,
  ]
    .filter(Boolean)
    .join(", ");
  if (container?.exitCode === undefined || container.exitCode === null) {
    return {
      ok: false,
      exitCode: null,
      reason: `the migration container never ran to an exit code (${stopped || "no stoppedReason given"})`,
    };
  }
  if (container.exitCode !== 0) {
    return {
      ok: false,
      exitCode: container.exitCode,
      reason: `the migration exited with code ${container.exitCode}`,
    };
  }
  return { ok: true, exitCode: 0 };
}
