import { resolve } from "node:path";
import type { DeployedService } from "../../lib/deployed-service";
import { parseAwsEnvironment } from "../../lib/environments";
import { synthesizeEnvironment } from "../../lib/stacks-cli";
import { readSynthesizedEnvironment, type StateObject } from "../../lib/synthesized-environment";
import { checkDrift } from "../../status/drift";
import { renderStatusTable } from "../../status/render";
import { collectStatus } from "../../status/status";
import type { CommandSpec } from "../command";
import { info, out, requireValue } from "../context";

/** The running image of each service that runs one pinned by digest, by service name. */
function runningReferences(
  running: ReadonlyMap<string, DeployedService | undefined>,
): Record<string, string> {
  const refs: Record<string, string> = {};
  for (const [service, deployed] of running) if (deployed?.image) refs[service] = deployed.image.reference;
  return refs;
}

export const statusCommand: CommandSpec = {
  summary: `per service: deployed digest + git sha, task definition revision, task counts, rollout state,
last migration, image record; per environment: last apply (state objects + apply record), drift
(terraform plan -detailed-exitcode); --service limits it to one service and its stack`,
  options: {
    env: { type: "string", placeholder: "<dev|staging|prod>" },
    service: { type: "string", placeholder: "NAME", optional: true },
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
      service: args.values.service,
      databaseUrl: args.values["database-url"],
      environ,
      drift: args.flags.has("drift")
        ? async (stacks: readonly StateObject[], running) => {
            // Plan against what runs: synthesize again with each running digest
            // (PLATFORM_IMAGE_DIGEST_<SERVICE>), or a service stack would show its image record as drift.
            const imageReferences = runningReferences(running);
            const pinned =
              Object.keys(imageReferences).length > 0 && !synthDir
                ? synthesizeEnvironment(workspace, env, { environ, imageReferences })
                : synthesized;
            const names = new Set(stacks.map((s) => s.stack));
            const planned = pinned.stateObjects.filter((s) => names.has(s.stack));
            info(`drift: terraform plan -detailed-exitcode of ${planned.map((s) => s.stack).join(", ")}`);
            return checkDrift(
              { binary: environ.TERRAFORM_BINARY_NAME || "terraform", env: environ },
              planned,
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
