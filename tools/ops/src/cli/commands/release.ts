import { spawnSync } from "node:child_process";
import { imageRecordFile, readImageRecord } from "../../lib/deploy-records";
import { parseAwsEnvironment } from "../../lib/environments";
import { releaseStepCommand, releaseSteps } from "../../promote/release-steps";
import type { CommandSpec } from "../command";
import { info, requireValue, runNpx } from "../context";
import { resolveServiceOption, SERVICE_OPTION } from "../service-option";

/** The target names of an Nx project (`nx show project <project> --json`). */
function projectTargets(workspace: string, project: string): string[] {
  const r = spawnSync("npx", ["nx", "show", "project", project, "--json"], {
    cwd: workspace,
    encoding: "utf8",
    env: { ...process.env, NX_DAEMON: "false" },
  });
  if (r.status !== 0) throw new Error(`nx show project ${project} failed:\n${r.stderr}`);
  return Object.keys(
    (JSON.parse(r.stdout.trim().split("\n").pop() ?? "{}") as { targets?: object }).targets ?? {},
  );
}

export const releaseCommand: CommandSpec = {
  summary: `deploy the digest in dist/deploy/<env>/<service>/image.json: <service>:migrate, its apply
(its stack only) + wait stable, smoke (no build, no push; what promote hands over)`,
  options: {
    env: { type: "string", placeholder: "<env>" },
    service: SERVICE_OPTION,
    "dry-run": { type: "boolean", optional: true },
  },
  /** Exits with the first failing step's exit code; later steps are not run. */
  async run(args, { repoRoot, workspace, environ }) {
    const env = parseAwsEnvironment(requireValue(args, "env"), "--env");
    const service = (await resolveServiceOption(args, { workspace, environ, env })).name;
    const file = imageRecordFile(repoRoot, env, service);
    const record = readImageRecord(file);
    if (!record)
      throw new Error(
        `${file} does not exist: promote a digest of ${service} to ${env} first (npx nx run ops:promote -- --service ${service}).`,
      );
    const steps = releaseSteps(
      service,
      projectTargets(workspace, service),
      projectTargets(workspace, "stacks"),
    );
    info(
      `releasing ${service} ${record.reference} to ${env}: ${steps.map((s) => `${s.project}:${s.target}`).join(" -> ")}`,
    );
    for (const s of steps) {
      const nxArgs = releaseStepCommand(s, env);
      info(`npx ${nxArgs.join(" ")}`);
      if (args.flags.has("dry-run")) continue;
      const code = runNpx(workspace, nxArgs);
      if (code !== 0) {
        info(`${s.project}:${s.target} failed: later steps were not run.`);
        return code;
      }
    }
    return 0;
  },
};
