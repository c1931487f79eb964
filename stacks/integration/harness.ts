import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { loadToolchain, toolchainEnvFile } from "../src/cli/toolchain";

export const STACKS_DIR = path.resolve(__dirname, "..");
export const REPO_ROOT = path.resolve(STACKS_DIR, "..");
const CLI = path.join(STACKS_DIR, "dist", "cli", "main.js");
/** The cdktf CLI wrapper (`npm run cdktf --`), run on the root cdktf.json. */
export const CDKTF_WRAPPER = path.join(STACKS_DIR, "dist", "cli", "cdktf-env.js");
const MOTO_LAUNCHER = path.join(REPO_ROOT, "tools", "toolchain", "moto", "launcher.py");

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly output: string;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

/**
 * A private moto server from the toolchain's launcher (its tagging fixes and managed IAM policies), on a
 * free port, so other suites' resets of the shared emulator cannot interfere. Stopped by pid.
 */
export class PrivateMoto {
  private constructor(
    public readonly endpoint: string,
    private readonly process: ChildProcess,
    public readonly logFile: string,
  ) {}

  static async start(workDir: string): Promise<PrivateMoto> {
    if (!fs.existsSync(toolchainEnvFile())) {
      throw new Error(`${toolchainEnvFile()} missing: run \`npx nx run toolchain:ensure\` first`);
    }
    const port = await freePort();
    const logFile = path.join(workDir, "moto.log");
    const log = fs.openSync(logFile, "a");
    // The toolchain records the python that has moto: under Nx, /usr/bin's python3 (without moto) comes first.
    const python = loadToolchain().vars.PLATFORM_MOTO_PYTHON || "python3";
    const child = spawn(python, [MOTO_LAUNCHER, String(port)], {
      env: { ...process.env, MOTO_IAM_LOAD_MANAGED_POLICIES: "true" },
      stdio: ["ignore", log, log],
    });
    const endpoint = `http://127.0.0.1:${port}`;
    const moto = new PrivateMoto(endpoint, child, logFile);
    try {
      await waitFor("moto", async () => (await fetch(`${endpoint}/moto-api/`)).ok, 60_000);
    } catch (e) {
      moto.stop();
      throw new Error(`${(e as Error).message}; see ${logFile}`);
    }
    return moto;
  }

  /**
   * Whether an object exists in the emulated S3. moto answers unsigned ListObjectsV2 (an unsigned
   * HEAD of an object gets 403), so list by prefix and look for the exact key.
   */
  async objectExists(bucket: string, key: string): Promise<boolean> {
    const r = await fetch(`${this.endpoint}/${bucket}?list-type=2&prefix=${encodeURIComponent(key)}`);
    if (r.status === 404) return false;
    const body = await r.text();
    if (!r.ok) throw new Error(`ListObjectsV2 ${bucket}: HTTP ${r.status} ${body.slice(0, 200)}`);
    return body.includes(`<Key>${key}</Key>`);
  }

  async bucketExists(bucket: string): Promise<boolean> {
    return (await fetch(`${this.endpoint}/${bucket}?list-type=2&max-keys=1`)).ok;
  }

  async waitForObject(bucket: string, key: string, timeoutMs: number): Promise<void> {
    await waitFor(`s3://${bucket}/${key}`, () => this.objectExists(bucket, key), timeoutMs);
  }

  stop(): void {
    if (this.process.exitCode === null) this.process.kill("SIGTERM");
  }
}

/** Runs the stacks CLI; `onOutput` sees output as it arrives (to react to progress). */
export class CliRunner {
  constructor(
    private readonly baseEnv: NodeJS.ProcessEnv,
    private readonly logFile: string,
    private readonly script: string = CLI,
  ) {}

  start(
    args: readonly string[],
    env: NodeJS.ProcessEnv = {},
  ): { child: ChildProcess; done: Promise<CliRun>; output: () => string } {
    fs.appendFileSync(this.logFile, `\n$ ${path.basename(this.script)} ${args.join(" ")}\n`);
    const child = spawn(process.execPath, [this.script, ...args], {
      cwd: STACKS_DIR,
      env: { ...this.baseEnv, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (c: Buffer) => {
      stdout += c.toString();
      fs.appendFileSync(this.logFile, c);
    });
    child.stderr?.on("data", (c: Buffer) => {
      stderr += c.toString();
      fs.appendFileSync(this.logFile, c);
    });
    const done = new Promise<CliRun>((resolve) => {
      child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr, output: stdout + stderr }));
    });
    return { child, done, output: () => stdout + stderr };
  }

  run(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
    return this.start(args, env).done;
  }
}

/** Temp dirs and environment for CLI runs against the private emulator, apart from the operator's. */
export function isolatedEnv(moto: PrivateMoto, workDir: string): NodeJS.ProcessEnv {
  loadToolchain(); // fails clearly when toolchain.env points at missing files
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AWS_ENDPOINT_URL: moto.endpoint,
    PLATFORM_SYNTH_OUTDIR: path.join(workDir, "cdktf.out"),
    PLATFORM_STACKS_OUT_DIR: path.join(workDir, "out"),
    PLATFORM_LOCAL_STATE_DIR: path.join(workDir, "local-state"),
    // Image inputs come only from the environment: a dist/deploy/dev/image.json of the checkout is not read.
    PLATFORM_REPO_ROOT: workDir,
  };
  for (const k of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE", "PLATFORM_ENV"])
    delete env[k];
  return env;
}

export function makeWorkDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "stacks-integration-"));
}
