import type { ExecutorContext } from "@nx/devkit";
import { type ExecutorResult, reportFailure } from "../../lib/executor-result";
import { normalizeSmokeOptions, type SmokeExecutorOptions } from "./normalize-options";
import { smoke } from "./smoke";

export default async function smokeExecutor(
  options: SmokeExecutorOptions,
  context: ExecutorContext,
): Promise<ExecutorResult> {
  return reportFailure(`smoke ${options.environment ?? ""}`.trim(), () =>
    smoke(normalizeSmokeOptions(options, context.root, context.projectName)),
  );
}
