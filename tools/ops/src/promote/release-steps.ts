/** One Nx target the release of an already-pushed digest runs. */
export interface ReleaseStep {
  readonly project: string;
  readonly target: string;
  /** Passed after `--` to the target's command (the stacks CLI's `--service`). @default none */
  readonly args?: readonly string[];
}

/**
 * The deploy chain's steps after `push` for one service's digest that is already in the registry (a
 * promotion): `<service>:migrate`, then the apply that waits for a stable service (`<service>:apply`,
 * which applies only the service's stack, when the chain defines it; else `stacks:apply --service`),
 * then `<service>:smoke` when defined. Build, dockerize and push are never run: promotion deploys the
 * digest, it does not rebuild it.
 */
export function releaseSteps(
  service: string,
  serviceTargets: readonly string[],
  stacksTargets: readonly string[],
): ReleaseStep[] {
  if (!serviceTargets.includes("migrate")) {
    throw new Error(
      `${service} has no migrate target: the deploy chain (tools/nx-plugin) must define it (only services of a type with a deploy chain can be released).`,
    );
  }
  const steps: ReleaseStep[] = [{ project: service, target: "migrate" }];
  if (serviceTargets.includes("apply")) steps.push({ project: service, target: "apply" });
  else if (stacksTargets.includes("apply"))
    steps.push({ project: "stacks", target: "apply", args: ["--service", service] });
  else throw new Error(`Neither ${service} nor stacks has an apply target.`);
  if (serviceTargets.includes("smoke")) steps.push({ project: service, target: "smoke" });
  return steps;
}

/** `nx run <project>:<target> -c <env>` of a step, without its dependencies (the release is the chain). */
export function releaseStepCommand(step: ReleaseStep, env: string): string[] {
  return [
    "nx",
    "run",
    `${step.project}:${step.target}`,
    "-c",
    env,
    "--excludeTaskDependencies",
    "--outputStyle=static",
    ...(step.args?.length ? ["--", ...step.args] : []),
  ];
}
