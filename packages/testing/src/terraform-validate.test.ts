import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { App, TerraformStack } from "cdktf";
import { findTerraformCli, parseEnvFile, validateWithTerraform } from "./terraform-validate";

// terraform init + validate load the 700 MB AWS provider: give them room (not a timing assertion).
const TERRAFORM_TIMEOUT_MS = 180_000;

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "platform-testing-test-"));
}

describe("parseEnvFile", () => {
  it("reads export lines, strips quotes and ignores comments", () => {
    expect(
      parseEnvFile(`# comment\nexport A=1\nB="two words"\nexport C='x'\nexport D=/my\\ dir/tf.rc\n\n`),
    ).toEqual({
      A: "1",
      B: "two words",
      C: "x",
      D: "/my dir/tf.rc",
    });
  });
});

describe("findTerraformCli", () => {
  it("prefers toolchain.env's TF_CLI_CONFIG_FILE and TERRAFORM_BINARY_NAME", () => {
    const cacheDir = tmpDir();
    const rc = path.join(cacheDir, "terraform.rc");
    fs.writeFileSync(rc, "");
    fs.writeFileSync(
      path.join(cacheDir, "toolchain.env"),
      `export TERRAFORM_BINARY_NAME=tofu\nexport TF_CLI_CONFIG_FILE=${rc}\n`,
    );
    expect(findTerraformCli({ cacheDir, searchRoots: [] })).toEqual({
      binary: "tofu",
      cliConfigFile: rc,
      source: "toolchain.env",
    });
  });

  it("fails when toolchain.env points at a missing CLI config", () => {
    const cacheDir = tmpDir();
    fs.writeFileSync(path.join(cacheDir, "toolchain.env"), "export TF_CLI_CONFIG_FILE=/nonexistent.rc\n");
    expect(() => findTerraformCli({ cacheDir })).toThrow(/TF_CLI_CONFIG_FILE=\/nonexistent\.rc/);
  });

  it("falls back to a provider mirror found under the search roots", () => {
    const root = tmpDir();
    const platformDir = path.join(
      root,
      "mirror",
      "registry.terraform.io",
      "hashicorp",
      "aws",
      "5.100.0",
      "linux_amd64",
    );
    fs.mkdirSync(platformDir, { recursive: true });
    fs.writeFileSync(path.join(platformDir, "terraform-provider-aws_v5.100.0_x5"), "");
    const cli = findTerraformCli({ cacheDir: path.join(root, "no-cache"), searchRoots: [root] });
    expect(cli.source).toBe("mirror-search");
    const config = fs.readFileSync(cli.cliConfigFile, "utf8");
    expect(config).toContain(`path    = ${JSON.stringify(path.join(root, "mirror"))}`);
    expect(config).toMatch(/direct \{\s+exclude = \["registry.terraform.io\/hashicorp\/\*"/);
  });

  it("fails, naming the fix, when there is neither toolchain.env nor a mirror", () => {
    const root = tmpDir();
    expect(() => findTerraformCli({ cacheDir: path.join(root, "no-cache"), searchRoots: [root] })).toThrow(
      /toolchain:ensure/,
    );
  });
});

describe("validateWithTerraform", () => {
  it(
    "accepts a valid stack",
    () => {
      const app = new App({ outdir: tmpDir() });
      const stack = new TerraformStack(app, "valid");
      new AwsProvider(stack, "aws", { region: "eu-west-1" });
      new Vpc(stack, "vpc", { cidrBlock: "10.0.0.0/16" });
      const result = validateWithTerraform(stack);
      expect(result.errors).toEqual([]);
      expect(result.valid).toBe(true);
      expect(fs.existsSync(result.workingDirectory)).toBe(false);
    },
    TERRAFORM_TIMEOUT_MS,
  );

  it(
    "reports an argument the provider schema does not have",
    () => {
      const json = JSON.stringify({
        terraform: { required_providers: { aws: { source: "aws", version: "5.100.0" } } },
        provider: { aws: [{ region: "eu-west-1" }] },
        resource: { aws_vpc: { bad: { cidr_blok: "10.0.0.0/16" } } },
      });
      const result = validateWithTerraform(json);
      expect(result.valid).toBe(false);
      expect(result.errors.join("\n")).toMatch(/No argument or block type is named "cidr_blok"/);
    },
    TERRAFORM_TIMEOUT_MS,
  );
});
