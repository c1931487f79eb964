import { spawn } from "node:child_process";
import { appendFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { localSecretsRoot } from "@platform/local";

/** The repository this project lives in (tools/e2e-local/src -> root). */
export const WORKSPACE_ROOT = join(__dirname, "..", "..", "..");

/**
 * Where the one local environment on this Docker engine is recorded: the machine-level state the stacks
 * CLI uses by default (`~/.local/state/fargate-platform/state`, see stacks/src/settings.ts) and the real
 * checkout's stack outputs (`stacks/out`). Every run of the chain, from the checkout or from a scratch
 * copy, uses these (PLATFORM_LOCAL_STATE_DIR / PLATFORM_STACKS_OUT_DIR, read by the stacks CLI and the
 * deploy chain), so a copy's deploy replaces what the checkout deployed instead of colliding with its
 * container names and port, and a test that dies half-way leaves nothing the checkout cannot destroy.
 * Values already set in the environment win (as they do for the stacks CLI).
 */
export function sharedLocalState(root = WORKSPACE_ROOT, environ: NodeJS.ProcessEnv = process.env) {
  return {
    PLATFORM_LOCAL_STATE_DIR: environ.PLATFORM_LOCAL_STATE_DIR?.trim()
      ? resolve(root, environ.PLATFORM_LOCAL_STATE_DIR.trim())
      : join(localSecretsRoot(environ), "state"),
    PLATFORM_STACKS_OUT_DIR: resolve(root, environ.PLATFORM_STACKS_OUT_DIR?.trim() || join("stacks", "out")),
  };
}

/** Environment for a nested Nx: the caller's, minus the NX_* variables of the Nx task that runs us. */
export function chainEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith("NX_") && k !== "LERNA_PACKAGE_NAME") env[k] = v;
  }
  return {
    ...env,
    NX_DAEMON: "false",
    NX_NO_CLOUD: "true",
    NX_TUI: "false",
    FORCE_COLOR: "0",
    ...sharedLocalState(),
    ...extra,
  };
}

export interface CommandRun {
  readonly code: number;
  readonly output: string;
  readonly seconds: number;
  /** Nx task headers (`> nx run project:target`) with the second, since start, at which each was printed. */
  readonly tasks: readonly { readonly task: string; readonly atSeconds: number }[];
}

/**
 * Runs a command (e.g. `npx nx run ...`) in `cwd`, appending its output to `logFile`; resolves with the
 * exit code and the combined output.
 */
export function runLogged(
  command: string,
  args: readonly string[],
  options: { readonly cwd: string; readonly env: NodeJS.ProcessEnv; readonly logFile: string },
): Promise<CommandRun> {
  const started = Date.now();
  appendFileSync(options.logFile, `\n$ (cd ${options.cwd} && ${command} ${args.join(" ")})\n`);
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  let scanned = 0;
  const tasks: { task: string; atSeconds: number }[] = [];
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    appendFileSync(options.logFile, chunk);
    const end = output.lastIndexOf("\n");
    if (end < scanned) return;
    for (const line of output.slice(scanned, end).split("\n")) {
      const m = /^> nx run (\S+)/.exec(line);
      if (m) tasks.push({ task: m[1], atSeconds: (Date.now() - started) / 1000 });
    }
    scanned = end + 1;
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      const seconds = (Date.now() - started) / 1000;
      appendFileSync(options.logFile, `\n[exit ${code ?? signal} after ${seconds.toFixed(1)} s]\n`);
      resolve({ code: code ?? 1, output, seconds, tasks });
    });
  });
}

/** `nx <args>` with the workspace's Nx, in `cwd` (a checkout or a scratch copy). */
export function nx(
  cwd: string,
  args: readonly string[],
  logFile: string,
  env: NodeJS.ProcessEnv = chainEnv(),
): Promise<CommandRun> {
  return runLogged(process.execPath, [require.resolve("nx/bin/nx.js", { paths: [cwd] }), ...args], {
    cwd,
    env,
    logFile,
  });
}

/** The last `n` lines of an output, for assertion messages. */
export function tail(output: string, n = 60): string {
  return output.trimEnd().split("\n").slice(-n).join("\n");
}
