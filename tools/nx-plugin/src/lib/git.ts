import { run } from "./exec";

export interface GitInfo {
  /** Full commit SHA of HEAD. */
  readonly sha: string;
  /** True when tracked or untracked (not ignored) files differ from HEAD. */
  readonly dirty: boolean;
  /** Committer date of HEAD (ISO 8601). */
  readonly commitTime: string;
}

export async function readGitInfo(cwd: string): Promise<GitInfo> {
  const sha = (await run("git", ["rev-parse", "HEAD"], { cwd })).stdout.trim();
  const status = (await run("git", ["status", "--porcelain"], { cwd })).stdout;
  const commitTime = (await run("git", ["show", "-s", "--format=%cI", "HEAD"], { cwd })).stdout.trim();
  return { sha, dirty: status.trim().length > 0, commitTime: new Date(commitTime).toISOString() };
}
