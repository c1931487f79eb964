import type { Service } from "@aws-sdk/client-ecs";

export type Stability =
  | { readonly state: "stable"; readonly summary: string }
  | { readonly state: "waiting"; readonly summary: string }
  | { readonly state: "failed"; readonly reason: string };

/**
 * Judges an ECS service against the task definition the apply put in place. Stable = one deployment
 * left, on that task definition, whose rollout ECS reports COMPLETED or (the SDK waiter's
 * `services-stable` rule) whose running count reached the desired count. Failed = the deployment
 * circuit breaker marked it FAILED or rolled the service back to another task definition.
 */
export function evaluateServiceStability(
  service: Service | undefined,
  expectedTaskDefinition: string,
): Stability {
  if (!service) return { state: "failed", reason: "the service does not exist (DescribeServices: MISSING)" };
  if (service.status !== "ACTIVE") return { state: "failed", reason: `the service is ${service.status}` };
  const deployments = service.deployments ?? [];
  const failed = deployments.find((d) => d.rolloutState === "FAILED");
  if (failed) {
    return {
      state: "failed",
      reason: `deployment ${failed.id} of ${failed.taskDefinition} FAILED (circuit breaker): ${failed.rolloutStateReason ?? "no reason given"}`,
    };
  }
  if (service.taskDefinition !== expectedTaskDefinition) {
    return {
      state: "failed",
      reason: `the service was rolled back to ${service.taskDefinition} (expected ${expectedTaskDefinition})`,
    };
  }
  const summary =
    `${deployments.length} deployment(s); running ${service.runningCount ?? 0}/${service.desiredCount ?? 0}, ` +
    `pending ${service.pendingCount ?? 0}` +
    deployments
      .filter((d) => d.status === "PRIMARY" && d.rolloutState)
      .map((d) => `; rollout ${d.rolloutState}`)
      .join("");
  const primary = deployments.find((d) => d.status === "PRIMARY");
  const stable =
    deployments.length === 1 &&
    (primary?.rolloutState === "COMPLETED" || (service.runningCount ?? -1) === service.desiredCount);
  return stable ? { state: "stable", summary } : { state: "waiting", summary };
}

/** The image of a container in a task definition's container list. */
export function containerImage(
  containers: ReadonlyArray<{ readonly name?: string; readonly image?: string }> | undefined,
  name: string,
): string | undefined {
  return containers?.find((c) => c.name === name)?.image;
}
