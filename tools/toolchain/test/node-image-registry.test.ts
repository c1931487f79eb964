import * as fs from "node:fs";
import * as path from "node:path";
import { loadToolchainEnv } from "../src/toolchain-env";
import { docker, dockerOk, removeTempDirs, tempDir } from "./helpers";

// An image built FROM the toolchain's Node base image runs, goes to the loopback registry, is
// removed locally, comes back by digest and runs again: the path every deploy takes.
const tc = loadToolchainEnv();
const suffix = `${process.pid}-${Date.now()}`;

function buildHello(baseImage: string, tag: string): void {
  const dir = tempDir("node-image");
  fs.writeFileSync(
    path.join(dir, "hello.js"),
    'console.log("node " + process.version + " uid " + process.getuid());\n',
  );
  fs.writeFileSync(
    path.join(dir, "Dockerfile"),
    [
      "ARG NODE_BASE_IMAGE=node:24-bookworm-slim",
      "FROM $NODE_BASE_IMAGE",
      "COPY hello.js /app/hello.js",
      "USER node",
      'CMD ["node", "/app/hello.js"]',
      "",
    ].join("\n"),
  );
  dockerOk(tc, ["build", "-q", "--build-arg", `NODE_BASE_IMAGE=${baseImage}`, "-t", tag, dir]);
}

describe("Node base images with the loopback registry", () => {
  const created: string[] = [];
  afterAll(() => {
    for (const ref of created) docker(tc, ["rmi", "-f", ref]);
    removeTempDirs();
  });

  it.each([
    ["NODE_BASE_IMAGE", tc.nodeBaseImage],
    ["NODE_RUNTIME_IMAGE", tc.nodeRuntimeImage],
  ])(
    "builds FROM %s, runs as the non-root node user, pushes and pulls back by digest",
    (_name, baseImage) => {
      const repository = `${tc.registry}/toolchain-check/node-hello`;
      const tag = `${repository}:${suffix}-${created.length}`;
      buildHello(baseImage, tag);
      created.push(tag);

      expect(dockerOk(tc, ["run", "--rm", tag]).trim()).toMatch(/^node v24\.\d+\.\d+ uid 1000$/);

      dockerOk(tc, ["push", "-q", tag]);
      const repoDigest = dockerOk(tc, [
        "image",
        "inspect",
        "--format",
        "{{index .RepoDigests 0}}",
        tag,
      ]).trim();
      expect(repoDigest).toMatch(new RegExp(`^${repository.replace(/[.]/g, "\\.")}@sha256:[0-9a-f]{64}$`));
      created.push(repoDigest);

      dockerOk(tc, ["rmi", tag]);
      expect(docker(tc, ["image", "inspect", repoDigest]).code).not.toBe(0);

      dockerOk(tc, ["pull", "-q", repoDigest]);
      expect(dockerOk(tc, ["run", "--rm", repoDigest]).trim()).toMatch(/^node v24\.\d+\.\d+ uid 1000$/);
    },
  );

  it("rejects a pull of a digest the registry does not hold", () => {
    const missing = `${tc.registry}/toolchain-check/node-hello@sha256:${"0".repeat(64)}`;
    const result = docker(tc, ["pull", "-q", missing]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/not found|manifest unknown/i);
  });
});
