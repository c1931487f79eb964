import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadToolchainEnv, motoAwsEnv, parseToolchainEnv, toolchainProcessEnv } from "./toolchain-env";

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

function cacheDirWith(content?: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "toolchain-env-"));
  dirs.push(dir);
  if (content !== undefined) fs.writeFileSync(path.join(dir, "toolchain.env"), content);
  return dir;
}

const complete = [
  "# comment",
  "export TERRAFORM_BINARY_NAME=/usr/local/bin/terraform",
  "export PLATFORM_TERRAFORM_ENGINE=terraform",
  "export TF_CLI_CONFIG_FILE=/c/cli.tfrc",
  "export DOCKER_HOST=unix:///c/docker.sock",
  "export PLATFORM_REGISTRY=127.0.0.1:5001",
  "export PLATFORM_AWS_ENDPOINT=http://127.0.0.1:4566",
  "export NODE_BASE_IMAGE=platform-local/node:24.21.0-bookworm",
  "export POSTGRES_BASE_IMAGE=platform-local/postgres:15-bookworm",
  "export PLATFORM_DOCKER_PROVIDER_VERSION=4.6.0",
  "export DOCKER_BUILDKIT=0",
].join("\n");

describe("parseToolchainEnv", () => {
  it("reads values exactly as bash's printf %q wrote them", () => {
    const values = [
      "/plain/path",
      "with space",
      "quote's",
      'dq"x',
      "tab\there",
      "new\nline",
      "$HOME",
      "a\\b",
      "",
    ];
    const script = values.map((_v, i) => `printf 'export V${i}=%q\\n' "$V${i}"`);
    const env = Object.fromEntries(values.map((v, i) => [`V${i}`, v]));
    const text = execFileSync("bash", ["-c", script.join("\n")], { encoding: "utf8", env });
    const parsed = parseToolchainEnv(text);
    values.forEach((v, i) => {
      expect(parsed[`V${i}`]).toBe(v);
    });
  });

  it("ignores comments and lines that are not export statements", () => {
    expect(parseToolchainEnv("# x\nFOO=bar\nexport OK=1\n")).toEqual({ OK: "1" });
  });
});

describe("loadToolchainEnv", () => {
  it("names the command to run when toolchain.env is missing", () => {
    const dir = cacheDirWith();
    expect(() => loadToolchainEnv({ cacheDir: dir })).toThrow(
      /does not exist: run `npx nx run toolchain:ensure`/,
    );
  });

  it("names the missing variables of an incomplete file", () => {
    const dir = cacheDirWith("export DOCKER_HOST=unix:///x.sock\n");
    expect(() => loadToolchainEnv({ cacheDir: dir })).toThrow(
      /lacks TERRAFORM_BINARY_NAME, TF_CLI_CONFIG_FILE, PLATFORM_REGISTRY, PLATFORM_AWS_ENDPOINT, NODE_BASE_IMAGE, POSTGRES_BASE_IMAGE/,
    );
  });

  it("maps the contract variables to typed fields", () => {
    const tc = loadToolchainEnv({ cacheDir: cacheDirWith(complete) });
    expect(tc).toMatchObject({
      terraformBinary: "/usr/local/bin/terraform",
      terraformEngine: "terraform",
      cliConfigFile: "/c/cli.tfrc",
      dockerHost: "unix:///c/docker.sock",
      registry: "127.0.0.1:5001",
      awsEndpoint: "http://127.0.0.1:4566",
      nodeBaseImage: "platform-local/node:24.21.0-bookworm",
      nodeRuntimeImage: "platform-local/node:24.21.0-bookworm",
      postgresBaseImage: "platform-local/postgres:15-bookworm",
      dockerProviderVersion: "4.6.0",
      dockerNetworking: "bridge",
    });
  });

  it("builds child-process environments with the toolchain's variables and moto's static keys", () => {
    const tc = loadToolchainEnv({ cacheDir: cacheDirWith(complete) });
    expect(toolchainProcessEnv(tc, { PATH: "/bin", DOCKER_HOST: "tcp://elsewhere:2375" })).toMatchObject({
      PATH: "/bin",
      DOCKER_HOST: "unix:///c/docker.sock",
      DOCKER_BUILDKIT: "0",
    });
    const aws = motoAwsEnv(tc, { AWS_PROFILE: "prod", AWS_SESSION_TOKEN: "t" });
    expect(aws).toMatchObject({ AWS_ACCESS_KEY_ID: "test", AWS_REGION: "us-east-1" });
    expect(aws.AWS_PROFILE).toBeUndefined();
    expect(aws.AWS_SESSION_TOKEN).toBeUndefined();
  });
});
