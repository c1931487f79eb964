import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type CommandRun, nx, sharedLocalState, tail } from "./chain";
import { containersOn, docker, dockerObjectExists } from "./local-env";

/**
 * Docker names the local stacks give the `local` environment (stacks/src/stacks/local-*-stack.ts:
 * `<env>-platform`, `<env>-pgdata`). Used only to find leftovers that no state knows about.
 */
export const LOCAL_NETWORK = "local-platform";
export const LOCAL_VOLUME = "local-pgdata";

/** Resources recorded in the local environment's Terraform state files (0 when none). */
export function localStateResourceCount(stateDir = sharedLocalState().PLATFORM_LOCAL_STATE_DIR): number {
  let count = 0;
  for (const file of ["local.tfstate", "local-data.tfstate"]) {
    const path = join(stateDir, "local", file);
    if (!existsSync(path)) continue;
    const state = JSON.parse(readFileSync(path, "utf8")) as { resources?: unknown[] };
    count += state.resources?.length ?? 0;
  }
  return count;
}

/**
 * Makes the local environment empty, data included, for a cold deploy: what the state knows goes through
 * `nx run stacks:destroy -c local -- --include-data` (run in `repoDir`); leftovers under the environment's
 * names that no state knows (a state directory deleted by hand, a previous run killed between create and
 * state write) are removed directly, and said so, since they would make the cold deploy fail on a name
 * conflict.
 */
export async function resetLocalEnvironment(repoDir: string, logFile: string, log: (line: string) => void) {
  let destroy: CommandRun | undefined;
  if (localStateResourceCount() > 0) {
    log("local environment present in state: nx run stacks:destroy -c local -- --include-data");
    destroy = await nx(
      repoDir,
      ["run", "stacks:destroy", "-c", "local", "--outputStyle=static", "--", "--include-data"],
      logFile,
    );
    if (destroy.code !== 0) {
      throw new Error(
        `stacks:destroy -c local -- --include-data failed (exit ${destroy.code}):\n${tail(destroy.output)}`,
      );
    }
  }
  if (await dockerObjectExists("network", LOCAL_NETWORK)) {
    const names = await containersOn(LOCAL_NETWORK);
    log(
      `removing leftovers no state knows: containers ${names.join(", ") || "none"}, network ${LOCAL_NETWORK}`,
    );
    if (names.length > 0) await docker(["rm", "--force", "--volumes", ...names]);
    await docker(["network", "rm", LOCAL_NETWORK]);
  }
  if (await dockerObjectExists("volume", LOCAL_VOLUME)) {
    log(`removing leftover volume ${LOCAL_VOLUME} that no state knows`);
    await docker(["volume", "rm", LOCAL_VOLUME]);
  }
  return destroy;
}
