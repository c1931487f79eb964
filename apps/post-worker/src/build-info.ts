import * as fs from "node:fs";
import * as path from "node:path";
import type { Env } from "./config";

/** Which build is running, for the start log line (the worker has no /version endpoint). */
export interface BuildInfo {
  readonly version: string;
  readonly gitSha: string;
  readonly buildTime: string;
}

/**
 * The image bakes APP_VERSION, GIT_SHA and BUILD_TIME in as ENV from the dockerize executor's
 * build args (see the Dockerfile). Outside an image: package.json's version, "unknown", and the
 * time this file was compiled.
 */
export function loadBuildInfo(
  env: Env,
  packageJson = path.resolve(__dirname, "..", "package.json"),
): BuildInfo {
  const given = (name: string) => env[name]?.trim() || undefined;
  const pkg = JSON.parse(fs.readFileSync(packageJson, "utf8")) as { version: string };
  return {
    version: given("APP_VERSION") ?? pkg.version,
    gitSha: given("GIT_SHA") ?? "unknown",
    buildTime: given("BUILD_TIME") ?? fs.statSync(__filename).mtime.toISOString(),
  };
}
