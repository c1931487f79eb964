export interface ExpectedBuild {
  readonly gitSha: string;
  readonly version: string;
}

/**
 * Undefined when a /version body reports the expected build, else what is wrong with it. The service
 * answers `{version, build_time, git_sha, hostname}`.
 */
export function versionMismatch(body: unknown, expected: ExpectedBuild): string | undefined {
  if (typeof body !== "object" || body === null)
    return `/version did not return a JSON object (got ${JSON.stringify(body)})`;
  const b = body as { git_sha?: unknown; version?: unknown; hostname?: unknown };
  if (b.git_sha !== expected.gitSha) {
    return `/version reports git_sha ${JSON.stringify(b.git_sha)}${b.hostname ? ` from ${b.hostname}` : ""}, expected ${expected.gitSha}`;
  }
  if (b.version !== expected.version) {
    return `/version reports version ${JSON.stringify(b.version)}, expected ${expected.version}`;
  }
  return undefined;
}

/** Joins a base URL and a path without doubling or dropping the slash. */
export function joinUrl(base: string, path: string): string {
  if (!/^https?:\/\/[^\s]+$/.test(base)) throw new Error(`Not an http(s) URL: ${JSON.stringify(base)}`);
  return `${base.replace(/\/+$/, "")}/${path.replace(/^\/+/, "")}`;
}
