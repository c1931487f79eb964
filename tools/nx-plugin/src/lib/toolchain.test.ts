import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { childEnv, loadChainToolchain } from "./toolchain";

describe("loadChainToolchain", () => {
  const dir = mkdtempSync(join(tmpdir(), "toolchain-test-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("tells the user to run toolchain:ensure when toolchain.env is missing", () => {
    expect(() => loadChainToolchain({ PLATFORM_CACHE_DIR: join(dir, "none") })).toThrow(
      /toolchain.env does not exist.*npx nx run toolchain:ensure/,
    );
  });

  it("names the variables a partial file lacks", () => {
    writeFileSync(join(dir, "toolchain.env"), "export DOCKER_HOST=unix:///x.sock\n");
    expect(() => loadChainToolchain({ PLATFORM_CACHE_DIR: dir })).toThrow(
      /lacks .*PLATFORM_REGISTRY.*NODE_BASE_IMAGE/,
    );
  });

  it("reads the engine, registry and base image from the cache dir PLATFORM_CACHE_DIR names", () => {
    writeFileSync(
      join(dir, "toolchain.env"),
      [
        "# written by ensure.sh",
        "export TERRAFORM_BINARY_NAME=/usr/local/bin/terraform",
        "export TF_CLI_CONFIG_FILE=/c/cli.tfrc",
        "export DOCKER_HOST=unix:///c/docker.sock",
        "export DOCKER_BUILDKIT=0",
        "export PLATFORM_REGISTRY=127.0.0.1:5001",
        "export PLATFORM_AWS_ENDPOINT=http://127.0.0.1:4566",
        "export NODE_BASE_IMAGE=platform/node:24\\ local",
        "export POSTGRES_BASE_IMAGE=platform/postgres:15",
      ].join("\n"),
    );
    const tc = loadChainToolchain({ PLATFORM_CACHE_DIR: dir });
    expect(tc).toMatchObject({
      dockerHost: "unix:///c/docker.sock",
      registry: "127.0.0.1:5001",
      nodeBaseImage: "platform/node:24 local",
      file: join(dir, "toolchain.env"),
    });
    expect(childEnv(tc, { EXTRA: "1" })).toMatchObject({
      DOCKER_HOST: "unix:///c/docker.sock",
      DOCKER_BUILDKIT: "0",
      EXTRA: "1",
    });
  });
});
