/** Docker repository name rules (lower-case path components separated by / . _ -). */
const IMAGE_NAME = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

export function assertImageName(name: string, option = "imageName"): void {
  if (!IMAGE_NAME.test(name)) {
    throw new Error(
      `Option "${option}" must be a docker repository name (lower-case letters, digits, '.', '_', '-', '/'; ` +
        `no tag) (got ${JSON.stringify(name)}).`,
    );
  }
}

/** `<git-sha>` or `<git-sha>-dirty`; never `latest`. */
export function imageTagFor(gitSha: string, dirty: boolean): string {
  if (!/^[a-f0-9]{7,40}$/.test(gitSha)) throw new Error(`Not a git commit SHA: ${JSON.stringify(gitSha)}`);
  return assertDeployableTag(dirty ? `${gitSha}-dirty` : gitSha);
}

export function assertDeployableTag(tag: string): string {
  if (!TAG.test(tag)) throw new Error(`Not a valid docker tag: ${JSON.stringify(tag)}`);
  if (tag === "latest")
    throw new Error("The tag `latest` is never built, pushed or deployed; tags are git SHAs.");
  return tag;
}

/**
 * BUILD_TIME baked into the image. A clean tree uses the commit time so an unchanged source rebuilds to
 * the identical image (every layer a cache hit, same image id, same pushed digest, no redeploy); a
 * dirty tree uses the current time.
 */
export function buildTimeFor(
  git: { readonly dirty: boolean; readonly commitTime: string },
  now: Date,
): string {
  return git.dirty ? now.toISOString() : git.commitTime;
}

export interface DockerBuildInput {
  readonly dockerfile: string;
  readonly context: string;
  readonly tags: readonly string[];
  readonly buildArgs: Readonly<Record<string, string>>;
  /** File docker writes the built image id to. */
  readonly iidFile: string;
  /** `--network` for RUN steps (e.g. host when containers have no other route). */
  readonly network?: string;
}

/** Arguments of `docker build` (classic builder: no BuildKit-only flags). */
export function dockerBuildArgs(input: DockerBuildInput): string[] {
  if (input.tags.length === 0) throw new Error("docker build needs at least one tag");
  const args = ["build", "--file", input.dockerfile, "--iidfile", input.iidFile];
  for (const tag of input.tags) args.push("--tag", tag);
  for (const [k, v] of Object.entries(input.buildArgs).sort(([a], [b]) => a.localeCompare(b))) {
    args.push("--build-arg", `${k}=${v}`);
  }
  if (input.network) args.push("--network", input.network);
  args.push(input.context);
  return args;
}
