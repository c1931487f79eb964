import { setTimeout as sleep } from "node:timers/promises";
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  type Service,
} from "@aws-sdk/client-ecs";
import { awsClientConfig, regionFrom, regionFromEnv } from "../../lib/aws";
import type { PushedImage } from "../../lib/deploy-files";
import { containerStates } from "../../lib/docker";
import { type EnvironmentName, environmentKind } from "../../lib/environment";
import { describeFetchError, httpGet } from "../../lib/http";
import type { StepLog } from "../../lib/log";
import { OUTPUTS } from "../../lib/output-names";
import type { StackOutputs } from "../../lib/stack-outputs";
import { childEnv, loadChainToolchain } from "../../lib/toolchain";
import { joinUrl } from "../smoke/version-check";
import { containerImage, evaluateServiceStability } from "./service-stability";

export interface WaitStableInput {
  readonly environment: EnvironmentName;
  /** The service waited for (its outputs are `outputs`). */
  readonly service: string;
  readonly outputs: StackOutputs;
  /** When given, the service's task definition must run exactly this image. */
  readonly image?: PushedImage;
  readonly timeoutSeconds: number;
  readonly pollIntervalSeconds: number;
  readonly env: NodeJS.ProcessEnv;
  readonly log: StepLog;
  readonly signal?: AbortSignal;
}

export interface StableService {
  readonly taskDefinitionArn?: string;
  readonly image?: string;
  readonly summary: string;
}

/** AWS: waits for the ECS deployment; local: waits until the service URL's /_ready answers 200. */
export function waitStable(input: WaitStableInput): Promise<StableService> {
  return environmentKind(input.environment) === "local" ? waitLocalReady(input) : waitEcsStable(input);
}

async function waitEcsStable(input: WaitStableInput): Promise<StableService> {
  const { outputs, log } = input;
  const cluster = outputs.string(OUTPUTS.clusterArn);
  const serviceName = outputs.string(OUTPUTS.serviceName);
  const containerName = outputs.string(OUTPUTS.containerName);
  const region = regionFrom(cluster) ?? regionFromEnv(input.env);
  if (!region) throw new Error(`No AWS region: ${cluster} names none and AWS_REGION is unset.`);
  const ecs = new ECSClient(awsClientConfig(region, input.env));
  try {
    const first = await describeService(ecs, cluster, serviceName);
    const expected = first?.taskDefinition;
    if (!first || !expected) throw new Error(`ECS service ${serviceName} is not in cluster ${cluster}.`);
    const td = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: expected }));
    const image = containerImage(td.taskDefinition?.containerDefinitions, containerName);
    log.info(`service ${serviceName} runs ${expected} (container ${containerName}: ${image ?? "not found"})`);
    if (input.image && image !== input.image.reference) {
      throw new Error(
        `The service's task definition ${expected} runs ${image ?? "no such container"}, not the pushed ${input.image.reference}.`,
      );
    }
    const deadline = Date.now() + input.timeoutSeconds * 1000;
    let last = "";
    for (let service: Service | undefined = first; ; ) {
      const verdict = evaluateServiceStability(service, expected);
      if (verdict.state === "failed")
        throw new Error(`ECS deployment of ${serviceName} failed: ${verdict.reason}`);
      if (verdict.summary !== last) log.info(`${verdict.state}: ${verdict.summary}`);
      last = verdict.summary;
      if (verdict.state === "stable") return { taskDefinitionArn: expected, image, summary: verdict.summary };
      if (Date.now() >= deadline) {
        throw new Error(
          `ECS service ${serviceName} was not stable within ${input.timeoutSeconds}s (${verdict.summary}).`,
        );
      }
      await sleep(input.pollIntervalSeconds * 1000, undefined, { signal: input.signal });
      service = await describeService(ecs, cluster, serviceName);
    }
  } finally {
    ecs.destroy();
  }
}

async function describeService(ecs: ECSClient, cluster: string, service: string) {
  const res = await ecs.send(new DescribeServicesCommand({ cluster, services: [service] }));
  return res.services?.[0];
}

async function waitLocalReady(input: WaitStableInput): Promise<StableService> {
  const base = input.outputs.string(OUTPUTS.serviceUrl, { allowEmpty: true });
  if (base === "") return waitLocalWorker(input);
  const url = joinUrl(base, "/_ready");
  const deadline = Date.now() + input.timeoutSeconds * 1000;
  let last = "";
  for (;;) {
    let now: string;
    try {
      const res = await httpGet(url, 5000);
      if (res.status === 200) {
        input.log.info(`${url} answers 200`);
        return { summary: `${url} ready` };
      }
      now = `HTTP ${res.status}`;
    } catch (err) {
      now = describeFetchError(err);
    }
    if (now !== last) input.log.info(`waiting for ${url}: ${now}`);
    last = now;
    if (Date.now() >= deadline)
      throw new Error(`${url} was not ready within ${input.timeoutSeconds}s (last: ${now}).`);
    await sleep(input.pollIntervalSeconds * 1000, undefined, { signal: input.signal });
  }
}

/** Seconds a worker's containers must keep running (no restart) to count as started. */
const WORKER_SETTLE_SECONDS = 3;

/**
 * A worker has no URL and may have no health check: its containers must exist, run, and not restart
 * for a few seconds (a crash on start shows as exited or restarting).
 */
async function waitLocalWorker(input: WaitStableInput): Promise<StableService> {
  const names = input.outputs.stringList(OUTPUTS.containerNames);
  const env = childEnv(loadChainToolchain(input.env));
  const before = await containerStates(names, env);
  await sleep(WORKER_SETTLE_SECONDS * 1000, undefined, { signal: input.signal });
  const after = await containerStates(names, env);
  const problems = names.flatMap((name) => {
    const state = after.get(name);
    if (!state) return [`${name} does not exist`];
    if (state.status !== "running") return [`${name} is ${state.status}`];
    if (state.restarts > (before.get(name)?.restarts ?? 0)) return [`${name} restarted`];
    return [];
  });
  if (problems.length > 0)
    throw new Error(
      `${input.service} (worker) did not start: ${problems.join("; ")} (see docker logs <name>)`,
    );
  const summary = `${input.service} has no URL (worker): ${names.length} container(s) running for ${WORKER_SETTLE_SECONDS}s without a restart`;
  input.log.info(summary);
  return { summary };
}
