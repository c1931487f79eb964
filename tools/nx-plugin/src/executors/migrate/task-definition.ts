import type { RegisterTaskDefinitionCommandInput, Tag, TaskDefinition } from "@aws-sdk/client-ecs";
import { endsWithDigest } from "@platform/env-config";

/**
 * A RegisterTaskDefinition input that copies `current` (the family's latest revision) with the image of
 * `containerName` replaced by `imageReference`; read-only fields (ARN, revision, status, ...) are dropped.
 */
export function taskDefinitionWithImage(
  current: TaskDefinition,
  tags: readonly Tag[] | undefined,
  containerName: string,
  imageReference: string,
): RegisterTaskDefinitionCommandInput {
  if (!endsWithDigest(imageReference)) {
    throw new Error(
      `Migrations run an image by digest (<repo>@sha256:...), got ${JSON.stringify(imageReference)}.`,
    );
  }
  const containers = current.containerDefinitions ?? [];
  if (!containers.some((c) => c.name === containerName)) {
    throw new Error(
      `Task definition ${current.family}:${current.revision} has no container "${containerName}" ` +
        `(containers: ${containers.map((c) => c.name).join(", ") || "none"}).`,
    );
  }
  if (!current.family) throw new Error("The current task definition has no family.");
  return {
    family: current.family,
    taskRoleArn: current.taskRoleArn,
    executionRoleArn: current.executionRoleArn,
    networkMode: current.networkMode,
    containerDefinitions: containers.map((c) =>
      c.name === containerName ? { ...c, image: imageReference } : c,
    ),
    volumes: current.volumes,
    placementConstraints: current.placementConstraints,
    requiresCompatibilities: current.requiresCompatibilities,
    cpu: current.cpu,
    memory: current.memory,
    pidMode: current.pidMode,
    ipcMode: current.ipcMode,
    proxyConfiguration: current.proxyConfiguration,
    inferenceAccelerators: current.inferenceAccelerators,
    ephemeralStorage: current.ephemeralStorage,
    runtimePlatform: current.runtimePlatform,
    tags: tags && tags.length > 0 ? [...tags] : undefined,
  };
}

/** Where the awslogs driver writes a task's container output: `<prefix>/<container>/<task-id>`. */
export function awslogsLocation(
  definition: Pick<TaskDefinition, "containerDefinitions">,
  containerName: string,
  taskArn: string,
): { readonly group: string; readonly stream: string; readonly region?: string } | undefined {
  const container = definition.containerDefinitions?.find((c) => c.name === containerName);
  const log = container?.logConfiguration;
  if (log?.logDriver !== "awslogs" || !log.options?.["awslogs-group"]) return undefined;
  const prefix = log.options["awslogs-stream-prefix"];
  const taskId = taskArn.slice(taskArn.lastIndexOf("/") + 1);
  return {
    group: log.options["awslogs-group"],
    stream: prefix ? `${prefix}/${containerName}/${taskId}` : taskId,
    region: log.options["awslogs-region"],
  };
}

/**
 * The container the migration runs in: the one the stacks named, else the definition's only container
 * (a targeted foundation apply may not have written the name output yet).
 */
export function migrationContainerName(
  definition: Pick<TaskDefinition, "containerDefinitions" | "family">,
  named?: string,
): string {
  const names = (definition.containerDefinitions ?? []).map((c) => c.name ?? "");
  if (named) return named;
  if (names.length === 1 && names[0]) return names[0];
  throw new Error(
    `Stack output "migration_container_name" is missing and task definition family ${definition.family} has ` +
      `${names.length} containers (${names.join(", ") || "none"}); apply the service stack to export it.`,
  );
}
