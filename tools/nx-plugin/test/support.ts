import { execFileSync, spawn } from "node:child_process";
import { appendFileSync, cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { run } from "../src/lib/exec";
import { type ChainToolchain, childEnv, loadChainToolchain } from "../src/lib/toolchain";

export const WORKSPACE_ROOT = join(__dirname, "..", "..", "..");
export const FIXTURES = join(__dirname, "fixtures");

/** The real toolchain (engine, registry, moto); a missing one fails the test with ensure's hint. */
export function toolchain(): ChainToolchain {
  return loadChainToolchain();
}

export function dockerEnv(): NodeJS.ProcessEnv {
  return childEnv(toolchain());
}

export async function docker(args: string[], allowExitCodes: number[] = []) {
  return run("docker", args, { env: dockerEnv(), allowExitCodes });
}

/** Unique, lower-case name for shared engines/emulators: parallel runs must not collide. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
}

/** A throw-away git repository holding a copy of a fixture, committed (a clean tree). */
export function fixtureRepo(fixture: string): { readonly dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), `${fixture}-repo-`));
  cpSync(join(FIXTURES, fixture), dir, { recursive: true });
  const git = (...args: string[]) =>
    execFileSync("git", args, {
      cwd: dir,
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: "t",
        GIT_AUTHOR_EMAIL: "t@example.com",
        GIT_COMMITTER_NAME: "t",
        GIT_COMMITTER_EMAIL: "t@example.com",
      },
    });
  git("init", "-q");
  git("add", ".");
  git("commit", "-q", "-m", "fixture");
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Points the AWS SDK (and the executors) at the toolchain's moto. */
export function useEmulator(): void {
  const endpoint = toolchain().env.PLATFORM_AWS_ENDPOINT;
  if (!endpoint)
    throw new Error("toolchain.env has no PLATFORM_AWS_ENDPOINT; run `npx nx run toolchain:ensure`.");
  process.env.AWS_ENDPOINT_URL = endpoint;
  process.env.AWS_REGION = "eu-west-1";
  process.env.AWS_ACCESS_KEY_ID = "test";
  process.env.AWS_SECRET_ACCESS_KEY = "test";
}

export const REGION = "eu-west-1";

export interface NxRun {
  readonly code: number;
  readonly output: string;
  readonly seconds: number;
}

/** `nx run <target>` as CI runs it; output kept in a log file for when it fails. */
export function nx(args: string[], env: NodeJS.ProcessEnv, logFile: string): Promise<NxRun> {
  const started = Date.now();
  appendFileSync(logFile, `\n$ nx ${args.join(" ")}\n`);
  // Nx's own options go before `--`; what follows it is passed to the target's command.
  const dashes = args.indexOf("--");
  const nxArgs =
    dashes === -1
      ? [...args, "--outputStyle=stream"]
      : [...args.slice(0, dashes), "--outputStyle=stream", ...args.slice(dashes)];
  const child = spawn(process.execPath, [require.resolve("nx/bin/nx.js"), ...nxArgs], {
    cwd: WORKSPACE_ROOT,
    env: { ...env, NX_DAEMON: "false", NX_TUI: "false", NX_NO_CLOUD: "true", FORCE_COLOR: "0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const collect = (c: Buffer) => {
    output += c.toString();
    appendFileSync(logFile, c);
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  return new Promise((resolve) =>
    child.on("close", (code) => resolve({ code: code ?? 1, output, seconds: (Date.now() - started) / 1000 })),
  );
}

/**
 * A python3 that has moto (and boto3): toolchain.env's PLATFORM_MOTO_PYTHON, PLATFORM_PYTHON, the moto venv, then every python3 on
 * PATH, as ensure.sh looks for it (Nx puts /usr/bin ahead of e.g. a pyenv python that has moto).
 */
export function motoPython(): string {
  const cacheDir = toolchain().env.PLATFORM_CACHE_DIR ?? "";
  const onPath = (process.env.PATH ?? "").split(delimiter).map((d) => join(d, "python3"));
  const candidates = [
    toolchain().env.PLATFORM_MOTO_PYTHON ?? "",
    process.env.PLATFORM_PYTHON ?? "",
    join(cacheDir, "moto-venv", "bin", "python"),
    ...onPath,
  ];
  for (const c of candidates) {
    if (!c || !existsSync(c)) continue;
    try {
      execFileSync(c, ["-c", "import moto.server, boto3"], { stdio: "ignore" });
      return c;
    } catch {
      // no moto in this one
    }
  }
  throw new Error(
    `No python3 with moto found (tried ${candidates.filter(Boolean).join(", ")}); run \`npx nx run toolchain:ensure\`.`,
  );
}

/** Puts the python that has moto first on PATH (the stacks' PrivateMoto starts `python3`). */
export function putMotoPythonFirst(): void {
  process.env.PATH = `${dirname(motoPython())}${delimiter}${process.env.PATH ?? ""}`;
}

/**
 * The JSON document a target printed (e.g. `stacks:status -- --json`): Nx's stream output prefixes each
 * line of the target's command with `<project>: `, and other lines (warnings, progress) surround it.
 */
export function jsonFromTargetOutput<T>(output: string, project: string): T {
  const prefix = `${project}: `;
  const lines = output.split("\n").map((l) => (l.startsWith(prefix) ? l.slice(prefix.length) : l));
  const start = lines.indexOf("{");
  const end = lines.lastIndexOf("}");
  if (start === -1 || end < start)
    throw new Error(`No JSON document in the output of ${project}:\n${output.slice(-3000)}`);
  return JSON.parse(lines.slice(start, end + 1).join("\n")) as T;
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}
