import { existsSync } from "node:fs";
import { type ExecutorContext, runExecutor } from "@nx/devkit";
import { type PushedImage, readPushedImage } from "../../lib/deploy-files";
import { tagStableDeploy } from "../../lib/deployed-tag";
import { type ExecutorResult, reportFailure } from "../../lib/executor-result";
import { withInterrupt } from "../../lib/interrupt";
import { errorMessage, StepLog } from "../../lib/log";
import { OUTPUTS, outputsProducer } from "../../lib/output-names";
import { StackOutputs } from "../../lib/stack-outputs";
import {
  type ApplyExecutorOptions,
  type NormalizedApplyOptions,
  normalizeApplyOptions,
} from "./normalize-options";
import { waitStable } from "./wait-stable";

/** Variable the stacks read the service image from when no image.json is present. */
const IMAGE_VARIABLE = "PLATFORM_IMAGE_DIGEST";

export default async function applyExecutor(
  options: ApplyExecutorOptions,
  context: ExecutorContext,
): Promise<ExecutorResult> {
  return reportFailure(`apply ${options.environment ?? ""}`.trim(), async () => {
    const o = normalizeApplyOptions(options, context.root);
    const log = new StepLog(`apply ${o.environment}`);
    // Read (and validate) the pushed image before anything changes.
    const image = o.requirePushedImage || existsSync(o.imageFile) ? readPushedImage(o.imageFile) : undefined;
    if (!image && o.pinDeployedImage && !process.env[IMAGE_VARIABLE]) await pinDeployedImage(o, context, log);
    if (o.stacksTarget) {
      log.info(
        `nx run ${o.stacksProject}:${o.stacksTarget}:${o.environment}${image ? ` (image ${image.reference})` : ""}`,
      );
      await runTarget(context, o.stacksProject, o.stacksTarget, o.environment);
    }
    if (!o.waitForStable) return;
    await waitAfterApply(o, image, log);
    await tagStableDeploy(o, image, log);
  });
}

/** Runs another project's target in this process (its own dependsOn are this target's dependsOn). */
async function runTarget(context: ExecutorContext, project: string, target: string, configuration: string) {
  for await (const res of await runExecutor({ project, target, configuration }, {}, context)) {
    if (!res.success)
      throw new Error(`${project}:${target} -c ${configuration} failed (see its output above).`);
  }
}

/**
 * An infrastructure-only deploy in a fresh checkout has no image.json: keep what the service runs, read
 * from the state's outputs, instead of failing or deploying a placeholder.
 */
async function pinDeployedImage(o: NormalizedApplyOptions, context: ExecutorContext, log: StepLog) {
  try {
    await runTarget(context, o.stacksProject, "outputs", o.environment);
    const outputs = StackOutputs.load(o.outputsFile, outputsProducer(o.environment, false));
    const deployed = outputs.optionalString(OUTPUTS.image);
    if (deployed && /@sha256:[a-f0-9]{64}$/.test(deployed)) {
      process.env[IMAGE_VARIABLE] = deployed;
      log.info(`no image pushed in this checkout: keeping the deployed ${deployed}`);
      return;
    }
  } catch (err) {
    log.info(`could not read the deployed image from state: ${errorMessage(err)}`);
  }
  log.info("no deployed image found: the stacks ask for a pushed one if the service stack needs it");
}

async function waitAfterApply(o: NormalizedApplyOptions, image: PushedImage | undefined, log: StepLog) {
  const outputs = StackOutputs.load(o.outputsFile, outputsProducer(o.environment, false));
  await withInterrupt((signal) =>
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
}
