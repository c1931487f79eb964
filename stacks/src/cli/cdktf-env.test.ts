import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { findRepoRoot } from "../settings";
import {
  cdktfArguments,
  cdktfEnvironment,
  cdktfJsonEnvironment,
  exportLines,
  parseWrapperArgs,
} from "./cdktf-env";

const args = (argv: string[]) => parseWrapperArgs(argv);

/** A cache dir with a toolchain.env, as `toolchain:ensure` writes it. */
function fakeToolchain(lines: Record<string, string>): NodeJS.ProcessEnv {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cdktf-env-"));
  const cliConfig = path.join(dir, "cli.tfrc");
  fs.writeFileSync(cliConfig, "");
  const vars = { TERRAFORM_BINARY_NAME: "/opt/tf/terraform", TF_CLI_CONFIG_FILE: cliConfig, ...lines };
  fs.writeFileSync(
    path.join(dir, "toolchain.env"),
    Object.entries(vars)
      .map(([k, v]) => `export ${k}='${v}'\n`)
      .join(""),
  );
  return { PLATFORM_CACHE_DIR: dir };
}

describe("parseWrapperArgs", () => {
  it("takes --env, --emulator and --print and leaves the rest, in order, for cdktf", () => {
    expect(parseWrapperArgs(["diff", "--env", "dev", "service-dev", "--emulator", "--no-color"])).toEqual({
      env: "dev",
      emulator: true,
      print: false,
      cdktf: ["diff", "service-dev", "--no-color"],
    });
    expect(parseWrapperArgs(["--print", "--env=staging"])).toMatchObject({
      env: "staging",
      print: true,
      cdktf: [],
    });
  });

  it("refuses --env without a value", () => {
    expect(() => parseWrapperArgs(["diff", "--env"])).toThrow(/--env needs a value/);
    expect(() => parseWrapperArgs(["--env", "--emulator"])).toThrow(/--env needs a value/);
  });
});

describe("cdktfArguments", () => {
  it("gives Terraform-running commands --skip-provider-lock and an output per environment", () => {
    expect(cdktfArguments(args(["diff", "local"]), "local")).toEqual([
      "diff",
      "local",
      "--skip-provider-lock",
      "--output",
      path.join("stacks", "cdktf.out", "cdktf-local"),
    ]);
  });

  it("keeps emulator and real-AWS working directories apart (init refuses a changed backend)", () => {
    const out = cdktfArguments(args(["output", "registry", "--emulator"]), "dev");
    expect(out[out.indexOf("--output") + 1]).toBe(path.join("stacks", "cdktf.out", "cdktf-dev-emulator"));
  });

  it("gives synth and list an output but no provider-lock flag (they do not take it)", () => {
    for (const command of ["synth", "list"]) {
      const out = cdktfArguments(args([command]), "prod");
      expect(out).toContain("--output");
      expect(out).not.toContain("--skip-provider-lock");
    }
  });

  it("keeps an output the user chose", () => {
    expect(cdktfArguments(args(["synth", "--output", "/tmp/x"]), "dev")).toEqual([
      "synth",
      "--output",
      "/tmp/x",
    ]);
    expect(cdktfArguments(args(["diff", "-o", "/tmp/x", "dev"]), "dev")).toEqual([
      "diff",
      "-o",
      "/tmp/x",
      "dev",
      "--skip-provider-lock",
    ]);
  });

  it("passes commands that do not synthesize through untouched", () => {
    expect(cdktfArguments(args(["get"]), "dev")).toEqual(["get"]);
    expect(cdktfArguments(args(["--version"]), "dev")).toEqual(["--version"]);
  });
});

describe("cdktfJsonEnvironment", () => {
  it("reads the root cdktf.json's context env (local: what a newcomer gets)", () => {
    expect(cdktfJsonEnvironment(findRepoRoot(__dirname))).toBe("local");
  });

  it("is undefined where there is no cdktf.json", () => {
    expect(cdktfJsonEnvironment(os.tmpdir())).toBeUndefined();
  });
});

describe("cdktfEnvironment", () => {
  const repoRoot = findRepoRoot(__dirname);

  it("chooses --env over PLATFORM_ENV over cdktf.json", () => {
    const base = fakeToolchain({});
    expect(
      cdktfEnvironment(args(["synth", "--env", "staging"]), repoRoot, { ...base, PLATFORM_ENV: "dev" }).env,
    ).toBe("staging");
    expect(cdktfEnvironment(args(["synth"]), repoRoot, { ...base, PLATFORM_ENV: "dev" }).env).toBe("dev");
    expect(cdktfEnvironment(args(["synth"]), repoRoot, base).env).toBe("local");
  });

  it("refuses an unknown environment, naming where it came from and the allowed values", () => {
    expect(() => cdktfEnvironment(args(["diff", "--env", "qa"]), repoRoot, fakeToolchain({}))).toThrow(
      /cdktf wrapper \(--env, PLATFORM_ENV.*must be one of local, dev, staging, prod \(got "qa"\)/,
    );
  });

  it("runs cdktf with the toolchain's Terraform and mirror, the env, and nothing calling home", () => {
    const base = fakeToolchain({ DOCKER_HOST: "unix:///tmp/docker.sock" });
    const { environ } = cdktfEnvironment(args(["synth", "--env", "dev"]), repoRoot, base);
    expect(environ).toMatchObject({
      TERRAFORM_BINARY_NAME: "/opt/tf/terraform",
      TF_CLI_CONFIG_FILE: path.join(base.PLATFORM_CACHE_DIR as string, "cli.tfrc"),
      DOCKER_HOST: "unix:///tmp/docker.sock",
      PLATFORM_ENV: "dev",
      DISABLE_VERSION_CHECK: "true",
      CHECKPOINT_DISABLE: "1",
    });
  });

  it("points AWS at the toolchain's emulator with --emulator, and only then", () => {
    const base = fakeToolchain({ PLATFORM_AWS_ENDPOINT: "http://127.0.0.1:4566" });
    expect(
      cdktfEnvironment(args(["diff", "--env", "dev", "--emulator"]), repoRoot, base).environ.AWS_ENDPOINT_URL,
    ).toBe("http://127.0.0.1:4566");
    expect(
      cdktfEnvironment(args(["diff", "--env", "dev"]), repoRoot, base).environ.AWS_ENDPOINT_URL,
    ).toBeUndefined();
  });

  it("refuses --emulator when the toolchain records no emulator", () => {
    expect(() =>
      cdktfEnvironment(args(["diff", "--env", "dev", "--emulator"]), repoRoot, fakeToolchain({})),
    ).toThrow(/--emulator: the toolchain records no AWS emulator/);
  });
});

describe("exportLines", () => {
  it("prints what differs from the base as shell-quoted exports, sorted", () => {
    expect(exportLines({ A: "1", B: "it's", C: "same" }, { C: "same" })).toBe(
      "export A='1'\nexport B='it'\\''s'\n",
    );
  });
});
