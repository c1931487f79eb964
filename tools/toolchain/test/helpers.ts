import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { App, TerraformStack } from "cdktf";
import { loadToolchainEnv, motoAwsEnv, type ToolchainEnv, toolchainProcessEnv } from "../src/toolchain-env";

/** Result of a finished child process. */
export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to completion (no shell). */
export function run(
  command: string,
  args: readonly string[],
  options: { readonly cwd?: string; readonly env?: NodeJS.ProcessEnv; readonly input?: string } = {},
): RunResult {
  const result = spawnSync(command, args, {
    cwd: options.cwd,
    env: options.env,
    input: options.input,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs a command and throws with its output when it exits non-zero. */
export function runOk(
  command: string,
  args: readonly string[],
  options: { readonly cwd?: string; readonly env?: NodeJS.ProcessEnv; readonly input?: string } = {},
): string {
  const result = run(command, args, options);
  if (result.code !== 0) {
    throw new Error(`${command} ${args.join(" ")} exited ${result.code}\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

/** A running child process whose output is collected and whose stdin stays open. */
export interface Background {
  readonly write: (text: string) => void;
  readonly output: () => string;
  readonly done: Promise<RunResult>;
}

export function startBackground(
  command: string,
  args: readonly string[],
  options: { readonly cwd: string; readonly env: NodeJS.ProcessEnv },
): Background {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const done = new Promise<RunResult>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
  return { write: (text) => child.stdin.write(text), output: () => stdout + stderr, done };
}

const tempDirs: string[] = [];

/** A fresh temp dir, removed by {@link removeTempDirs}. */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `toolchain-${prefix}-`));
  tempDirs.push(dir);
  return dir;
}

/** Removes every dir {@link tempDir} made (call from afterAll). */
export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** Synthesizes `app` and returns the directory holding the stack's cdk.tf.json. */
export function synthStack(app: App, stack: TerraformStack): string {
  app.synth();
  const dir = path.join(app.outdir, "stacks", stack.node.id);
  if (!fs.existsSync(path.join(dir, "cdk.tf.json"))) throw new Error(`synth wrote no ${dir}/cdk.tf.json`);
  return dir;
}

/**
 * Environment for Terraform through the toolchain: its CLI config (mirror), and an unusable proxy so
 * any attempt to reach a registry over the network fails instead of silently succeeding.
 */
export function offlineTerraformEnv(tc: ToolchainEnv): NodeJS.ProcessEnv {
  return {
    ...motoAwsEnv(tc),
    TF_IN_AUTOMATION: "1",
    HTTPS_PROXY: "http://127.0.0.1:9",
    HTTP_PROXY: "http://127.0.0.1:9",
    https_proxy: "http://127.0.0.1:9",
    http_proxy: "http://127.0.0.1:9",
    NO_PROXY: "127.0.0.1,localhost",
    no_proxy: "127.0.0.1,localhost",
  };
}

/** docker CLI against the toolchain's engine. */
export function docker(tc: ToolchainEnv, args: readonly string[], input?: string): RunResult {
  return run("docker", args, { env: toolchainProcessEnv(tc), input });
}

export function dockerOk(tc: ToolchainEnv, args: readonly string[]): string {
  const result = docker(tc, args);
  if (result.code !== 0) throw new Error(`docker ${args.join(" ")} exited ${result.code}\n${result.stderr}`);
  return result.stdout;
}

export { loadToolchainEnv };
