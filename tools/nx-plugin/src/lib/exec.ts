import { spawn } from "node:child_process";

/** How many trailing output lines an error message carries. */
const ERROR_TAIL_LINES = 60;
/** Captured output is capped so a chatty command cannot exhaust memory. */
const MAX_CAPTURE_CHARS = 2_000_000;

export interface RunOptions {
  /** Working directory. @default process.cwd() */
  readonly cwd?: string;
  /** Full environment of the child. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Written to the child's stdin, then stdin is closed (used for secrets: never on the command line). */
  readonly input?: string;
  /** Stream the child's output to this process while capturing it. @default false */
  readonly echo?: boolean;
  /** Prefix for echoed lines. @default "" */
  readonly prefix?: string;
  /** Accept these exit codes besides 0 (the caller inspects `exitCode`). @default [] */
  readonly allowExitCodes?: readonly number[];
  /** Aborting sends the child SIGTERM (it still resolves/rejects when the child exits). */
  readonly signal?: AbortSignal;
}

export interface RunResult {
  readonly stdout: string;
  readonly stderr: string;
  /** stdout and stderr interleaved in arrival order. */
  readonly output: string;
  readonly exitCode: number;
}

/** A command that failed; the message names the command and carries the tail of its output. */
export class CommandError extends Error {
  constructor(
    public readonly command: string,
    public readonly exitCode: number | null,
    public readonly output: string,
    cause?: string,
  ) {
    super(formatCommandFailure(command, exitCode, output, cause));
    this.name = "CommandError";
  }
}

export function formatCommandFailure(
  command: string,
  exitCode: number | null,
  output: string,
  cause?: string,
): string {
  const status = cause ?? (exitCode === null ? "was killed" : `exited with code ${exitCode}`);
  const lines = output.trimEnd().split("\n");
  const tail = lines.slice(-ERROR_TAIL_LINES).join("\n");
  const skipped =
    lines.length > ERROR_TAIL_LINES ? ` (last ${ERROR_TAIL_LINES} of ${lines.length} lines)` : "";
  return tail.trim().length === 0
    ? `\`${command}\` ${status} with no output.`
    : `\`${command}\` ${status}. Its output${skipped}:\n${tail}`;
}

/** Quote an argument for display only (commands are never run through a shell). */
export function displayCommand(command: string, args: readonly string[]): string {
  return [command, ...args]
    .map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`))
    .join(" ");
}

/**
 * Run a command without a shell; resolve with its output, reject with a CommandError carrying the
 * output when it exits non-zero (or cannot start).
 */
export function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const shown = displayCommand(command, args);
  return new Promise((resolve, reject) => {
    let stdout = "";
    let stderr = "";
    let output = "";
    const append = (chunk: string, stream: "out" | "err") => {
      if (stream === "out") stdout = (stdout + chunk).slice(-MAX_CAPTURE_CHARS);
      else stderr = (stderr + chunk).slice(-MAX_CAPTURE_CHARS);
      output = (output + chunk).slice(-MAX_CAPTURE_CHARS);
      if (options.echo) {
        const text = options.prefix ? chunk.replace(/^(?=.)/gm, options.prefix) : chunk;
        (stream === "out" ? process.stdout : process.stderr).write(text);
      }
    };
    const child = spawn(command, [...args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    const onAbort = () => child.kill("SIGTERM");
    options.signal?.addEventListener("abort", onAbort, { once: true });
    child.on("exit", () => options.signal?.removeEventListener("abort", onAbort));
    child.stdout.setEncoding("utf8").on("data", (c: string) => append(c, "out"));
    child.stderr.setEncoding("utf8").on("data", (c: string) => append(c, "err"));
    child.on("error", (err: NodeJS.ErrnoException) => {
      const why = err.code === "ENOENT" ? `could not start: \`${command}\` is not on PATH` : err.message;
      reject(new CommandError(shown, null, output, why));
    });
    child.on("close", (code, signal) => {
      const exitCode = code ?? (signal ? 128 : 1);
      if (code === 0 || (code !== null && options.allowExitCodes?.includes(code))) {
        resolve({ stdout, stderr, output, exitCode });
      } else {
        reject(new CommandError(shown, code, output, signal ? `was killed by ${signal}` : undefined));
      }
    });
    child.stdin.on("error", () => {
      // The child may exit before reading stdin; its exit status tells the story.
    });
    child.stdin.end(options.input ?? "");
  });
}
