import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  type DeployHistoryStore,
  deployHistoryStore,
  fileHistoryStore,
  type StateBucket,
} from "@platform/toolchain";
import type { EnvironmentName } from "./environment";

// This file's folder is <repo>/tools/nx-plugin/{src,dist}/lib.
const STATE_BACKEND_FILE = join(
  __dirname,
  "..",
  "..",
  "..",
  "..",
  "stacks",
  "src",
  "config",
  "state-backend.json",
);

/** stacks/src/config/state-backend.json: the state bucket and region the stacks' shared config uses. */
interface StateBackendFile {
  readonly stateBucket: string;
  readonly region: string;
}

/**
 * The state bucket as the stacks resolve it (`PLATFORM_STATE_BUCKET` / `PLATFORM_STATE_REGION`, else
 * stacks/src/config/state-backend.json), so the history sits in the bucket the environment's state does.
 * Read as JSON: Nx transpiles only this plugin's TypeScript, so the stacks' sources cannot be loaded here.
 */
export function stacksStateBucket(environ: NodeJS.ProcessEnv, file = STATE_BACKEND_FILE): StateBucket {
  const backend = JSON.parse(readFileSync(file, "utf8")) as Partial<StateBackendFile>;
  if (typeof backend.stateBucket !== "string" || typeof backend.region !== "string") {
    throw new Error(`${file}: stateBucket and region must be strings`);
  }
  return {
    bucket: environ.PLATFORM_STATE_BUCKET?.trim() || backend.stateBucket,
    region: environ.PLATFORM_STATE_REGION?.trim() || backend.region,
  };
}

/**
 * A service's deploy history in an environment: `historyFile` when given (an explicit file), else the
 * local state dir's file for `local` and the state bucket's `deploy-history/<env>/<service>.json` on AWS.
 */
export function serviceHistoryStore(
  repoRoot: string,
  environment: EnvironmentName,
  service: string,
  historyFile: string | undefined,
  environ: NodeJS.ProcessEnv,
): DeployHistoryStore {
  if (historyFile !== undefined) return fileHistoryStore(historyFile);
  const stateBucket = environment === "local" ? undefined : stacksStateBucket(environ);
  return deployHistoryStore({ repoRoot, env: environment, service, stateBucket, environ });
}
