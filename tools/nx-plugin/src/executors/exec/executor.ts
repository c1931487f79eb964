import type { ExecutorContext } from "@nx/devkit";
import { environmentKind } from "../../lib/environment";
import { type ExecutorResult, reportFailure } from "../../lib/executor-result";
import { StepLog } from "../../lib/log";
import { childEnv, loadChainToolchain } from "../../lib/toolchain";
import { wordsAfterDashes } from "../../lib/words-after-dashes";
import { ExecRefusedError } from "./errors";
import { execAws } from "./exec-aws";
import { execLocal } from "./exec-local";
import { type ExecExecutorOptions, normalizeExecOptions } from "./normalize-options";

/**
 * `nx run <service>:exec -c <env> [-- command ...]`: a command (default `node`) in a running
 * container of the service, on this terminal: locally `docker exec` into a replica, on AWS an ECS
 * Exec session. Fails when the command exits non-zero (Nx then exits 1; the code is printed).
 */
export default async function execExecutor(
  options: ExecExecutorOptions,
  context: ExecutorContext,
): Promise<ExecutorResult> {
  return reportFailure(`exec ${options.environment ?? ""}`.trim(), async () => {
    const o = normalizeExecOptions(
      { ...options, __overrides_unparsed__: wordsAfterDashes(context) },
      context.root,
      context.projectName,
    );
    const log = new StepLog(`exec ${o.environment} ${o.service}`);
    const exitCode = await (environmentKind(o.environment) === "local"
      ? execLocal(o, childEnv(loadChainToolchain()), log)
      : execAws(o, process.env, log)
    ).catch((err: unknown) => {
      // The refusal's name leads the one line the user sees: it is what to search for.
      if (err instanceof ExecRefusedError) err.message = `${err.name}: ${err.message}`;
      throw err;
    });
    log.info(`exit code ${exitCode}`);
    if (exitCode !== 0) throw new Error(`${o.command.join(" ")} in ${o.service} exited ${exitCode}.`);
  });
}
