import * as fs from "node:fs";
import * as path from "node:path";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import { Container } from "@cdktf/provider-docker/lib/container";
import { Image } from "@cdktf/provider-docker/lib/image";
import { Network } from "@cdktf/provider-docker/lib/network";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import { Volume } from "@cdktf/provider-docker/lib/volume";
import { App, TerraformStack } from "cdktf";
import { loadToolchainEnv } from "../src/toolchain-env";
import { offlineTerraformEnv, removeTempDirs, run, synthStack, tempDir } from "./helpers";

// Small stacks per provider, validated with the toolchain's engine through its provider mirror.
// The proxy in offlineTerraformEnv is unusable, so a registry download would fail the test.
const tc = loadToolchainEnv();

function initAndValidate(dir: string): { init: string; valid: boolean; diagnostics: unknown } {
  const env = offlineTerraformEnv(tc);
  const init = run(tc.terraformBinary, ["init", "-backend=false", "-input=false", "-no-color"], {
    cwd: dir,
    env,
  });
  if (init.code !== 0) throw new Error(`init failed in ${dir}:\n${init.stdout}\n${init.stderr}`);
  const validate = run(tc.terraformBinary, ["validate", "-json", "-no-color"], { cwd: dir, env });
  const parsed = JSON.parse(validate.stdout) as { valid: boolean; diagnostics: unknown };
  return { init: init.stdout, valid: parsed.valid, diagnostics: parsed.diagnostics };
}

/** The version the lock file records for `namespace/type` (any registry host). */
function lockedVersion(dir: string, provider: string): string | undefined {
  const lock = fs.readFileSync(path.join(dir, ".terraform.lock.hcl"), "utf8");
  const block = lock.split("provider ").find((b) => new RegExp(`^"[^"/]+/${provider}"`).test(b));
  return block ? /version\s*=\s*"([^"]+)"/.exec(block)?.[1] : undefined;
}

describe("terraform validate through the toolchain's provider mirror", () => {
  afterAll(removeTempDirs);

  it("uses a Terraform/OpenTofu engine >= 1.10 (use_lockfile support)", () => {
    const out = run(tc.terraformBinary, ["version", "-json"], { env: offlineTerraformEnv(tc) });
    const version = (JSON.parse(out.stdout) as { terraform_version: string }).terraform_version;
    const [major, minor] = version.split(".").map(Number);
    expect(major > 1 || (major === 1 && minor >= 10)).toBe(true);
    expect(version).toBe(tc.terraformVersion);
  });

  it("validates a stack using the AWS provider 5.100.0", () => {
    const app = new App({ outdir: tempDir("aws") });
    const stack = new TerraformStack(app, "aws-check");
    new AwsProvider(stack, "aws", {
      region: "us-east-1",
      accessKey: "test",
      secretKey: "test",
      skipCredentialsValidation: true,
      skipRequestingAccountId: true,
      skipMetadataApiCheck: "true",
      s3UsePathStyle: true,
      endpoints: [{ s3: tc.awsEndpoint, ssm: tc.awsEndpoint, sts: tc.awsEndpoint }],
    });
    const bucket = new S3Bucket(stack, "bucket", { bucket: "toolchain-validate" });
    new SsmParameter(stack, "param", { name: "/toolchain/bucket", type: "String", value: bucket.arn });
    const dir = synthStack(app, stack);

    const result = initAndValidate(dir);

    expect(result.diagnostics).toEqual([]);
    expect(result.valid).toBe(true);
    expect(lockedVersion(dir, "hashicorp/aws")).toBe("5.100.0");
  });

  it("validates a stack using the Docker provider the mirror holds", () => {
    const app = new App({ outdir: tempDir("docker") });
    const stack = new TerraformStack(app, "docker-check");
    // @cdktf/provider-docker@12.0.3 writes 3.6.2; require what the mirror holds when it differs.
    if (tc.dockerProviderVersion !== "3.6.2") {
      stack.addOverride("terraform.required_providers.docker.version", tc.dockerProviderVersion);
    }
    new DockerProvider(stack, "docker", { host: tc.dockerHost });
    const network = new Network(stack, "net", { name: "toolchain-validate" });
    const volume = new Volume(stack, "data", { name: "toolchain-validate-data" });
    const image = new Image(stack, "image", { name: tc.nodeBaseImage, keepLocally: true });
    new Container(stack, "app", {
      name: "toolchain-validate",
      image: image.imageId,
      command: ["node", "-e", "setInterval(() => {}, 1000)"],
      networksAdvanced: [{ name: network.name, aliases: ["app"] }],
      ports: [{ internal: 8080, external: 18080, ip: "127.0.0.1" }],
      volumes: [{ volumeName: volume.name, containerPath: "/data" }],
      env: ["A=1"],
      healthcheck: { test: ["CMD", "node", "-e", "process.exit(0)"], interval: "5s" },
      restart: "unless-stopped",
    });
    const dir = synthStack(app, stack);

    const result = initAndValidate(dir);

    expect(result.diagnostics).toEqual([]);
    expect(result.valid).toBe(true);
    expect(lockedVersion(dir, "kreuzwerker/docker")).toBe(tc.dockerProviderVersion);
  });

  it("fails init for a provider version the mirror does not hold (the mirror is really used)", () => {
    const app = new App({ outdir: tempDir("missing") });
    const stack = new TerraformStack(app, "missing-check");
    stack.addOverride("terraform.required_providers.docker.version", "0.0.1");
    new DockerProvider(stack, "docker", { host: tc.dockerHost });
    const dir = synthStack(app, stack);

    const init = run(tc.terraformBinary, ["init", "-backend=false", "-input=false", "-no-color"], {
      cwd: dir,
      env: offlineTerraformEnv(tc),
    });

    expect(init.code).not.toBe(0);
    expect(init.stderr).toMatch(/no available releases match|Failed to query available provider packages/);
  });
});
