import { existsSync } from "node:fs";
import { type ExecutorContext, runExecutor } from "@nx/devkit";
import { readPushedImage } from "../../lib/deploy-files";
import { type ExecutorResult, reportFailure } from "../../lib/executor-result";
import { withInterrupt } from "../../lib/interrupt";
import { StepLog } from "../../lib/log";
import { outputsProducer } from "../../lib/output-names";
import { StackOutputs } from "../../lib/stack-outputs";
import { type ApplyExecutorOptions, normalizeApplyOptions } from "./normalize-options";
import { waitStable } from "./wait-stable";

export default async function applyExecutor(
  options: ApplyExecutorOptions,
  context: ExecutorContext,
): Promise<ExecutorResult> {
  return reportFailure(`apply ${options.environment ?? ""}`.trim(), async () => {
    const o = normalizeApplyOptions(options, context.root);
    const log = new StepLog(`apply ${o.environment}`);
    // Read (and validate) the pushed image before anything changes.
    const image = o.requirePushedImage
      ? readPushedImage(o.imageFile)
      : existsSync(o.imageFile)
        ? readPushedImage(o.imageFile)
        : undefined;
    if (o.stacksTarget) {
      log.info(
        `nx run ${o.stacksProject}:${o.stacksTarget}:${o.environment}${image ? ` (image ${image.reference})` : ""}`,
      );
      const results = await runExecutor(
        { project: o.stacksProject, target: o.stacksTarget, configuration: o.environment },
        {},
        context,
      );
      for await (const res of results) {
        if (!res.success)
          throw new Error(
            `${o.stacksProject}:${o.stacksTarget} -c ${o.environment} failed (see its output above).`,
          );
      }
    }
    if (!o.waitForStable) return;
    const outputs = StackOutputs.load(o.outputsFile, outputsProducer(o.environment, false));
    const stable = await withInterrupt((signal) =>
      waitStable({
        environment: o.environment,
        outputs,
        image: o.requirePushedImage ? image : undefined,
        timeoutSeconds: o.timeoutSeconds,
        pollIntervalSeconds: o.pollIntervalSeconds,
        env: process.env,
        log,
        signal,
      }),
    );
    log.info(`stable: ${stable.summary}`);
  });
}
