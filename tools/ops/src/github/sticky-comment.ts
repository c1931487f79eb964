import { readFileSync } from "node:fs";

/** GitHub's limit on an issue comment body. */
export const COMMENT_LIMIT = 65536;

/** Hidden marker that makes a comment "the" plan comment of one environment on a pull request. */
export function stickyMarker(env: string): string {
  return `<!-- fargate-platform:plan:${env} -->`;
}

/**
 * The comment body: marker, the stacks' Markdown summary (replacements and destroys are already at its
 * top), and a footer. Cut from the end when too long, so the flagged changes always survive.
 */
export function planCommentBody(env: string, markdown: string, footer?: string): string {
  const marker = stickyMarker(env);
  const tail = footer ? `\n\n---\n${footer}\n` : "\n";
  const room = COMMENT_LIMIT - marker.length - tail.length - 1;
  let text = markdown.trim();
  if (text.length > room) {
    const note = "\n\n... (truncated: the full summary is in the job's artifacts and log)";
    text = text.slice(0, room - note.length) + note;
  }
  return `${marker}\n${text}${tail}`;
}

export interface GitHubTarget {
  /** REST API root, `GITHUB_API_URL` (https://api.github.com on github.com). */
  readonly apiUrl: string;
  readonly token: string;
  /** `owner/name`. */
  readonly repository: string;
  readonly issueNumber: number;
}

interface IssueComment {
  readonly id: number;
  readonly body?: string;
  readonly html_url?: string;
}

async function gh<T>(target: GitHubTarget, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${target.apiUrl.replace(/\/$/, "")}${path}`, {
    method,
    headers: {
      Accept: "application/vnd.github+json",
      Authorization: `Bearer ${target.token}`,
      "X-GitHub-Api-Version": "2022-11-28",
      ...(body ? { "Content-Type": "application/json" } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(30000),
  });
  if (!res.ok) {
    throw new Error(
      `GitHub ${method} ${path} answered HTTP ${res.status}: ${(await res.text()).slice(0, 300)}`,
    );
  }
  return (await res.json()) as T;
}

/** Creates the environment's plan comment, or edits it in place when the marker is already on the PR. */
export async function upsertStickyComment(
  target: GitHubTarget,
  marker: string,
  body: string,
): Promise<{ readonly action: "created" | "updated"; readonly id: number; readonly url?: string }> {
  if (!body.includes(marker))
    throw new Error("The comment body must contain its marker, or it could never be updated.");
  const base = `/repos/${target.repository}/issues/${target.issueNumber}/comments`;
  for (let page = 1; page <= 50; page++) {
    const comments = await gh<IssueComment[]>(target, "GET", `${base}?per_page=100&page=${page}`);
    const mine = comments.find((c) => c.body?.includes(marker));
    if (mine) {
      const updated = await gh<IssueComment>(
        target,
        "PATCH",
        `/repos/${target.repository}/issues/comments/${mine.id}`,
        {
          body,
        },
      );
      return { action: "updated", id: updated.id, url: updated.html_url };
    }
    if (comments.length < 100) break;
  }
  const created = await gh<IssueComment>(target, "POST", base, { body });
  return { action: "created", id: created.id, url: created.html_url };
}

/** Reads the GitHub target from the Actions environment; names the missing variable. */
export function gitHubTargetFromEnv(env: NodeJS.ProcessEnv, issueNumber: number | undefined): GitHubTarget {
  const need = (k: string) => {
    const v = env[k]?.trim();
    if (!v) throw new Error(`${k} is not set (it is in GitHub Actions; pass the token as GITHUB_TOKEN).`);
    return v;
  };
  let pr = issueNumber;
  if (pr === undefined && env.GITHUB_EVENT_PATH) {
    const event = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, "utf8")) as {
      pull_request?: { number?: number };
    };
    pr = event.pull_request?.number;
  }
  if (!pr || !Number.isInteger(pr) || pr <= 0)
    throw new Error("--pr must be the pull request number (a positive integer).");
  return {
    apiUrl: env.GITHUB_API_URL?.trim() || "https://api.github.com",
    token: need("GITHUB_TOKEN"),
    repository: need("GITHUB_REPOSITORY"),
    issueNumber: pr,
  };
}
