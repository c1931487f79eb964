import { assertImageName, buildTimeFor, dockerBuildArgs, imageTagFor } from "./build-args";

const SHA = "0123456789abcdef0123456789abcdef01234567";

describe("imageTagFor", () => {
  it("is the git SHA on a clean tree", () => {
    expect(imageTagFor(SHA, false)).toBe(SHA);
  });

  it("appends -dirty when the tree has changes", () => {
    expect(imageTagFor(SHA, true)).toBe(`${SHA}-dirty`);
  });

  it("refuses something that is not a SHA", () => {
    expect(() => imageTagFor("latest", false)).toThrow(/Not a git commit SHA/);
  });
});

describe("assertImageName", () => {
  it("refuses a name with a tag", () => {
    expect(() => assertImageName("sample-service:latest")).toThrow(/imageName.*docker repository name/);
  });

  it("accepts a path", () => {
    expect(() => assertImageName("team/sample-service")).not.toThrow();
  });
});

describe("buildTimeFor", () => {
  const now = new Date("2026-11-22T10:00:00.000Z");
  it("uses the commit time on a clean tree so an unchanged source rebuilds to the same image", () => {
    expect(buildTimeFor({ dirty: false, commitTime: "2026-11-01T08:00:00.000Z" }, now)).toBe(
      "2026-11-01T08:00:00.000Z",
    );
  });

  it("uses the current time on a dirty tree", () => {
    expect(buildTimeFor({ dirty: true, commitTime: "2026-11-01T08:00:00.000Z" }, now)).toBe(
      "2026-11-22T10:00:00.000Z",
    );
  });
});

describe("dockerBuildArgs", () => {
  const args = dockerBuildArgs({
    dockerfile: "/repo/apps/sample-service/Dockerfile",
    context: "/repo",
    tags: [`sample-service:${SHA}`],
    buildArgs: { NODE_BASE_IMAGE: "platform/node:24", GIT_SHA: SHA, APP_VERSION: "1.2.3", BUILD_TIME: "t" },
    iidFile: "/tmp/iid",
  });

  it("passes every build arg as KEY=VALUE, sorted for a stable command line", () => {
    const pairs = args.flatMap((a, i) => (args[i - 1] === "--build-arg" ? [a] : []));
    expect(pairs).toEqual([
      `APP_VERSION=1.2.3`,
      "BUILD_TIME=t",
      `GIT_SHA=${SHA}`,
      "NODE_BASE_IMAGE=platform/node:24",
    ]);
  });

  it("names the Dockerfile, the id file and the tag, and ends with the context", () => {
    expect(args.slice(0, 5)).toEqual([
      "build",
      "--file",
      "/repo/apps/sample-service/Dockerfile",
      "--iidfile",
      "/tmp/iid",
    ]);
    expect(args).toContain(`sample-service:${SHA}`);
    expect(args[args.length - 1]).toBe("/repo");
  });

  it("uses no BuildKit-only flags (the engine runs the classic builder)", () => {
    expect(args.join(" ")).not.toMatch(/--load|--push|--platform|--secret|--cache-from/);
  });

  it("adds --network only when asked", () => {
    expect(args).not.toContain("--network");
    const withNet = dockerBuildArgs({
      dockerfile: "D",
      context: ".",
      tags: ["a:b"],
      buildArgs: {},
      iidFile: "i",
      network: "host",
    });
    expect(withNet.slice(-3)).toEqual(["--network", "host", "."]);
  });

  it("refuses a build without a tag", () => {
    expect(() =>
      dockerBuildArgs({ dockerfile: "D", context: ".", tags: [], buildArgs: {}, iidFile: "i" }),
    ).toThrow(/at least one tag/);
  });
});
