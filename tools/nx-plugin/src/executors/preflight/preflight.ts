import { existsSync } from "node:fs";
import { assertAwsAccess, isEmulated, regionFrom, regionFromEnv } from "../../lib/aws";
import { assertDockerEngine, assertRegistryReachable } from "../../lib/docker";
import { environmentKind } from "../../lib/environment";
import { StepLog } from "../../lib/log";
import { OUTPUTS, outputsProducer } from "../../lib/output-names";
import { StackOutputs } from "../../lib/stack-outputs";
import { childEnv, loadChainToolchain } from "../../lib/toolchain";
import { splitRepositoryUrl } from "../push/push-plan";
import type { NormalizedPreflightOptions } from "./normalize-options";

/** STS answers in any region; used when neither the outputs nor AWS_REGION name one. */
const STS_FALLBACK_REGION = "us-east-1";

export async function preflight(
  o: NormalizedPreflightOptions,
  env: NodeJS.ProcessEnv = process.env,
  log = new StepLog(`preflight ${o.environment}`),
): Promise<void> {
  const kind = environmentKind(o.environment);
  const emulated = kind === "aws" && isEmulated(env);
  const outputs = existsSync(o.outputsFile)
    ? StackOutputs.load(o.outputsFile, outputsProducer(o.environment, true))
    : undefined;
  if (o.checkDocker) {
    const toolchain = loadChainToolchain(env);
    const dockerEnv = childEnv(toolchain);
    const version = await assertDockerEngine(dockerEnv);
    log.info(`Docker engine ${version} at ${toolchain.dockerHost}`);
    if (kind === "local" || emulated) {
      await assertRegistryReachable(toolchain.registry);
      log.info(`registry ${toolchain.registry} reachable`);
    } else if (outputs && outputs.namesEndingWith(`_${OUTPUTS.repositoryUrl}`).length > 0) {
      // Every service's repository is in the one registry: any of them names its host.
      const [first] = outputs.namesEndingWith(`_${OUTPUTS.repositoryUrl}`);
      const host = splitRepositoryUrl(outputs.string(first)).host;
      await assertRegistryReachable(host);
      log.info(`registry ${host} reachable`);
    } else {
      log.info(
        "ECR registry not created yet: its host is checked by push once the registry stack is applied",
      );
    }
  }
  if (kind === "aws") {
    const cluster = outputs?.optionalString(OUTPUTS.clusterArn);
    const region = (cluster && regionFrom(cluster)) || regionFromEnv(env) || STS_FALLBACK_REGION;
    const id = await assertAwsAccess(region, env);
    log.info(
      `AWS ${emulated ? `emulator ${env.AWS_ENDPOINT_URL}` : "API"}: account ${id.account} as ${id.arn}`,
    );
  }
}
