import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

export function toolchainEnvFile(env: NodeJS.ProcessEnv = process.env): string {
  const cacheDir = env.PLATFORM_CACHE_DIR?.trim() || join(homedir(), ".cache", "fargate-platform");
  return join(cacheDir, "toolchain.env");
}

/** Parses toolchain.env's `export KEY=value` lines (values optionally quoted, as printf %q or '...' writes them). */
export function parseToolchainEnv(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const raw of text.split("\n")) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(raw);
    if (!m) continue;
    let value = m[2].trim();
    if (/^'.*'$/.test(value)) value = value.slice(1, -1).replace(/'\\''/g, "'");
    else if (/^".*"$/.test(value)) value = value.slice(1, -1).replace(/\\(["\\$`])/g, "$1");
    else value = value.replace(/\\(.)/g, "$1");
    vars[m[1]] = value;
  }
  return vars;
}

/** The toolchain's facts, or a clear error telling how to create them. */
export function loadToolchainVars(env: NodeJS.ProcessEnv = process.env): {
  readonly file: string;
  readonly vars: Record<string, string>;
} {
  const file = toolchainEnvFile(env);
  if (!existsSync(file)) {
    throw new Error(
      `The toolchain is not set up: ${file} does not exist. Run \`npx nx run toolchain:ensure\` (Docker engine, loopback registry, AWS emulator).`,
    );
  }
  return { file, vars: parseToolchainEnv(readFileSync(file, "utf8")) };
}
