import { CommandError, run } from "./exec";

/**
 * Fails with one clear message when the docker CLI is missing or its engine does not answer, before the
 * caller changes anything.
 */
export async function assertDockerEngine(env: NodeJS.ProcessEnv): Promise<string> {
  try {
    const res = await run("docker", ["version", "--format", "{{.Server.Version}}"], { env });
    return res.stdout.trim();
  } catch (err) {
    const detail = err instanceof CommandError ? err.output.trim() || err.message : String(err);
    throw new Error(
      `No Docker engine answers at DOCKER_HOST=${env.DOCKER_HOST ?? "(unset)"}: ${detail.split("\n").slice(-3).join(" ")}\n` +
        "Start the project's engine with `npx nx run toolchain:ensure`.",
    );
  }
}

/** The engine's image id for a reference, or undefined when the engine does not have it. */
export async function inspectImageId(ref: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const res = await run("docker", ["image", "inspect", "--format", "{{.Id}}", ref], {
    env,
    allowExitCodes: [1],
  });
  return res.exitCode === 0 ? res.stdout.trim() : undefined;
}

/** True for registries docker talks to over plain HTTP (loopback), false for TLS registries. */
export function isLoopbackRegistry(host: string): boolean {
  return /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/.test(host);
}

export function registryBaseUrl(host: string): string {
  return `${isLoopbackRegistry(host) ? "http" : "https"}://${host}`;
}

/**
 * Fails with one clear message unless the registry's /v2/ endpoint answers (200 or 401 both mean a
 * registry is there), before anything is pushed.
 */
export async function assertRegistryReachable(host: string, timeoutMs = 5000): Promise<void> {
  const url = `${registryBaseUrl(host)}/v2/`;
  let status: number;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    status = res.status;
    await res.arrayBuffer();
  } catch (err) {
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : String(err);
    throw new Error(
      `Registry ${host} is unreachable (GET ${url}: ${cause}). Nothing was pushed.` +
        (isLoopbackRegistry(host) ? " Start the loopback registry with `npx nx run toolchain:ensure`." : ""),
    );
  }
  if (status !== 200 && status !== 401) {
    throw new Error(`${url} answered HTTP ${status}; that is not a container registry. Nothing was pushed.`);
  }
}

/** `running`/`exited`/... and the restart count of each container, by name (missing = not there). */
export async function containerStates(
  names: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<Map<string, { readonly status: string; readonly restarts: number }>> {
  const states = new Map<string, { readonly status: string; readonly restarts: number }>();
  for (const name of names) {
    const res = await run("docker", ["inspect", "--format", "{{.State.Status}} {{.RestartCount}}", name], {
      env,
      allowExitCodes: [1],
    });
    if (res.exitCode !== 0) continue;
    const [status, restarts] = res.stdout.trim().split(" ");
    states.set(name, { status, restarts: Number(restarts) });
  }
  return states;
}
