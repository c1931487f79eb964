import { environmentKind, parseEnvironment, resolveEnvPath, skipReason } from "./environment";

describe("parseEnvironment", () => {
  it("names the allowed environments", () => {
    expect(() => parseEnvironment("qa")).toThrow(
      /"environment" must be one of local, dev, staging, prod \(got "qa"\)/,
    );
  });

  it("maps local to Docker and the rest to AWS", () => {
    expect(environmentKind(parseEnvironment("local"))).toBe("local");
    expect(environmentKind(parseEnvironment("prod"))).toBe("aws");
  });
});

describe("resolveEnvPath", () => {
  it("replaces {environment} and resolves against the root", () => {
    expect(resolveEnvPath("/repo", "dist/deploy/{environment}/image.json", "dev")).toBe(
      "/repo/dist/deploy/dev/image.json",
    );
  });

  it("refuses {environment} without an environment", () => {
    expect(() => resolveEnvPath("/repo", "dist/{environment}")).toThrow(/no environment/);
  });
});

describe("skipReason", () => {
  it("runs when no environments are listed", () => {
    expect(skipReason(undefined, undefined, "x")).toBeUndefined();
  });

  it("runs for a listed environment and says why it skips another", () => {
    expect(skipReason("local", ["local"], "the proxy image")).toBeUndefined();
    expect(skipReason("dev", ["local"], "the proxy image")).toBe(
      "skipped: the proxy image is used only by local, not by dev",
    );
  });

  it("names the allowed values of a bad list", () => {
    expect(() => skipReason("dev", ["qa"], "x")).toThrow(
      /"onlyEnvironments" must be one of local, dev, staging, prod/,
    );
  });
});

describe("resolveEnvPath placeholders", () => {
  it("puts {repoRoot} and {stacksOut} where the stacks read and write them", () => {
    expect(resolveEnvPath("/repo", "{repoRoot}/dist/deploy/{environment}/image.json", "dev", {})).toBe(
      "/repo/dist/deploy/dev/image.json",
    );
    expect(resolveEnvPath("/repo", "{stacksOut}/outputs/{environment}.json", "dev", {})).toBe(
      "/repo/stacks/out/outputs/dev.json",
    );
  });

  it("follows PLATFORM_REPO_ROOT and PLATFORM_STACKS_OUT_DIR, as the stacks CLI does", () => {
    const environ = { PLATFORM_REPO_ROOT: "/tmp/w", PLATFORM_STACKS_OUT_DIR: "/tmp/w/out" };
    expect(resolveEnvPath("/repo", "{repoRoot}/dist/deploy/{environment}/image.json", "dev", environ)).toBe(
      "/tmp/w/dist/deploy/dev/image.json",
    );
    expect(resolveEnvPath("/repo", "{stacksOut}/outputs/{environment}.json", "dev", environ)).toBe(
      "/tmp/w/out/outputs/dev.json",
    );
  });
});
