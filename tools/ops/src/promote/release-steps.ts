/** One Nx target the release of an already-pushed digest runs. */
export interface ReleaseStep {
  readonly project: string;
  readonly target: string;
}

/**
 * The deploy chain's steps after `push`, for a digest that is already in the registry (a promotion):
 * `sample-service:migrate`, then the apply that waits for a stable service (`sample-service:apply` when
 * the deploy chain defines it, else `stacks:apply`), then `sample-service:smoke` when defined. Build,
 * dockerize and push are never run: promotion deploys the digest, it does not rebuild it.
 */
export function releaseSteps(
  sampleServiceTargets: readonly string[],
  stacksTargets: readonly string[],
): ReleaseStep[] {
  if (!sampleServiceTargets.includes("migrate")) {
    throw new Error(
      "sample-service has no migrate target: the deploy chain (tools/nx-plugin) must define it.",
    );
  }
  const steps: ReleaseStep[] = [{ project: "sample-service", target: "migrate" }];
  if (sampleServiceTargets.includes("apply")) steps.push({ project: "sample-service", target: "apply" });
  else if (stacksTargets.includes("apply")) steps.push({ project: "stacks", target: "apply" });
  else throw new Error("Neither sample-service nor stacks has an apply target.");
  if (sampleServiceTargets.includes("smoke")) steps.push({ project: "sample-service", target: "smoke" });
  return steps;
}
