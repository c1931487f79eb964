import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/** The toolchain facts the deploy chain uses (see tools/toolchain: `toolchain.env`). */
export interface ChainToolchain {
  /** Variables from toolchain.env, applied over process.env for every child process. */
  readonly env: Readonly<Record<string, string>>;
  /** Docker engine socket, e.g. unix:///root/.cache/fargate-platform/docker/docker.sock */
  readonly dockerHost: string;
  /** Loopback registry host:port, e.g. 127.0.0.1:5001 */
  readonly registry: string;
  /** Node base image for the service Dockerfile's NODE_BASE_IMAGE build arg. */
  readonly nodeBaseImage: string;
  /** The file the facts came from. */
  readonly file: string;
}

export function toolchainEnvFile(env: NodeJS.ProcessEnv = process.env): string {
  const cacheDir = env.PLATFORM_CACHE_DIR || join(homedir(), ".cache", "fargate-platform");
  return join(cacheDir, "toolchain.env");
}

/**
 * Parses `export KEY=value` lines as ensure.sh writes them (`printf %q`: bare words with backslash
 * escapes, or single/double quotes). tools/toolchain has the full reader (loadToolchainEnv); the plugin
 * keeps this small one because Nx loads executors from source and @platform/toolchain resolves to its
 * unbuilt dist there.
 */
export function parseToolchainEnv(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) continue;
    let value = m[2];
    if (/^'.*'$/.test(value)) value = value.slice(1, -1).replace(/'\\''/g, "'");
    else if (/^".*"$/.test(value)) value = value.slice(1, -1).replace(/\\(["\\$`])/g, "$1");
    else value = value.replace(/\\(.)/g, "$1");
    vars[m[1]] = value;
  }
  return vars;
}

const REQUIRED = ["DOCKER_HOST", "PLATFORM_REGISTRY", "NODE_BASE_IMAGE"] as const;

/**
 * Reads the toolchain facts; throws one clear message when the toolchain has not been set up, before
 * the caller changes anything.
 */
export function loadChainToolchain(env: NodeJS.ProcessEnv = process.env): ChainToolchain {
  const file = toolchainEnvFile(env);
  if (!existsSync(file)) {
    throw new Error(
      `The toolchain is not set up: ${file} does not exist. Run \`npx nx run toolchain:ensure\` ` +
        "(starts the Docker engine, the loopback registry and the AWS emulator).",
    );
  }
  const vars = parseToolchainEnv(readFileSync(file, "utf8"));
  const missing = REQUIRED.filter((k) => !vars[k]);
  if (missing.length > 0) {
    throw new Error(
      `${file} lacks ${missing.join(", ")}; re-run \`npx nx run toolchain:ensure\` to rewrite it.`,
    );
  }
  return {
    env: vars,
    dockerHost: vars.DOCKER_HOST,
    registry: vars.PLATFORM_REGISTRY,
    nodeBaseImage: vars.NODE_BASE_IMAGE,
    file,
  };
}

/** process.env with the toolchain's variables applied (the toolchain's engine and registry win). */
export function childEnv(toolchain: ChainToolchain, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...toolchain.env, ...extra };
}
