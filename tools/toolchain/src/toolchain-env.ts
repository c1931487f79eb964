import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** What `tools/toolchain/ensure.sh` set up, read from `$PLATFORM_CACHE_DIR/toolchain.env`. */
export interface ToolchainEnv {
  /** The toolchain cache dir (`PLATFORM_CACHE_DIR`). */
  readonly cacheDir: string;
  /** The env file these values came from. */
  readonly envFile: string;
  /** Terraform or OpenTofu binary, an absolute path (`TERRAFORM_BINARY_NAME`, which cdktf also reads). */
  readonly terraformBinary: string;
  /** Which engine `terraformBinary` is. */
  readonly terraformEngine: "terraform" | "tofu";
  /** `x.y.z` of the engine. */
  readonly terraformVersion: string;
  /** CLI config routing mirrored providers to the local filesystem mirror (`TF_CLI_CONFIG_FILE`). */
  readonly cliConfigFile: string;
  /** hashicorp/aws version the mirror holds (or the registry serves). */
  readonly awsProviderVersion: string;
  /** kreuzwerker/docker version the mirror holds; differs from the 3.6.2 cdktf binds when that could not be built. */
  readonly dockerProviderVersion: string;
  /** How to reach the Docker engine (`DOCKER_HOST`), e.g. `unix:///.../docker.sock`. */
  readonly dockerHost: string;
  /** `bridge` when user-defined networks, embedded DNS and `-p 127.0.0.1:P:P` work; `host` otherwise. */
  readonly dockerNetworking: "bridge" | "host";
  /** Loopback registry `host:port` (`PLATFORM_REGISTRY`). */
  readonly registry: string;
  /** moto endpoint URL (`PLATFORM_AWS_ENDPOINT`). */
  readonly awsEndpoint: string;
  /** Base image standing in for `node:24-bookworm-slim` (Debian + node + npm), or that image online. */
  readonly nodeBaseImage: string;
  /** Minimal Node runtime image (FROM scratch, no shell) offline; `node:24-bookworm-slim` online. */
  readonly nodeRuntimeImage: string;
  /** PostgreSQL image with the official image's POSTGRES_* contract. */
  readonly postgresBaseImage: string;
  /** Debian bookworm image with a shell and apt, for builder stages. */
  readonly debianBaseImage: string;
  /** Directory holding `initdb`, `pg_ctl`, `postgres` on the host (`PLATFORM_PG_BIN_DIR`). */
  readonly postgresBinDir: string;
  /** Every variable of the file, to merge into child-process environments. */
  readonly vars: Readonly<Record<string, string>>;
}

/** Options of {@link loadToolchainEnv}. */
export interface LoadToolchainEnvOptions {
  /**
   * Cache dir holding `toolchain.env`.
   * @default `$PLATFORM_CACHE_DIR`, else `~/.cache/fargate-platform`
   */
  readonly cacheDir?: string;
}

/** The cache dir ensure.sh uses: `$PLATFORM_CACHE_DIR`, else `~/.cache/fargate-platform`. */
export function toolchainCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.PLATFORM_CACHE_DIR || path.join(os.homedir(), ".cache", "fargate-platform");
}

/**
 * Parses one shell word as `printf %q` writes it (backslash escapes, '...', "...", $'...').
 * Expansions (`$VAR`) are not supported: ensure.sh never writes them.
 */
function unquoteShellWord(word: string): string {
  let out = "";
  let i = 0;
  while (i < word.length) {
    const c = word[i];
    if (c === "\\") {
      out += word[i + 1] ?? "";
      i += 2;
    } else if (c === "'") {
      const end = word.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unterminated ' in ${word}`);
      out += word.slice(i + 1, end);
      i = end + 1;
    } else if (c === "$" && word[i + 1] === "'") {
      let j = i + 2;
      const escapes: Record<string, string> = {
        n: "\n",
        t: "\t",
        r: "\r",
        "\\": "\\",
        "'": "'",
        '"': '"',
        e: "\x1b",
      };
      while (j < word.length && word[j] !== "'") {
        if (word[j] === "\\" && j + 1 < word.length) {
          out += escapes[word[j + 1]] ?? word[j + 1];
          j += 2;
        } else {
          out += word[j];
          j += 1;
        }
      }
      i = j + 1;
    } else if (c === '"') {
      let j = i + 1;
      while (j < word.length && word[j] !== '"') {
        if (word[j] === "\\" && /["\\$`]/.test(word[j + 1] ?? "")) {
          out += word[j + 1];
          j += 2;
        } else {
          out += word[j];
          j += 1;
        }
      }
      i = j + 1;
    } else {
      out += c;
      i += 1;
    }
  }
  return out;
}

/** Parses the `export KEY=VALUE` lines of toolchain.env; comments and other lines are ignored. */
export function parseToolchainEnv(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const match = /^\s*export\s+([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (match) vars[match[1]] = unquoteShellWord(match[2].trim());
  }
  return vars;
}

const REQUIRED = [
  "TERRAFORM_BINARY_NAME",
  "TF_CLI_CONFIG_FILE",
  "DOCKER_HOST",
  "PLATFORM_REGISTRY",
  "PLATFORM_AWS_ENDPOINT",
  "NODE_BASE_IMAGE",
  "POSTGRES_BASE_IMAGE",
] as const;

/**
 * Reads `toolchain.env` written by `npx nx run toolchain:ensure`. Throws, naming that command, when
 * the file is missing or lacks a required variable: a missing tool must fail a test, not skip it.
 */
export function loadToolchainEnv(options: LoadToolchainEnvOptions = {}): ToolchainEnv {
  const cacheDir = options.cacheDir ?? toolchainCacheDir();
  const envFile = path.join(cacheDir, "toolchain.env");
  if (!fs.existsSync(envFile)) {
    throw new Error(
      `${envFile} does not exist: run \`npx nx run toolchain:ensure\` (or \`bash tools/toolchain/ensure.sh\`) first to install and start Terraform, the provider mirror, Docker, the registry and moto`,
    );
  }
  const vars = parseToolchainEnv(fs.readFileSync(envFile, "utf8"));
  const missing = REQUIRED.filter((name) => !vars[name]);
  if (missing.length > 0) {
    throw new Error(
      `${envFile} lacks ${missing.join(", ")}: it was written by an older ensure.sh; run \`npx nx run toolchain:ensure\` again`,
    );
  }
  const engine = vars.PLATFORM_TERRAFORM_ENGINE === "tofu" ? "tofu" : "terraform";
  return {
    cacheDir: vars.PLATFORM_CACHE_DIR || cacheDir,
    envFile,
    terraformBinary: vars.TERRAFORM_BINARY_NAME,
    terraformEngine: engine,
    terraformVersion: vars.PLATFORM_TERRAFORM_VERSION ?? "",
    cliConfigFile: vars.TF_CLI_CONFIG_FILE,
    awsProviderVersion: vars.PLATFORM_AWS_PROVIDER_VERSION ?? "5.100.0",
    dockerProviderVersion: vars.PLATFORM_DOCKER_PROVIDER_VERSION ?? "3.6.2",
    dockerHost: vars.DOCKER_HOST,
    dockerNetworking: vars.PLATFORM_DOCKER_NETWORKING === "host" ? "host" : "bridge",
    registry: vars.PLATFORM_REGISTRY,
    awsEndpoint: vars.PLATFORM_AWS_ENDPOINT,
    nodeBaseImage: vars.NODE_BASE_IMAGE,
    nodeRuntimeImage: vars.NODE_RUNTIME_IMAGE || vars.NODE_BASE_IMAGE,
    postgresBaseImage: vars.POSTGRES_BASE_IMAGE,
    debianBaseImage: vars.DEBIAN_BASE_IMAGE ?? "",
    postgresBinDir: vars.PLATFORM_PG_BIN_DIR ?? "",
    vars,
  };
}

/** `base` with every toolchain variable applied (DOCKER_HOST, TF_CLI_CONFIG_FILE, DOCKER_BUILDKIT=0, ...). */
export function toolchainProcessEnv(
  tc: ToolchainEnv,
  base: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  return { ...base, ...tc.vars };
}

/** Region and static keys moto accepts; never real credentials. */
export const MOTO_REGION = "us-east-1";

/** Environment for AWS SDK / Terraform calls against moto: static test keys, region, no metadata probing. */
export function motoAwsEnv(tc: ToolchainEnv, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return {
    ...toolchainProcessEnv(tc, base),
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    AWS_SESSION_TOKEN: undefined,
    AWS_PROFILE: undefined,
    AWS_REGION: MOTO_REGION,
    AWS_DEFAULT_REGION: MOTO_REGION,
    AWS_EC2_METADATA_DISABLED: "true",
  };
}

/**
 * Clears all of moto's state (POST /moto-api/reset), for isolation between test suites.
 * @param endpoint moto URL; defaults to toolchain.env's PLATFORM_AWS_ENDPOINT.
 */
export async function resetMoto(endpoint: string = loadToolchainEnv().awsEndpoint): Promise<void> {
  const response = await fetch(`${endpoint}/moto-api/reset`, { method: "POST" });
  if (!response.ok) {
    throw new Error(
      `moto reset at ${endpoint} failed: HTTP ${response.status}; is moto running (npx nx run toolchain:ensure)?`,
    );
  }
}

/** Resolves when moto answers on `endpoint`, rejects after `timeoutMs`. */
export async function waitForMoto(endpoint: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = "";
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${endpoint}/moto-api/`);
      if (response.ok) return;
      lastError = `HTTP ${response.status}`;
    } catch (error) {
      lastError = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`moto did not answer at ${endpoint} within ${timeoutMs} ms (${lastError})`);
}
