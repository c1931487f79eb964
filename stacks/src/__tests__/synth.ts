import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App, Testing } from "cdktf";
import { defineEnvironmentStacks, type EnvironmentStacks } from "../app";
import type { EnvironmentName } from "../config";

export const DIGEST_A = `sha256:${"a".repeat(64)}`;
export const DIGEST_B = `sha256:${"b".repeat(64)}`;

/** A synthesized stack's Terraform JSON. */
// biome-ignore lint/suspicious/noExplicitAny: Terraform JSON is untyped; tests index into it freely.
export type TfJson = Record<string, any>;

export interface SynthesizedEnv {
  readonly defined: EnvironmentStacks;
  /** Stack name -> Terraform JSON. */
  readonly json: Record<string, TfJson>;
}

/**
 * Defines and synthesizes one environment in memory with a fixed environment (no toolchain, no files
 * from a previous push), so results do not depend on the machine.
 */
export function synthEnv(env: EnvironmentName, environ: NodeJS.ProcessEnv = {}): SynthesizedEnv {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), "stacks-test-")) });
  const defined = defineEnvironmentStacks(app, {
    env,
    environ: {
      PLATFORM_IMAGE_DIGEST_SAMPLE_SERVICE: DIGEST_A,
      PLATFORM_IMAGE_DIGEST_POST_WORKER: DIGEST_A,
      PLATFORM_PROXY_IMAGE_DIGEST: DIGEST_B,
      PLATFORM_LOCAL_STATE_DIR: "/tmp/platform-test-state",
      ...environ,
    },
  });
  const json: Record<string, TfJson> = {};
  for (const stack of defined.stacks) json[stack.node.id] = JSON.parse(Testing.synth(stack));
  return { defined, json };
}

/** All resources of a type in a stack's JSON, as a list. */
export function resourcesOf(json: TfJson, type: string): TfJson[] {
  return Object.values(json.resource?.[type] ?? {});
}
