import type { ExecutorContext } from "@nx/devkit";
import { skipReason } from "../../lib/environment";
import { type ExecutorResult, reportFailure } from "../../lib/executor-result";
import {
  type NormalizedPushOptions,
  normalizePushOptions,
  type PushExecutorOptions,
} from "./normalize-options";
import { push } from "./push";

export default async function pushExecutor(
  options: PushExecutorOptions,
  context: ExecutorContext,
): Promise<ExecutorResult> {
  return reportFailure(`push ${options.environment ?? ""}`.trim(), async () => {
    const skip = skipReason(
      options.environment,
      options.onlyEnvironments,
      `image ${options.repositoryName ?? ""}`.trim(),
    );
    if (skip) return console.log(`push ${skip}`);
    const o: NormalizedPushOptions = normalizePushOptions(options, context.root, context.projectName);
    await push(o);
  });
}
