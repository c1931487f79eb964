import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** The facts of `toolchain.env` the stacks CLI uses. */
export interface Toolchain {
  /** Terraform (or OpenTofu) binary. */
  readonly terraform: string;
  /** CLI config pointing provider installation at the offline mirror, when there is one. */
  readonly cliConfigFile?: string;
  /** The emulator's endpoint, when the toolchain runs one. */
  readonly awsEndpoint?: string;
  /** Every variable of `toolchain.env` (DOCKER_HOST, PLATFORM_REGISTRY, POSTGRES_BASE_IMAGE, ...). */
  readonly vars: Readonly<Record<string, string>>;
  /** Where these facts came from. */
  readonly source: string;
}

/** Parses the `export KEY=VALUE` lines of an env file (quotes stripped). */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) continue;
    let v = m[2].trim();
    if (v.length >= 2 && (v[0] === '"' || v[0] === "'") && v.endsWith(v[0])) v = v.slice(1, -1);
    out[m[1]] = v;
  }
  return out;
}

export function toolchainEnvFile(environ: NodeJS.ProcessEnv = process.env): string {
  const dir = environ.PLATFORM_CACHE_DIR || path.join(os.homedir(), ".cache", "fargate-platform");
  return path.join(dir, "toolchain.env");
}

/**
 * Reads `toolchain.env` (written by `npx nx run toolchain:ensure`). Without it, Terraform must be on
 * PATH (a machine with internet and the public registry); `required` commands then fail clearly.
 */
export function loadToolchain(environ: NodeJS.ProcessEnv = process.env): Toolchain {
  const file = toolchainEnvFile(environ);
  if (fs.existsSync(file)) {
    const env = parseEnvFile(fs.readFileSync(file, "utf8"));
    const cliConfigFile = env.TF_CLI_CONFIG_FILE;
    if (cliConfigFile && !fs.existsSync(cliConfigFile)) {
      throw new Error(
        `${file} sets TF_CLI_CONFIG_FILE=${cliConfigFile}, which does not exist: run \`npx nx run toolchain:ensure\``,
      );
    }
    return {
      terraform: env.TERRAFORM_BINARY_NAME || "terraform",
      cliConfigFile,
      awsEndpoint: env.PLATFORM_AWS_ENDPOINT,
      vars: env,
      source: file,
    };
  }
  const cliConfigFile = environ.TF_CLI_CONFIG_FILE;
  return {
    terraform: environ.TERRAFORM_BINARY_NAME || "terraform",
    // A TF_CLI_CONFIG_FILE pointing at nothing makes every terraform call warn: drop it.
    cliConfigFile: cliConfigFile && fs.existsSync(cliConfigFile) ? cliConfigFile : undefined,
    awsEndpoint: undefined,
    vars: {},
    source: `${file} missing (run \`npx nx run toolchain:ensure\`); using terraform from PATH`,
  };
}
