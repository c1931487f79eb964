import { hostname, userInfo } from "node:os";
import { describeDeployedService } from "../../lib/deployed-service";
import { parseAwsEnvironment } from "../../lib/environments";
import { locateService } from "../../lib/locate-service";
import { synthesizeEnvironment } from "../../lib/stacks-cli";
import { writeApplyRecord } from "../../status/apply-record";
import type { CommandSpec } from "../command";
import { git, info, out, requireValue, workflowRunUrl } from "../context";

export const recordApplyCommand: CommandSpec = {
  summary: "write the apply record (commit, time, each service's digest) beside the environment's state",
  options: {
    env: { type: "string", placeholder: "<env>" },
    commit: { type: "string", placeholder: "SHA", optional: true },
    by: { type: "string", placeholder: "WHO", optional: true },
    emulator: { type: "boolean", optional: true },
  },
  async run(args, { workspace, environ }) {
    const env = parseAwsEnvironment(requireValue(args, "env"), "--env");
    const synthesized = synthesizeEnvironment(workspace, env, { environ });
    // Beside the service stacks' state, where status reads it (the first state object before any service exists).
    const state =
      synthesized.stateObjects.find((o) => synthesized.services.some((s) => s.stack === o.stack)) ??
      synthesized.stateObjects[0];
    if (!state) throw new Error(`${env} has no S3 state to record beside.`);
    const images: Record<string, string> = {};
    for (const { name } of synthesized.services) {
      try {
        const location = await locateService(env, {
          repoRoot: workspace,
          service: name,
          synthesized,
          environ,
        });
        const reference = (await describeDeployedService(location, environ))?.image?.reference;
        if (reference) images[name] = reference;
      } catch (err) {
        info(`note: ${name} runs nothing to record (${(err as Error).message.split("\n")[0]})`);
      }
    }
    const where = await writeApplyRecord(
      state.bucket,
      state.region,
      {
        environment: env,
        commit: args.values.commit ?? environ.GITHUB_SHA ?? git(workspace, ["rev-parse", "HEAD"]),
        appliedAt: new Date().toISOString(),
        images,
        by: args.values.by ?? workflowRunUrl(environ) ?? `${userInfo().username}@${hostname()}`,
      },
      environ,
    );
    out(`recorded the ${env} apply in ${where}`);
    return 0;
  },
};
