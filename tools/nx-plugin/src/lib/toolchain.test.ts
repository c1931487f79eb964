import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadChainToolchain, parseToolchainEnv } from "./toolchain";

describe("parseToolchainEnv", () => {
  it("reads export lines with plain, single- and double-quoted values", () => {
    expect(
      parseToolchainEnv(
        [
          "# written by ensure.sh",
          "export DOCKER_HOST=unix:///c/docker.sock",
          "export NODE_BASE_IMAGE='platform/node:24 local'",
          'export PLATFORM_REGISTRY="127.0.0.1:5001"',
          "DOCKER_BUILDKIT=0",
          "export PLATFORM_CACHE_DIR=/root/my\\ cache",
        ].join("\n"),
      ),
    ).toEqual({
      DOCKER_HOST: "unix:///c/docker.sock",
      NODE_BASE_IMAGE: "platform/node:24 local",
      PLATFORM_REGISTRY: "127.0.0.1:5001",
      DOCKER_BUILDKIT: "0",
      PLATFORM_CACHE_DIR: "/root/my cache",
    });
  });
});

describe("loadChainToolchain", () => {
  const dir = mkdtempSync(join(tmpdir(), "toolchain-test-"));

  it("tells the user to run toolchain:ensure when toolchain.env is missing", () => {
    expect(() => loadChainToolchain({ PLATFORM_CACHE_DIR: join(dir, "none") })).toThrow(
      /toolchain.env does not exist.*npx nx run toolchain:ensure/,
    );
  });

  it("names the variables a partial file lacks", () => {
    writeFileSync(join(dir, "toolchain.env"), "export DOCKER_HOST=unix:///x.sock\n");
    expect(() => loadChainToolchain({ PLATFORM_CACHE_DIR: dir })).toThrow(
      /lacks PLATFORM_REGISTRY, NODE_BASE_IMAGE/,
    );
  });
});
