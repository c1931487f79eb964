import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadBuildInfo } from "../src/build-info";

const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "package.json"), "utf8")) as {
  version: string;
};

describe("loadBuildInfo", () => {
  it("outside an image: package.json version, the compiled file's time, sha unknown", () => {
    const info = loadBuildInfo({});
    expect(info).toEqual({
      name: "sample-service",
      version: pkg.version,
      buildTime: fs.statSync(path.join(__dirname, "..", "src", "build-info.ts")).mtime.toISOString(),
      gitSha: "unknown",
      hostname: os.hostname(),
    });
  });

  it("in an image: APP_VERSION, BUILD_TIME (normalised to UTC) and GIT_SHA win", () => {
    const info = loadBuildInfo({
      APP_VERSION: "1.4.0-rc.1",
      BUILD_TIME: "2026-03-01T10:00:00+02:00",
      GIT_SHA: "0123abc-dirty",
    });
    expect(info).toMatchObject({
      version: "1.4.0-rc.1",
      buildTime: "2026-03-01T08:00:00.000Z",
      gitSha: "0123abc-dirty",
    });
  });

  it("rejects an APP_VERSION that is not semver", () => {
    expect(() => loadBuildInfo({ APP_VERSION: "v1" })).toThrow(/APP_VERSION must be semver like 1\.2\.3/);
  });

  it("rejects a BUILD_TIME that is not ISO-8601", () => {
    expect(() => loadBuildInfo({ BUILD_TIME: "1700000000" })).toThrow(/BUILD_TIME must be an ISO-8601 time/);
  });

  it("rejects a GIT_SHA that is not a hex sha", () => {
    expect(() => loadBuildInfo({ GIT_SHA: "HEAD" })).toThrow(/GIT_SHA must be 7 to 40 lowercase hex digits/);
  });
});
