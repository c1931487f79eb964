import type { ExecutorContext } from "@nx/devkit";
import { type ExecutorResult, reportFailure } from "../../lib/executor-result";
import { StepLog } from "../../lib/log";
import { migrate } from "./migrate";
import { type MigrateExecutorOptions, normalizeMigrateOptions } from "./normalize-options";

export default async function migrateExecutor(
  options: MigrateExecutorOptions,
  context: ExecutorContext,
): Promise<ExecutorResult> {
  return reportFailure(`migrate ${options.environment ?? ""}`.trim(), async () => {
    const o = normalizeMigrateOptions(options, context.root, context.projectName);
    if (!o.enabled) {
      new StepLog(`migrate ${o.environment}`).info(
        `skipped: ${o.service} has no migrations (service.json migrations: false)`,
      );
      return;
    }
    await migrate(o);
  });
}
