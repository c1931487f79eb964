import { resolve } from "node:path";
import { parseAwsEnvironment } from "../../lib/environments";
import { synthesizeEnvironment } from "../../lib/stacks-cli";
import { readSynthesizedEnvironment } from "../../lib/synthesized-environment";
import { checkDrift } from "../../status/drift";
import { renderStatusTable } from "../../status/render";
import { collectStatus } from "../../status/status";
import type { CommandSpec } from "../command";
import { info, out, requireValue } from "../context";

export const statusCommand: CommandSpec = {
  summary: `deployed digest + git sha, task definition revision, task counts, rollout state, last migration,
last apply (state objects + apply record), drift (terraform plan -detailed-exitcode)`,
  options: {
    env: { type: "string", placeholder: "<dev|staging|prod>" },
    json: { type: "boolean", optional: true },
    drift: { type: "boolean", optional: true },
    "database-url": { type: "string", placeholder: "URL", optional: true },
    emulator: { type: "boolean", optional: true },
    "synth-dir": { type: "string", placeholder: "DIR", optional: true },
  },
  /** Exit 0 in sync, 2 when a stack drifted, 1 when a drift check failed. */
  async run(args, { repoRoot, workspace, environ }) {
    const env = parseAwsEnvironment(requireValue(args, "env"), "--env");
    const synthDir = args.values["synth-dir"];
    const synthesized = synthDir
      ? readSynthesizedEnvironment(resolve(synthDir), env)
      : synthesizeEnvironment(workspace, env, { environ });
    const status = await collectStatus({
      repoRoot,
      synthesized,
      databaseUrl: args.values["database-url"],
      environ,
      drift: args.flags.has("drift")
        ? async (running) => {
            // Plan against what runs: synthesize again with the running digest (PLATFORM_IMAGE_DIGEST).
            const pinned =
              running?.image && !synthDir
                ? synthesizeEnvironment(workspace, env, {
                    environ,
                    imageReference: running.image.reference,
                  })
                : synthesized;
            info(
              `drift: terraform plan -detailed-exitcode of ${pinned.stateObjects.map((s) => s.stack).join(", ")}`,
            );
            return checkDrift(
              { binary: environ.TERRAFORM_BINARY_NAME || "terraform", env: environ },
              pinned.stateObjects,
            );
          }
        : undefined,
    });
    if (args.flags.has("json")) out(JSON.stringify(status, null, 2));
    else process.stdout.write(renderStatusTable(status));
    if (status.drift?.some((d) => d.exitCode === 1)) return 1;
    return status.drift?.some((d) => d.drifted) ? 2 : 0;
  },
};
