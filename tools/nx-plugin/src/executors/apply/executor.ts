import { existsSync } from "node:fs";
import { type ExecutorContext, runExecutor } from "@nx/devkit";
import { endsWithDigest } from "@platform/env-config";
import {
  type DeployResult,
  historyEntry,
  imageDigestVariable,
  migrationFileNames,
  PLACEHOLDER_DIGEST,
} from "@platform/toolchain";
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

export default async function applyExecutor(
  options: ApplyExecutorOptions,
  context: ExecutorContext,
): Promise<ExecutorResult> {
  return reportFailure(`apply ${options.environment ?? ""}`.trim(), async () => {
    const projectRoot = context.projectName
      ? context.projectsConfigurations?.projects[context.projectName]?.root
      : undefined;
    const o = normalizeApplyOptions(options, context.root, projectRoot);
    const log = new StepLog(`apply ${o.environment}${o.service ? ` ${o.service}` : ""}`);
    // Read (and validate) the pushed image before anything changes.
    const image = o.service ? pushedImageOf(o, o.service) : undefined;
    try {
      await applyAndWait(o, context, log, image);
    } catch (err) {
      // The failure stays the step's error even when its history entry cannot be written.
      if (image) {
        try {
          await recordHistory(o, image, log, "failed", errorMessage(err));
        } catch (recordErr) {
          log.info(`could not record the failed deploy in the history: ${errorMessage(recordErr)}`);
        }
      }
      throw err;
    }
    if (image) await recordHistory(o, image, log, "succeeded");
  });
}

/** One deploy of a service's image in its history (see @platform/toolchain's deploy-history). */
async function recordHistory(
  o: NormalizedApplyOptions,
  image: PushedImage,
  log: StepLog,
  result: DeployResult,
  error?: string,
): Promise<void> {
  if (!o.history) return;
  const migrations = o.migrationsDir ? migrationFileNames(o.migrationsDir) : [];
  await o.history.append(historyEntry(image, { result, kind: "deploy", migrations, error }));
  log.info(`deploy history: ${result} ${image.digest} -> ${o.history.where}`);
}

async function applyAndWait(
  o: NormalizedApplyOptions,
  context: ExecutorContext,
  log: StepLog,
  image: PushedImage | undefined,
): Promise<void> {
  const deployable = o.pinDeployedImage ? await pinDeployedImages(o, context, log, image) : undefined;
  if (o.stacksTarget) {
    // An infrastructure-only deploy cannot deploy a service that was never pushed: leave its stack out.
    const args =
      o.onlyServiceStack && o.service
        ? `--service ${o.service}`
        : o.pinDeployedImage
          ? "--skip-undeployed"
          : "";
    log.info(
      `nx run ${o.stacksProject}:${o.stacksTarget}:${o.environment}${args ? ` ${args}` : ""}${image ? ` (image ${image.reference})` : ""}`,
    );
    await runTarget(context, o.stacksProject, o.stacksTarget, o.environment, args);
  }
  if (!o.waitForStable) return;
  await waitAfterApply(o, image, log, deployable);
  if (o.service) await tagStableDeploy({ ...o, service: o.service }, image, log);
}

/** The service's pushed image: required unless `requirePushedImage` is false (then only if present). */
function pushedImageOf(o: NormalizedApplyOptions, service: string): PushedImage | undefined {
  const file = o.imageFileOf(service);
  return o.requirePushedImage || existsSync(file) ? readPushedImage(file) : undefined;
}

/** Runs another project's target in this process (its own dependsOn are this target's dependsOn). */
async function runTarget(
  context: ExecutorContext,
  project: string,
  target: string,
  configuration: string,
  args = "",
) {
  const overrides = args ? { args } : {};
  for await (const res of await runExecutor({ project, target, configuration }, overrides, context)) {
    if (!res.success)
      throw new Error(`${project}:${target} -c ${configuration} failed (see its output above).`);
  }
}

/**
 * An infrastructure-only deploy in a fresh checkout has no image records: keep what each service runs,
 * read from the state's outputs, instead of failing or deploying a placeholder. A service with a
 * record in this checkout (or its PLATFORM_IMAGE_DIGEST_<SERVICE> set) deploys that instead.
 */
async function pinDeployedImages(
  o: NormalizedApplyOptions,
  context: ExecutorContext,
  log: StepLog,
  image: PushedImage | undefined,
): Promise<string[] | undefined> {
  if (image && o.service) return [o.service];
  let services: string[] = [];
  try {
    await runTarget(context, o.stacksProject, "outputs", o.environment);
    const all = StackOutputs.load(o.outputsFile, outputsProducer(o.environment, false));
    services = o.service ? [o.service] : [...all.serviceStacks.keys()];
  } catch (err) {
    log.info(`could not read the deployed images from state: ${errorMessage(err)}`);
    return undefined;
  }
  const deployable: string[] = [];
  for (const service of services) {
    const variable = imageDigestVariable(service);
    if (process.env[variable] || existsSync(o.imageFileOf(service))) {
      deployable.push(service);
      continue;
    }
    const outputs = StackOutputs.load(o.outputsFile, outputsProducer(o.environment, false), {
      service,
      environment: o.environment,
    });
    const deployed = outputs.optionalString(OUTPUTS.image);
    // A stack applied only as foundation reports the placeholder: that service was never deployed.
    if (deployed && endsWithDigest(deployed) && !deployed.endsWith(`@${PLACEHOLDER_DIGEST}`)) {
      process.env[variable] = deployed;
      deployable.push(service);
      log.info(`${service}: no image pushed in this checkout: keeping the deployed ${deployed}`);
    } else {
      log.info(
        `${service}: never deployed to ${o.environment} (no image pushed, none running): its stack is left out until its own deploy`,
      );
    }
  }
  return deployable;
}

/**
 * Waits for the service (or, without one, every deployable service of the environment: `deployable`,
 * else every service the outputs name) to be stable.
 */
async function waitAfterApply(
  o: NormalizedApplyOptions,
  image: PushedImage | undefined,
  log: StepLog,
  deployable: readonly string[] | undefined,
) {
  const all = StackOutputs.load(o.outputsFile, outputsProducer(o.environment, false));
  const services = o.service ? [o.service] : (deployable ?? [...all.serviceStacks.keys()]);
  for (const service of services) {
    const outputs = StackOutputs.load(o.outputsFile, outputsProducer(o.environment, false), {
      service,
      environment: o.environment,
    });
    await withInterrupt((signal) =>
      waitStable({
        environment: o.environment,
        service,
        outputs,
        image: o.requirePushedImage && service === o.service ? image : undefined,
        timeoutSeconds: o.timeoutSeconds,
        pollIntervalSeconds: o.pollIntervalSeconds,
        env: process.env,
        log,
        signal,
      }),
    );
  }
}
