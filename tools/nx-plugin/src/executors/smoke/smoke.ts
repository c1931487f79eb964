import { setTimeout as sleep } from "node:timers/promises";
import { isEmulated } from "../../lib/aws";
import { readPushedImage } from "../../lib/deploy-files";
import { environmentKind } from "../../lib/environment";
import { describeFetchError, httpGet } from "../../lib/http";
import { StepLog } from "../../lib/log";
import { OUTPUTS, outputsProducer } from "../../lib/output-names";
import { StackOutputs } from "../../lib/stack-outputs";
import type { NormalizedSmokeOptions } from "./normalize-options";
import { joinUrl, versionMismatch } from "./version-check";

export type SmokeResult =
  | { readonly status: "passed"; readonly url: string }
  | { readonly status: "skipped-unreachable"; readonly url: string; readonly reason: string }
  | { readonly status: "skipped-no-url"; readonly reason: string };

const REQUEST_TIMEOUT_MS = 5000;
const RETRY_MS = 1000;

export async function smoke(
  o: NormalizedSmokeOptions,
  env: NodeJS.ProcessEnv = process.env,
  log = new StepLog(`smoke ${o.environment}`),
): Promise<SmokeResult> {
  const pushed = readPushedImage(o.imageFile);
  const outputs = StackOutputs.load(o.outputsFile, outputsProducer(o.environment, false), {
    service: o.service,
    environment: o.environment,
  });
  if (outputs.has(OUTPUTS.serviceUrl) && outputs.string(OUTPUTS.serviceUrl, { allowEmpty: true }) === "") {
    // A worker takes no requests: its stack exports an empty URL, and apply checked its deployment.
    const reason = `${o.service} has no URL (a worker takes no traffic); apply checked its deployment`;
    log.info(`SKIPPED (no URL): ${reason}`);
    return { status: "skipped-no-url", reason };
  }
  const url = joinUrl(outputs.string(OUTPUTS.serviceUrl), o.path);
  const expected = { gitSha: pushed.gitSha, version: pushed.version };

  if (environmentKind(o.environment) === "aws" && isEmulated(env)) {
    // The emulator runs no containers and its load balancer names do not resolve: say so, do not pass.
    try {
      await httpGet(url, REQUEST_TIMEOUT_MS);
    } catch (err) {
      const reason = `${url} is unreachable under the AWS emulator (${describeFetchError(err)})`;
      log.info(
        `SKIPPED (unreachable): ${reason}. The deployed digest was checked in the task definition instead.`,
      );
      return { status: "skipped-unreachable", url, reason };
    }
  }

  log.info(
    `GET ${url} until ${o.consecutive} consecutive answers report ${expected.gitSha} (${expected.version})`,
  );
  const deadline = Date.now() + o.timeoutSeconds * 1000;
  let streak = 0;
  let problem = "no answer yet";
  for (;;) {
    try {
      const res = await httpGet(url, REQUEST_TIMEOUT_MS);
      const wrong =
        res.status === 200
          ? versionMismatch(res.body, expected)
          : `HTTP ${res.status}: ${res.text.slice(0, 200)}`;
      if (wrong) {
        if (wrong !== problem) log.info(wrong);
        problem = wrong;
        streak = 0;
      } else {
        streak++;
        if (streak >= o.consecutive) {
          log.info(`passed: ${url} reports ${expected.gitSha} (${expected.version})`);
          return { status: "passed", url };
        }
        continue;
      }
    } catch (err) {
      const wrong = describeFetchError(err);
      if (wrong !== problem) log.info(`no answer: ${wrong}`);
      problem = wrong;
      streak = 0;
    }
    if (Date.now() >= deadline) {
      throw new Error(`Smoke check of ${url} failed after ${o.timeoutSeconds}s: ${problem}`);
    }
    await sleep(RETRY_MS);
  }
}
