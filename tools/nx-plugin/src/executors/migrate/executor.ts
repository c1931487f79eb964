import type { ExecutorContext } from "@nx/devkit";
import { type ExecutorResult, reportFailure } from "../../lib/executor-result";
import { migrate } from "./migrate";
import { type MigrateExecutorOptions, normalizeMigrateOptions } from "./normalize-options";

export default async function migrateExecutor(
  options: MigrateExecutorOptions,
  context: ExecutorContext,
): Promise<ExecutorResult> {
  return reportFailure(`migrate ${options.environment ?? ""}`.trim(), () =>
    migrate(normalizeMigrateOptions(options, context.root)),
  );
}
