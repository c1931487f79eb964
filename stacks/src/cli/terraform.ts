import { spawn } from "node:child_process";
import type { Toolchain } from "./toolchain";

export interface TerraformResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** True when the run was interrupted by SIGINT/SIGTERM (forwarded to Terraform). */
  readonly interrupted: boolean;
}

export interface RunOptions {
  readonly cwd: string;
  /** Stream output to this process's stdout/stderr (also captured). @default true */
  readonly echo?: boolean;
  /** Prefix for echoed lines, e.g. `[network-dev] `. @default "" */
  readonly prefix?: string;
  /** Extra environment. */
  readonly env?: NodeJS.ProcessEnv;
}

/** Environment for Terraform: the mirror's CLI config, no update check, no metadata probe, no prompts. */
export function terraformEnv(toolchain: Toolchain, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...base,
    CHECKPOINT_DISABLE: "1",
    AWS_EC2_METADATA_DISABLED: "true",
    TF_IN_AUTOMATION: "1",
    TF_INPUT: "0",
  };
  if (toolchain.cliConfigFile) env.TF_CLI_CONFIG_FILE = toolchain.cliConfigFile;
  else delete env.TF_CLI_CONFIG_FILE;
  return env;
}

let activeChildren = 0;
let interruptedAt = 0;
const children = new Set<import("node:child_process").ChildProcess>();

function onSignal(signal: NodeJS.Signals) {
  const first = interruptedAt === 0;
  interruptedAt = Date.now();
  if (children.size === 0) process.exit(130);
  if (!first) {
    process.stderr.write(
      `\n${signal}: still waiting for Terraform to save state and release the lock (SIGKILL abandons it).\n`,
    );
    return;
  }
  process.stderr.write(
    `\n${signal}: asking Terraform to stop gracefully (it finishes in-flight calls, saves state and releases the lock)...\n`,
  );
  // Terraform runs in its own process group, so the terminal's Ctrl-C reaches it only through this
  // one forwarded signal: a second, direct SIGINT would make it abort without releasing the lock.
  for (const c of children) c.kill("SIGINT");
}

/**
 * Runs Terraform and waits for it. SIGINT/SIGTERM received meanwhile are forwarded once to Terraform
 * and this process waits until it has exited, so the state lock is released.
 */
export function runTerraform(
  toolchain: Toolchain,
  args: readonly string[],
  options: RunOptions,
): Promise<TerraformResult> {
  const echo = options.echo ?? true;
  const prefix = options.prefix ?? "";
  return new Promise((resolve, reject) => {
    const child = spawn(toolchain.terraform, args, {
      cwd: options.cwd,
      env: { ...terraformEnv(toolchain), ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    if (activeChildren++ === 0) {
      process.on("SIGINT", onSignal);
      process.on("SIGTERM", onSignal);
    }
    children.add(child);
    const startedAt = Date.now();
    let stdout = "";
    let stderr = "";
    const pipe = (chunk: Buffer, to: NodeJS.WriteStream, acc: "out" | "err") => {
      const text = chunk.toString();
      if (acc === "out") stdout += text;
      else stderr += text;
      if (echo) to.write(prefix ? text.replace(/^(?=.)/gm, prefix) : text);
    };
    child.stdout.on("data", (c: Buffer) => pipe(c, process.stdout, "out"));
    child.stderr.on("data", (c: Buffer) => pipe(c, process.stderr, "err"));
    const done = () => {
      children.delete(child);
      if (--activeChildren === 0) {
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
      }
    };
    child.on("error", (e) => {
      done();
      reject(
        new Error(
          `Cannot run ${toolchain.terraform}: ${e.message}. Run \`npx nx run toolchain:ensure\` (toolchain: ${toolchain.source})`,
        ),
      );
    });
    child.on("close", (code, signal) => {
      done();
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr, interrupted: interruptedAt >= startedAt });
    });
  });
}

/** True once SIGINT/SIGTERM has been received during a Terraform run of this process. */
export function wasInterrupted(): boolean {
  return interruptedAt > 0;
}
