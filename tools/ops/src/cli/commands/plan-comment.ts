import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import {
  gitHubTargetFromEnv,
  planCommentBody,
  stickyMarker,
  upsertStickyComment,
} from "../../github/sticky-comment";
import { parseAwsEnvironment } from "../../lib/environments";
import type { CommandSpec } from "../command";
import { info, out, requireValue, workflowRunUrl } from "../context";

/** Stacks whose plan failed, from the stacks' summary.json (missing file = the plan never finished). */
export function planErrors(summaryJson: string): string[] {
  if (!existsSync(summaryJson)) return [`all stacks (${summaryJson} missing: the plan did not finish)`];
  const doc = JSON.parse(readFileSync(summaryJson, "utf8")) as { errors?: Array<{ stack?: string }> };
  return (doc.errors ?? []).map((e) => e.stack ?? "?");
}

export const planCommentCommand: CommandSpec = {
  summary: "post stacks/out/plans/<env>/summary.md as the PR's sticky plan comment for <env>",
  options: {
    env: { type: "string", placeholder: "<env>" },
    pr: { type: "string", placeholder: "N", optional: true },
    summary: { type: "string", placeholder: "FILE", optional: true },
    "dry-run": { type: "boolean", optional: true },
  },
  /** Exit 1 when a stack's plan failed: the plan step runs with continue-on-error, this fails the job. */
  async run(args, { workspace, environ }) {
    const env = parseAwsEnvironment(requireValue(args, "env"), "--env");
    const file = resolve(
      args.values.summary ??
        join(
          environ.PLATFORM_STACKS_OUT_DIR?.trim() || join(workspace, "stacks", "out"),
          "plans",
          env,
          "summary.md",
        ),
    );
    if (!existsSync(file))
      throw new Error(`${file} does not exist: run \`npx nx run stacks:plan -c ${env}\` first.`);
    const run = workflowRunUrl(environ);
    const footer = [
      run ? `[workflow run](${run})` : undefined,
      environ.GITHUB_SHA ? `commit ${environ.GITHUB_SHA.slice(0, 12)}` : undefined,
    ]
      .filter(Boolean)
      .join(" · ");
    const markdown = readFileSync(file, "utf8");
    const body = planCommentBody(env, markdown, footer || undefined);
    if (environ.GITHUB_STEP_SUMMARY) appendFileSync(environ.GITHUB_STEP_SUMMARY, `${markdown}\n`);
    if (args.flags.has("dry-run")) out(body);
    else {
      const pr = args.values.pr ? Number(args.values.pr) : undefined;
      const result = await upsertStickyComment(gitHubTargetFromEnv(environ, pr), stickyMarker(env), body);
      out(`${result.action} the ${env} plan comment ${result.url ?? result.id}`);
    }
    const errors = planErrors(join(dirname(file), "summary.json"));
    if (errors.length > 0) {
      info(`plan of ${env} failed for ${errors.join(", ")} (see the comment and the plan step's log)`);
      return 1;
    }
    return 0;
  },
};
