import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type TerraformStack, Testing } from "cdktf";

/** The AWS provider version `@cdktf/provider-aws@20.1.0` writes into `required_providers`. */
export const AWS_PROVIDER_VERSION = "5.100.0";

/** How to run Terraform offline: which binary and which CLI config (provider mirror). */
export interface TerraformCli {
  /** Binary name or path (`TERRAFORM_BINARY_NAME`, e.g. `terraform` or `tofu`). */
  readonly binary: string;
  /** CLI config file that points provider installation at the local mirror. */
  readonly cliConfigFile: string;
  /** Where the settings came from: the toolchain's env file, or a mirror found on disk. */
  readonly source: "toolchain.env" | "mirror-search";
}

/** Where {@link findTerraformCli} looks. Both have defaults; tests override them. */
export interface FindTerraformCliOptions {
  /**
   * The toolchain cache dir holding `toolchain.env`.
   * @default `$PLATFORM_CACHE_DIR`, else `$HOME/.cache/fargate-platform`
   */
  readonly cacheDir?: string;
  /**
   * Directories searched for `terraform-provider-aws_v5.100.0*` when there is no `toolchain.env`.
   * @default ["/opt"]
   */
  readonly searchRoots?: readonly string[];
}

/** Outcome of `terraform validate`. */
export interface TerraformValidateResult {
  readonly valid: boolean;
  /** One line per error diagnostic: `summary: detail [address]`. Empty when valid. */
  readonly errors: readonly string[];
  /** One line per warning diagnostic. */
  readonly warnings: readonly string[];
  /** The directory the configuration was written to (removed unless `keepWorkingDirectory`). */
  readonly workingDirectory: string;
}

export interface ValidateWithTerraformOptions {
  /**
   * Keep the temporary working directory (for debugging a failure).
   * @default false
   */
  readonly keepWorkingDirectory?: boolean;
  /**
   * Terraform settings.
   * @default findTerraformCli()
   */
  readonly cli?: TerraformCli;
}

const MIRROR_SEARCH_MAX_DEPTH = 8;

/** Parses the `export KEY=VALUE` lines of the toolchain's env file (quoted or `printf %q`-escaped values). */
export function parseEnvFile(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const raw of text.split("\n")) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(raw);
    if (!match) continue;
    let value = match[2].trim();
    if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.endsWith(value[0])) {
      value = value.slice(1, -1);
    } else {
      // ensure.sh writes values with `printf %q`, which backslash-escapes spaces and shell characters.
      value = value.replace(/\\(.)/g, "$1");
    }
    result[match[1]] = value;
  }
  return result;
}

function findFile(root: string, prefix: string, depth: number): string | undefined {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(root, { withFileTypes: true });
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    if (entry.isFile() && entry.name.startsWith(prefix)) return path.join(root, entry.name);
  }
  if (depth === 0) return undefined;
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const found = findFile(path.join(root, entry.name), prefix, depth - 1);
    if (found) return found;
  }
  return undefined;
}

/** Writes a CLI config that installs hashicorp/* and kreuzwerker/* providers from `mirrorDir` only. */
export function writeMirrorCliConfig(mirrorDir: string, file: string): string {
  const include = `["registry.terraform.io/hashicorp/*", "registry.terraform.io/kreuzwerker/*"]`;
  fs.writeFileSync(
    file,
    `provider_installation {\n  filesystem_mirror {\n    path    = ${JSON.stringify(mirrorDir)}\n    include = ${include}\n  }\n  direct {\n    exclude = ${include}\n  }\n}\n`,
  );
  return file;
}

/**
 * Finds Terraform and the provider mirror: `toolchain.env` (written by `npx nx run toolchain:ensure`)
 * first, else a `terraform-provider-aws_v5.100.0*` binary under the search roots. Throws when neither
 * exists, because a missing tool must fail a test, not skip it.
 */
export function findTerraformCli(options: FindTerraformCliOptions = {}): TerraformCli {
  const cacheDir =
    options.cacheDir ??
    process.env.PLATFORM_CACHE_DIR ??
    path.join(os.homedir(), ".cache", "fargate-platform");
  const envFile = path.join(cacheDir, "toolchain.env");
  if (fs.existsSync(envFile)) {
    const env = parseEnvFile(fs.readFileSync(envFile, "utf8"));
    const cliConfigFile = env.TF_CLI_CONFIG_FILE;
    if (!cliConfigFile || !fs.existsSync(cliConfigFile)) {
      throw new Error(
        `${envFile} sets TF_CLI_CONFIG_FILE=${cliConfigFile ?? "(unset)"}, which does not exist; run \`npx nx run toolchain:ensure\``,
      );
    }
    return { binary: env.TERRAFORM_BINARY_NAME || "terraform", cliConfigFile, source: "toolchain.env" };
  }

  const roots = options.searchRoots ?? ["/opt"];
  const providerPrefix = `terraform-provider-aws_v${AWS_PROVIDER_VERSION}`;
  for (const root of roots) {
    const provider = findFile(root, providerPrefix, MIRROR_SEARCH_MAX_DEPTH);
    if (!provider) continue;
    // Mirror layout: <mirror>/registry.terraform.io/hashicorp/aws/<version>/<os_arch>/<binary>.
    const mirrorDir = path.resolve(path.dirname(provider), "..", "..", "..", "..", "..");
    const file = path.join(os.tmpdir(), `platform-testing-${process.pid}.tfrc`);
    return {
      binary: process.env.TERRAFORM_BINARY_NAME || "terraform",
      cliConfigFile: writeMirrorCliConfig(mirrorDir, file),
      source: "mirror-search",
    };
  }
  throw new Error(
    `No Terraform provider mirror: ${envFile} does not exist and no ${providerPrefix}* was found under ${roots.join(", ")}. Run \`npx nx run toolchain:ensure\`.`,
  );
}

interface Diagnostic {
  readonly severity: "error" | "warning";
  readonly summary: string;
  readonly detail?: string;
  readonly address?: string;
}

function describe(d: Diagnostic): string {
  const detail = d.detail ? `: ${d.detail.replace(/\s+/g, " ").trim()}` : "";
  return `${d.summary}${detail}${d.address ? ` [${d.address}]` : ""}`;
}

/**
 * Runs `terraform init -backend=false` and `terraform validate` on a synthesized stack, against the
 * real provider schema from the local mirror.
 *
 * @param input a `TerraformStack` (synthesized here, with validations) or synthesized JSON text
 *   (e.g. the string `Testing.synth` / `Testing.synthScope` return).
 * @throws when Terraform cannot be found or `init` fails; an invalid configuration is reported in the
 *   result instead, so a test can print `errors`.
 */
export function validateWithTerraform(
  input: TerraformStack | string,
  options: ValidateWithTerraformOptions = {},
): TerraformValidateResult {
  const cli = options.cli ?? findTerraformCli();
  const json = typeof input === "string" ? input : Testing.synth(input, true);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "platform-validate-"));
  fs.writeFileSync(path.join(dir, "cdk.tf.json"), json);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TF_CLI_CONFIG_FILE: cli.cliConfigFile,
    CHECKPOINT_DISABLE: "1",
    AWS_EC2_METADATA_DISABLED: "true",
    TF_IN_AUTOMATION: "1",
    TF_INPUT: "0",
  };
  const run = (args: string[]) => spawnSync(cli.binary, args, { cwd: dir, env, encoding: "utf8" });
  try {
    const init = run(["init", "-backend=false", "-input=false", "-no-color"]);
    if (init.error || init.status !== 0) {
      throw new Error(
        `${cli.binary} init failed in ${dir} (exit ${init.status}, CLI config ${cli.cliConfigFile}): ${init.error?.message ?? ""}${init.stderr}${init.stdout}`,
      );
    }
    const validate = run(["validate", "-json", "-no-color"]);
    let parsed: { valid: boolean; diagnostics?: Diagnostic[] };
    try {
      parsed = JSON.parse(validate.stdout);
    } catch {
      throw new Error(`${cli.binary} validate printed no JSON (exit ${validate.status}): ${validate.stderr}`);
    }
    const diagnostics = parsed.diagnostics ?? [];
    return {
      valid: parsed.valid,
      errors: diagnostics.filter((d) => d.severity === "error").map(describe),
      warnings: diagnostics.filter((d) => d.severity === "warning").map(describe),
      workingDirectory: dir,
    };
  } finally {
    if (!options.keepWorkingDirectory) fs.rmSync(dir, { recursive: true, force: true });
  }
}
