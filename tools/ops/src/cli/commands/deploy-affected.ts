import { chooseDeployBase, isAncestorOfHead, successfulRunShas } from "../../github/deploy-base";
import { parseEnvironment } from "../../lib/environments";
import type { CommandSpec } from "../command";
import { info, requireValue, runNpx } from "../context";

export const deployAffectedCommand: CommandSpec = {
  summary: "nx affected -t deploy -c <env> from the last successfully deployed commit",
  options: {
    env: { type: "string", placeholder: "<env>" },
    workflow: { type: "string", placeholder: "deploy-dev.yml", optional: true },
    branch: { type: "string", placeholder: "main", optional: true },
    before: { type: "string", placeholder: "SHA", optional: true },
    "dry-run": { type: "boolean", optional: true },
  },
  /** Exits with nx's exit code. */
  async run(args, { workspace, environ }) {
    const env = parseEnvironment(requireValue(args, "env"), "--env");
    const workflow = args.values.workflow ?? `deploy-${env}.yml`;
    const branch = args.values.branch ?? "main";
    let runs: string[] = [];
    if (environ.GITHUB_TOKEN && environ.GITHUB_REPOSITORY) {
      runs = await successfulRunShas(
        {
          apiUrl: environ.GITHUB_API_URL || "https://api.github.com",
          token: environ.GITHUB_TOKEN,
          repository: environ.GITHUB_REPOSITORY,
        },
        workflow,
        branch,
      );
    }
    const base = chooseDeployBase(runs, args.values.before, (sha) => isAncestorOfHead(workspace, sha));
    const nxArgs = base
      ? ["nx", "affected", "-t", "deploy", "-c", env, `--base=${base}`, "--head=HEAD", "--outputStyle=static"]
      : ["nx", "run-many", "-t", "deploy", "-c", env, "--outputStyle=static"];
    info(
      base
        ? `deploying what changed since ${base} (last successful ${workflow} or the push's before)`
        : "no deployed base commit known: deploying everything",
    );
    info(`npx ${nxArgs.join(" ")}`);
    if (args.flags.has("dry-run")) return 0;
    return runNpx(workspace, nxArgs);
  },
};
