import { containerStates } from "../../lib/docker";
import { run } from "../../lib/exec";
import type { StepLog } from "../../lib/log";
import { OUTPUTS, outputsProducer } from "../../lib/output-names";
import { StackOutputs } from "../../lib/stack-outputs";
import { runAttached } from "./attached";
import { ExecCommandNotFoundError, NoRunningReplicaError } from "./errors";
import type { NormalizedExecOptions } from "./normalize-options";

/** What the runtime says (on docker's stdout) when the program to exec is not in the container. */
const NOT_FOUND = /executable file not found|no such file or directory/i;

/**
 * Exits 0 when argv[1] is an executable file (a path, or a name looked up on the container's PATH),
 * 3 when not. Run by the container's own node: the images have no shell to ask `command -v`.
 */
const FIND_PROGRAM = [
  "const fs = require('fs'), path = require('path'); const p = process.argv[1];",
  "const ok = (f) => { try { fs.accessSync(f, fs.constants.X_OK); return fs.statSync(f).isFile(); } catch { return false; } };",
  "process.exit((p.includes('/') ? ok(p) : (process.env.PATH || '').split(':').some((d) => ok(path.join(d, p)))) ? 0 : 3);",
].join(" ");

/** `docker exec` arguments: stdin always open, a TTY only when this terminal is one. */
export function dockerExecArgs(container: string, command: readonly string[], tty: boolean): string[] {
  return ["exec", "-i", ...(tty ? ["-t"] : []), container, ...command];
}

/**
 * Whether the program is in the container, asked before the command runs (docker reports a missing
 * program on the attached stdout, where it cannot be told from the command's own output). Without
 * node in the image nothing can be asked, and the command runs unchecked.
 */
async function assertProgramInContainer(
  o: NormalizedExecOptions,
  container: string,
  env: NodeJS.ProcessEnv,
): Promise<void> {
  const program = o.command[0];
  const probe = await run("docker", ["exec", container, "node", "-e", FIND_PROGRAM, program], {
    env,
    allowExitCodes: [3, 126, 127],
  });
  const nodeMissing = probe.exitCode !== 0 && probe.exitCode !== 3 && NOT_FOUND.test(probe.output);
  if (probe.exitCode === 3 || (nodeMissing && program === "node")) {
    throw new ExecCommandNotFoundError(
      `${JSON.stringify(program)} is not in ${o.service}'s container ${container}: the runtime image has no shell (no sh, no bash), run node instead, e.g. \`npx nx run ${o.service}:exec -c ${o.environment} -- node -e "console.log(process.env.PGHOST)"\`. Nothing was run.`,
    );
  }
}

/**
 * `docker exec` into the first running replica of the service (the containers its local stack
 * exports as `container_names`), attached to this terminal; resolves with the command's exit code.
 */
export async function execLocal(
  o: NormalizedExecOptions,
  env: NodeJS.ProcessEnv,
  log: StepLog,
  tty: boolean = process.stdin.isTTY === true,
): Promise<number> {
  const outputs = StackOutputs.load(o.outputsFile, outputsProducer(o.environment, false), {
    service: o.service,
    environment: o.environment,
  });
  const replicas = outputs.stringList(OUTPUTS.containerNames);
  const states = await containerStates(replicas, env);
  const running = replicas.find((r) => states.get(r)?.status === "running");
  if (!running) {
    const seen = replicas.map((r) => `${r}: ${states.get(r)?.status ?? "missing"}`).join(", ");
    throw new NoRunningReplicaError(
      `${o.service} has no running replica in ${o.environment} (${seen}): deploy it first (npx nx run ${o.service}:deploy -c ${o.environment}). Nothing was run.`,
    );
  }
  await assertProgramInContainer(o, running, env);
  log.info(`docker exec into ${running}: ${o.command.join(" ")}`);
  return runAttached("docker", dockerExecArgs(running, o.command, tty), env);
}
