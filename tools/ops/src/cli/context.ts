/** What the commands share: output, the toolchain-aware environment, required options, git, $GITHUB_OUTPUT. */
import { spawnSync } from "node:child_process";
import { appendFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { loadToolchainEnv, toolchainCacheDir } from "@platform/toolchain";
import { awsEndpointFromEnv } from "../lib/aws";
import { parseEnvironment } from "../lib/environments";
import { stacksCli, synthesizeEnvironment } from "../lib/stacks-cli";
import type { SynthesizedEnvironment } from "../lib/synthesized-environment";
import { type CommandArgs, UsageError } from "./command";

export const out = (line: string): void => {
  process.stdout.write(`${line}\n`);
};
export const info = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/** process.env with the toolchain's facts applied; `--emulator` also points AWS at the toolchain's moto. */
export function commandEnvironment(
  emulator: boolean,
  base: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  const environ: NodeJS.ProcessEnv = { ...base };
  const cacheDir = toolchainCacheDir(base);
  // Without --emulator the toolchain is optional (real AWS); with it, a missing toolchain.env throws the
  // "run toolchain:ensure" message.
  if (!emulator && !existsSync(join(cacheDir, "toolchain.env"))) return environ;
  const toolchain = loadToolchainEnv({ cacheDir });
  Object.assign(environ, toolchain.vars);
  if (emulator) environ.AWS_ENDPOINT_URL = toolchain.awsEndpoint;
  return environ;
}

/** Under the emulator the image bytes live in the loopback registry, ECR holds only the manifest record. */
export function bytesRegistry(environ: NodeJS.ProcessEnv): string | undefined {
  if (!awsEndpointFromEnv(environ)) return undefined;
  if (!environ.PLATFORM_REGISTRY)
    throw new Error(
      "AWS_ENDPOINT_URL is set but PLATFORM_REGISTRY is not: run `npx nx run toolchain:ensure`.",
    );
  return environ.PLATFORM_REGISTRY;
}

export function synthOrUndefined(
  repoRoot: string,
  env: string,
  environ: NodeJS.ProcessEnv,
): SynthesizedEnvironment | undefined {
  return existsSync(stacksCli(repoRoot)) ? synthesizeEnvironment(repoRoot, env, { environ }) : undefined;
}

/**
 * The option's value; `env` falls back to the Nx configuration (-c <env>), then PLATFORM_ENV. Nx drops a
 * configuration the target lacks before the task starts; the workspace plugin refuses such a `-c` first
 * (tools/nx-plugin/src/plugin), and an inherited one that is not an environment is refused here.
 */
export function requireValue(
  args: CommandArgs,
  name: string,
  environ: NodeJS.ProcessEnv = process.env,
): string {
  const configuration = environ.NX_TASK_TARGET_CONFIGURATION?.trim();
  const fallback =
    name === "env"
      ? (configuration && parseEnvironment(configuration, `nx configuration (-c ${configuration})`)) ||
        environ.PLATFORM_ENV?.trim()
      : undefined;
  const v = args.values[name] ?? fallback;
  if (!v)
    throw new UsageError(
      `${args.command} needs --${name}${name === "env" ? " (or -c <env> through Nx)" : ""}`,
    );
  return v;
}

export function git(repoRoot: string, args: readonly string[]): string {
  const r = spawnSync("git", args, { cwd: repoRoot, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")} failed: ${r.stderr.trim()}`);
  return r.stdout.trim();
}

export function setGitHubOutput(environ: NodeJS.ProcessEnv, name: string, value: string): void {
  if (environ.GITHUB_OUTPUT) appendFileSync(environ.GITHUB_OUTPUT, `${name}=${value}\n`);
}

/** The link to this GitHub Actions run, when running in one. */
export function workflowRunUrl(environ: NodeJS.ProcessEnv): string | undefined {
  return environ.GITHUB_RUN_ID && environ.GITHUB_REPOSITORY
    ? `${environ.GITHUB_SERVER_URL ?? "https://github.com"}/${environ.GITHUB_REPOSITORY}/actions/runs/${environ.GITHUB_RUN_ID}`
    : undefined;
}

/** `npx <args>` in the workspace with stdio inherited and no Nx daemon; the exit code (1 if killed). */
export function runNpx(workspace: string, args: readonly string[]): number {
  const r = spawnSync("npx", args, {
    cwd: workspace,
    stdio: "inherit",
    env: { ...process.env, NX_DAEMON: "false" },
  });
  return r.status ?? 1;
}
