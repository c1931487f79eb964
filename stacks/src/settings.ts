import * as fs from "node:fs";
import * as path from "node:path";
import type { SharedConfig } from "@platform/env-config";
import { localSecretsRoot } from "@platform/local";
import { type AwsTarget, awsTargetFromEnv, type StateBackendSettings } from "./aws/endpoint-override";

/** The repository root: the nearest ancestor of `from` holding nx.json. */
export function findRepoRoot(from: string = __dirname): string {
  let dir = path.resolve(from);
  for (;;) {
    if (fs.existsSync(path.join(dir, "nx.json"))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`No nx.json above ${from}: run from inside the repository`);
    dir = parent;
  }
}

/** Everything the stacks read from the process environment, resolved once. */
export interface PlatformSettings {
  readonly repoRoot: string;
  /** Real AWS, or an emulator via `AWS_ENDPOINT_URL`. */
  readonly target: AwsTarget;
  /** Remote state bucket: shared config, overridable by `PLATFORM_STATE_BUCKET` / `PLATFORM_STATE_REGION`. */
  readonly state: StateBackendSettings;
  /**
   * Local-backend state (bootstrap and `local` env): `PLATFORM_LOCAL_STATE_DIR`, default the machine-level
   * `${XDG_STATE_HOME:-~/.local/state}/fargate-platform/state`: it describes one Docker engine's (or one
   * account's) resources, which outlive any checkout, so every checkout on the machine shares it.
   */
  readonly localStateDir: string;
}

export function settingsFromEnv(
  shared: SharedConfig,
  environ: NodeJS.ProcessEnv = process.env,
): PlatformSettings {
  const repoRoot = environ.PLATFORM_REPO_ROOT ?? findRepoRoot();
  return {
    repoRoot,
    target: awsTargetFromEnv(environ),
    state: {
      bucket: environ.PLATFORM_STATE_BUCKET?.trim() || shared.stateBucket,
      region: environ.PLATFORM_STATE_REGION?.trim() || shared.region,
    },
    localStateDir: environ.PLATFORM_LOCAL_STATE_DIR?.trim()
      ? path.resolve(repoRoot, environ.PLATFORM_LOCAL_STATE_DIR.trim())
      : path.join(localSecretsRoot(environ), "state"),
  };
}
