import type { ExecutorContext } from "@nx/devkit";
import { type ExecutorResult, reportFailure } from "../../lib/executor-result";
import { normalizePreflightOptions, type PreflightExecutorOptions } from "./normalize-options";
import { preflight } from "./preflight";

export default async function preflightExecutor(
  options: PreflightExecutorOptions,
  context: ExecutorContext,
): Promise<ExecutorResult> {
  return reportFailure(`preflight ${options.environment ?? ""}`.trim(), () =>
    preflight(normalizePreflightOptions(options, context.root)),
  );
}
