import { run } from "../../lib/exec";
import type { StepLog } from "../../lib/log";
import { OUTPUTS, outputsProducer } from "../../lib/output-names";
import { StackOutputs } from "../../lib/stack-outputs";
import { localMigrationRunArgs } from "../migrate/local-run-args";
import type { NormalizedRunTaskOptions } from "./normalize-options";

/**
 * A one-off container of the image a replica runs, with that replica's environment (database login
 * included) on the environment's network: `docker run --rm`; its exit code is the container's.
 */
export async function runTaskLocal(
  o: NormalizedRunTaskOptions,
  env: NodeJS.ProcessEnv,
  log: StepLog,
  signal?: AbortSignal,
): Promise<number> {
  const outputs = StackOutputs.load(o.outputsFile, outputsProducer(o.environment, false), {
    service: o.service,
    environment: o.environment,
  });
  const network = outputs.string(OUTPUTS.networkName);
  const image = outputs.string(OUTPUTS.image);
  const [replica] = outputs.stringList(OUTPUTS.containerNames);
  const inspected = await run(
    "docker",
    ["container", "inspect", "--format", "{{json .Config.Env}}", replica],
    {
      env,
      allowExitCodes: [1],
    },
  );
  if (inspected.exitCode !== 0)
    throw new Error(
      `${o.service}'s replica ${replica} does not exist: deploy it first (npx nx run ${o.service}:deploy). Nothing was started.`,
    );
  // The image's own variables (PATH, NODE_VERSION) come with the image; the replica's are the service's.
  const serviceEnv = Object.fromEntries(
    (JSON.parse(inspected.stdout) as string[])
      .map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)] as const)
      .filter(([k]) => !["PATH", "HOME", "HOSTNAME", "NODE_VERSION", "YARN_VERSION"].includes(k)),
  );
  const name = `run-task-${o.service}-${Date.now()}`;
  const args = localMigrationRunArgs({
    name,
    network,
    envKeys: Object.keys(serviceEnv),
    image,
    command: o.command,
    labels: { "platform.run-task": o.service },
  });
  log.info(
    `docker run --rm ${image} ${o.command.join(" ")} on network ${network} (environment of ${replica})`,
  );
  try {
    const r = await run("docker", args, {
      env: { ...env, ...serviceEnv },
      echo: true,
      prefix: "  | ",
      signal,
      allowExitCodes: Array.from({ length: 255 }, (_, i) => i + 1),
    });
    return r.exitCode;
  } finally {
    await run("docker", ["rm", "--force", name], { env, allowExitCodes: [1] }).catch(() => undefined);
  }
}
