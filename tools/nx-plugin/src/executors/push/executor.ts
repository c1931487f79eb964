import type { ExecutorContext } from "@nx/devkit";
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
    const o: NormalizedPushOptions = normalizePushOptions(options, context.root);
    await push(o);
  });
}
