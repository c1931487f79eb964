import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ConfigError, type Env } from "./config";

/** What `/version` reports: which build is answering, and on which host (task). */
export interface BuildInfo {
  readonly name: string;
  readonly version: string;
  /** ISO-8601. */
  readonly buildTime: string;
  /** Commit the image was built from, or "unknown". */
  readonly gitSha: string;
  readonly hostname: string;
}

const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
const GIT_SHA = /^[0-9a-f]{7,40}(?:-dirty)?$/;
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/;

/**
 * APP_VERSION, BUILD_TIME and GIT_SHA are baked into the image as ENV by the Dockerfile's ARGs.
 * Outside an image the version comes from package.json, the build time from when this file was
 * compiled (its mtime), and the sha is "unknown".
 */
export function loadBuildInfo(
  env: Env,
  packageJsonPath = path.resolve(__dirname, "..", "package.json"),
  compiledFile = __filename,
): BuildInfo {
  const pkg = JSON.parse(fs.readFileSync(packageJsonPath, "utf8")) as { name?: unknown; version?: unknown };
  const problems: string[] = [];
  const appVersion = env.APP_VERSION?.trim() || undefined;
  const version = appVersion ?? String(pkg.version);
  if (!SEMVER.test(version)) {
    problems.push(
      appVersion === undefined
        ? `package.json version must be semver like 1.2.3 (got ${JSON.stringify(version)})`
        : `APP_VERSION must be semver like 1.2.3 or 1.2.3-rc.1 (got ${JSON.stringify(version)})`,
    );
  }
  const rawTime = env.BUILD_TIME?.trim() || undefined;
  let buildTime = fs.statSync(compiledFile).mtime.toISOString();
  if (rawTime !== undefined) {
    if (ISO_8601.test(rawTime) && !Number.isNaN(Date.parse(rawTime))) {
      buildTime = new Date(rawTime).toISOString();
    } else {
      problems.push(
        `BUILD_TIME must be an ISO-8601 time like 2026-01-31T12:00:00Z (got ${JSON.stringify(rawTime)})`,
      );
    }
  }
  const rawSha = env.GIT_SHA?.trim() || "unknown";
  if (rawSha !== "unknown" && !GIT_SHA.test(rawSha)) {
    problems.push(
      `GIT_SHA must be 7 to 40 lowercase hex digits (optionally ending in -dirty) or "unknown" (got ${JSON.stringify(rawSha)})`,
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    name: String(pkg.name),
    version,
    buildTime,
    gitSha: rawSha,
    hostname: os.hostname(),
  };
}

/** Response header on `/_ready` naming the build, so a proxy can send traffic to the newest one only. */
export const REVISION_HEADER = "x-service-revision";

/** The build's identity: version, commit and build time (two builds of one commit differ by the time). */
export function buildRevision(info: BuildInfo): string {
  return `${info.version} ${info.gitSha} ${info.buildTime}`;
}
