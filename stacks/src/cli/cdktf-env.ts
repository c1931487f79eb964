/**
 * The cdktf CLI (`cdktf-cli`, driven by the root cdktf.json) with the project's toolchain: its Terraform
 * binary, the offline provider mirror (TF_CLI_CONFIG_FILE), the Docker engine (DOCKER_HOST), the local
 * database password, and with `--emulator` the AWS emulator. The same settings the stacks CLI uses
 * (`applyToolchainEnv`, `terraformEnv`, `localPasswordVars`), so `cdktf diff <stack>` plans what
 * `nx run stacks:plan` plans.
 *
 *   npm run cdktf -- diff local                 # = node stacks/dist/cli/cdktf-env.js diff local
 *   npm run cdktf -- diff service-dev --env dev --emulator
 *   eval "$(node stacks/dist/cli/cdktf-env.js --print)" && npx cdktf diff local --skip-provider-lock
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { ENV_CONTEXT_KEY } from "../app-environment";
import {
  assertEnvironmentName,
  type EnvironmentName,
  loadEnvironmentConfig,
  loadSharedConfig,
} from "../config";
import { findRepoRoot, settingsFromEnv } from "../settings";
import { localDataVolumeName } from "../stacks/local-data-stack";
import { applyToolchainEnv } from "./main";
import { terraformEnv } from "./terraform";
import { loadToolchain, type Toolchain } from "./toolchain";
import { localPasswordVars } from "./workspace";

/** cdktf commands that run Terraform (init, plan, output, apply) in the synthesized stacks. */
export const TERRAFORM_COMMANDS = [
  "diff",
  "plan",
  "deploy",
  "apply",
  "destroy",
  "output",
  "outputs",
] as const;

const USAGE = `Usage: npm run cdktf -- <cdktf command> [cdktf options] [--env NAME] [--emulator]
       node stacks/dist/cli/cdktf-env.js --print [--env NAME] [--emulator]
  --env NAME    environment (default: $PLATFORM_ENV, else cdktf.json's context "env")
  --emulator    point AWS at the toolchain's emulator (AWS_ENDPOINT_URL from toolchain.env)
  --print       print the environment as export lines (for eval) instead of running cdktf
Anything else goes to cdktf (npx cdktf --help). Output: stacks/cdktf.out/cdktf-<env>[-emulator].`;

export interface WrapperArgs {
  readonly env?: string;
  readonly emulator: boolean;
  readonly print: boolean;
  /** Arguments for the cdktf CLI. */
  readonly cdktf: readonly string[];
}

/** Takes the wrapper's own options out of argv; everything else is for cdktf. */
export function parseWrapperArgs(argv: readonly string[]): WrapperArgs {
  let env: string | undefined;
  let emulator = false;
  let print = false;
  const cdktf: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--env" || a.startsWith("--env=")) {
      env = a.includes("=") ? a.slice(a.indexOf("=") + 1) : argv[++i];
      if (!env || env.startsWith("-")) throw new Error(`--env needs a value\n${USAGE}`);
    } else if (a === "--emulator") emulator = true;
    else if (a === "--print") print = true;
    else cdktf.push(a);
  }
  return { env, emulator, print, cdktf };
}

/** The `env` of cdktf.json's `context`, if it has one. */
export function cdktfJsonEnvironment(repoRoot: string): string | undefined {
  const file = path.join(repoRoot, "cdktf.json");
  if (!fs.existsSync(file)) return undefined;
  const config = JSON.parse(fs.readFileSync(file, "utf8")) as { context?: Record<string, unknown> };
  const value = config.context?.[ENV_CONTEXT_KEY];
  return typeof value === "string" ? value : undefined;
}

/** cdktf commands that synthesize the app into an output directory (all take `--output`). */
export const SYNTH_COMMANDS = ["synth", "list", ...TERRAFORM_COMMANDS] as const;

/** The cdktf command in `argv` (its first non-option argument). */
export function cdktfCommand(argv: readonly string[]): string | undefined {
  return argv.find((a) => !a.startsWith("-"));
}

/**
 * Terraform-running commands get `--skip-provider-lock` (`providers lock` ignores the mirror and goes
 * online); commands that synthesize get an output per environment and target unless one is given.
 * Others (`get`, `init`, `--help`) pass through untouched.
 */
export function cdktfArguments(args: WrapperArgs, env: EnvironmentName): string[] {
  const out = [...args.cdktf];
  const command = cdktfCommand(out) ?? "";
  if ((TERRAFORM_COMMANDS as readonly string[]).includes(command) && !out.includes("--skip-provider-lock"))
    out.push("--skip-provider-lock");
  // A Terraform working directory keeps its backend settings and `init` refuses a changed backend
  // (e.g. the registry stack with and without the emulator): one directory per environment and target.
  const hasOutput = out.some((a) => a === "--output" || a === "-o" || a.startsWith("--output="));
  if ((SYNTH_COMMANDS as readonly string[]).includes(command) && !hasOutput)
    out.push("--output", cdktfOutputDir(env, args.emulator));
  return out;
}

/** Where the wrapper has cdktf synthesize, relative to the repository root. */
export function cdktfOutputDir(env: EnvironmentName, emulator: boolean): string {
  return path.join("stacks", "cdktf.out", `cdktf-${env}${emulator ? "-emulator" : ""}`);
}

export interface CdktfEnvironment {
  readonly env: EnvironmentName;
  readonly toolchain: Toolchain;
  readonly environ: NodeJS.ProcessEnv;
}

/** The cdktf CLI's process environment: toolchain.env, Terraform settings, telemetry off, the env. */
export function cdktfEnvironment(
  args: WrapperArgs,
  repoRoot: string,
  base: NodeJS.ProcessEnv = process.env,
): CdktfEnvironment {
  const env = assertEnvironmentName(
    args.env ?? (base.PLATFORM_ENV || undefined) ?? cdktfJsonEnvironment(repoRoot),
    'cdktf wrapper (--env, PLATFORM_ENV, or cdktf.json "context": {"env": ...})',
  );
  const toolchain = loadToolchain(base);
  const merged: NodeJS.ProcessEnv = { ...base };
  applyToolchainEnv(toolchain, args.emulator, merged);
  const environ = terraformEnv(toolchain, merged);
  environ.TERRAFORM_BINARY_NAME = toolchain.terraform;
  environ.PLATFORM_ENV = env;
  // Nothing leaves loopback: no HashiCorp checkpoint call (CHECKPOINT_DISABLE, set by terraformEnv), no
  // `npm view cdktf-cli version`, no crash reports (cdktf.json "sendCrashReports": false).
  environ.DISABLE_VERSION_CHECK = "true";
  const command = cdktfCommand(args.cdktf);
  const runsTerraform = args.print || (TERRAFORM_COMMANDS as readonly string[]).includes(command ?? "");
  if (runsTerraform && loadEnvironmentConfig(env).kind === "local") {
    Object.assign(
      environ,
      localPasswordVars({
        env,
        volumeName: localDataVolumeName(env),
        settings: settingsFromEnv(loadSharedConfig(), environ),
        toolchain,
        destroying: command === "destroy",
      }),
    );
  }
  return { env, toolchain, environ };
}

/** `export KEY='value'` lines for what differs from `base`. */
export function exportLines(environ: NodeJS.ProcessEnv, base: NodeJS.ProcessEnv): string {
  const quote = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;
  return Object.keys(environ)
    .filter((k) => environ[k] !== undefined && environ[k] !== base[k])
    .sort()
    .map((k) => `export ${k}=${quote(environ[k] as string)}\n`)
    .join("");
}

function cdktfBin(): string {
  const pkg = require.resolve("cdktf-cli/package.json");
  return path.join(path.dirname(pkg), (require(pkg) as { bin: { cdktf: string } }).bin.cdktf);
}

async function main(argv: readonly string[]): Promise<number> {
  const args = parseWrapperArgs(argv);
  // `--help` alone is the wrapper's; `diff --help` is cdktf's.
  if (
    (args.cdktf.includes("--help") || args.cdktf.includes("-h")) &&
    cdktfCommand(args.cdktf) === undefined
  ) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!args.print && cdktfCommand(args.cdktf) === undefined)
    throw new Error(`no cdktf command given\n${USAGE}`);
  const repoRoot = findRepoRoot(__dirname);
  const { env, environ } = cdktfEnvironment(args, repoRoot);
  if (args.print) {
    process.stdout.write(exportLines(environ, process.env));
    return 0;
  }
  const child = spawn(process.execPath, [cdktfBin(), ...cdktfArguments(args, env)], {
    cwd: repoRoot,
    env: environ,
    stdio: "inherit",
  });
  // Ctrl-C reaches cdktf (same process group), which stops Terraform; wait for it instead of dying first.
  const ignore = () => {};
  process.on("SIGINT", ignore);
  process.on("SIGTERM", (s) => child.kill(s));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: Error) => {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    },
  );
}
