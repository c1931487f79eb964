import type { ExecutorContext } from "@nx/devkit";
import { environmentKind } from "../../lib/environment";
import { type ExecutorResult, reportFailure } from "../../lib/executor-result";
import { withInterrupt } from "../../lib/interrupt";
import { StepLog } from "../../lib/log";
import { childEnv, loadChainToolchain } from "../../lib/toolchain";
import { wordsAfterDashes } from "../../lib/words-after-dashes";
import { normalizeRunTaskOptions, type RunTaskExecutorOptions } from "./normalize-options";
import { runTaskAws } from "./run-task-aws";
import { runTaskLocal } from "./run-task-local";

/** `nx run <service>:run-task -c <env> -- <command>`: one-off task, its logs, fails unless it exits 0. */
export default async function runTaskExecutor(
  options: RunTaskExecutorOptions,
  context: ExecutorContext,
): Promise<ExecutorResult> {
  return reportFailure(`run-task ${options.environment ?? ""}`.trim(), async () => {
    const o = normalizeRunTaskOptions(
      { ...options, __overrides_unparsed__: wordsAfterDashes(context) },
      context.root,
      context.projectName,
    );
    const log = new StepLog(`run-task ${o.environment} ${o.service}`);
    const exitCode = await withInterrupt(async (signal) => {
      if (environmentKind(o.environment) === "local")
        return runTaskLocal(o, childEnv(loadChainToolchain()), log, signal);
      const task = await runTaskAws(o, process.env, log, signal);
      if (!task.outcome.ok) log.info(`${task.taskArn}: ${task.outcome.reason}`);
      return task.outcome.exitCode ?? 1;
    });
    log.info(`exit code ${exitCode}`);
    if (exitCode !== 0) throw new Error(`The one-off task of ${o.service} exited ${exitCode}.`);
  });
}
