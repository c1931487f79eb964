import { spawnSync } from "node:child_process";

/** `git merge-base --is-ancestor <sha> HEAD`: the commit is in HEAD's history (fetched and not force-pushed away). */
export function isAncestorOfHead(repoRoot: string, sha: string): boolean {
  return (
    spawnSync("git", ["merge-base", "--is-ancestor", sha, "HEAD"], { cwd: repoRoot, stdio: "ignore" })
      .status === 0
  );
}

const NULL_SHA = /^0{40}$/;

/**
 * The base for `nx affected -t deploy`: the newest commit that a successful deploy run of this workflow
 * built and that is still in HEAD's history (a failed deploy's changes are then deployed again by the
 * next run, not lost); else the push's `before` commit; else undefined, meaning "deploy everything"
 * (the first deploy into an empty environment).
 */
export function chooseDeployBase(
  successfulRunShas: readonly string[],
  before: string | undefined,
  isAncestor: (sha: string) => boolean,
): string | undefined {
  for (const sha of successfulRunShas) if (/^[0-9a-f]{40}$/.test(sha) && isAncestor(sha)) return sha;
  if (before && !NULL_SHA.test(before) && /^[0-9a-f]{40}$/.test(before) && isAncestor(before)) return before;
  return undefined;
}

/** Head SHAs of the workflow's successful runs on a branch, newest first (GitHub REST API). */
export async function successfulRunShas(
  api: { readonly apiUrl: string; readonly token: string; readonly repository: string },
  workflowFile: string,
  branch: string,
): Promise<string[]> {
  const url = `${api.apiUrl.replace(/\/$/, "")}/repos/${api.repository}/actions/workflows/${encodeURIComponent(workflowFile)}/runs?branch=${encodeURIComponent(branch)}&status=success&per_page=30`;
  const res = await fetch(url, {
    headers: {
      Accept: "application/vnd.github+json",
      Authorization: `Bearer ${api.token}`,
      "X-GitHub-Api-Version": "2022-11-28",
    },
    signal: AbortSignal.timeout(30000),
  });
  if (!res.ok) throw new Error(`GitHub GET ${url} answered HTTP ${res.status}`);
  const body = (await res.json()) as { workflow_runs?: Array<{ head_sha?: string }> };
  return (body.workflow_runs ?? []).flatMap((r) => (r.head_sha ? [r.head_sha] : []));
}
