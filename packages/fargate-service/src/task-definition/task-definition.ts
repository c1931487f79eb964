import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import type { Construct } from "constructs";

export const CPU_ARCHITECTURES = ["X86_64", "ARM64"] as const;
export type CpuArchitecture = (typeof CPU_ARCHITECTURES)[number];

export interface FargateTaskDefinitionInput {
  readonly family: string;
  readonly cpu: number;
  readonly memoryMiB: number;
  readonly cpuArchitecture: CpuArchitecture;
  readonly executionRoleArn: string;
  readonly taskRoleArn: string;
  /** Rendered `container_definitions` JSON. */
  readonly containerDefinitions: string;
  /** Name of a task-scoped scratch volume (bind mount without host path), if any. */
  readonly tmpVolumeName?: string;
  /** More task-scoped scratch volumes (e.g. the ECS Exec agent's). */
  readonly scratchVolumeNames?: readonly string[];
  readonly tags?: Record<string, string>;
}

/** A Fargate (`awsvpc`) task definition whose old revisions stay registered. */
export function createFargateTaskDefinition(
  scope: Construct,
  id: string,
  input: FargateTaskDefinitionInput,
): EcsTaskDefinition {
  return new EcsTaskDefinition(scope, id, {
    family: input.family,
    requiresCompatibilities: ["FARGATE"],
    networkMode: "awsvpc",
    cpu: String(input.cpu),
    memory: String(input.memoryMiB),
    runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: input.cpuArchitecture },
    executionRoleArn: input.executionRoleArn,
    taskRoleArn: input.taskRoleArn,
    containerDefinitions: input.containerDefinitions,
    volume: scratchVolumes(input),
    // Keep superseded revisions registered: the circuit breaker rolls back to the previous one,
    // and one-off tasks started from it must keep running.
    skipDestroy: true,
    tags: input.tags,
  });
}

function scratchVolumes(input: FargateTaskDefinitionInput): { name: string }[] | undefined {
  const names = [...(input.tmpVolumeName ? [input.tmpVolumeName] : []), ...(input.scratchVolumeNames ?? [])];
  return names.length > 0 ? names.map((name) => ({ name })) : undefined;
}
