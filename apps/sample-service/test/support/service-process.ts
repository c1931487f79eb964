import { type ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";
import { APP_DIR } from "./test-database";

export interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly [key: string]: unknown;
}

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

interface Waiter {
  readonly match: (line: LogLine) => boolean;
  readonly what: string;
  readonly resolve: (line: LogLine) => void;
  readonly reject: (err: Error) => void;
}

const running = new Set<ServiceProcess>();

/**
 * The server or migrate entry point as a real child process, run from src/ through
 * @swc-node/register, so tests never depend on a stale dist/. Only the given environment is
 * passed on (plus PATH): the developer's own PG* variables cannot leak in.
 */
export class ServiceProcess {
  readonly stdoutLines: string[] = [];
  stderr = "";
  readonly exit: Promise<Exit>;
  private readonly child: ChildProcess;
  private readonly waiters = new Set<Waiter>();
  private exited: Exit | undefined;

  private constructor(entry: "server" | "migrate", env: Record<string, string>) {
    this.child = spawn(process.execPath, ["-r", "@swc-node/register", path.join("src", `${entry}.ts`)], {
      cwd: APP_DIR,
      env: { PATH: process.env.PATH ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    running.add(this);
    let partial = "";
    this.child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      const parts = (partial + chunk).split("\n");
      partial = parts.pop()!;
      for (const line of parts) this.onLine(line);
    });
    this.child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
      this.stderr += chunk;
    });
    this.exit = new Promise((resolve) => {
      this.child.on("close", (code, signal) => {
        running.delete(this);
        if (partial !== "") this.onLine(partial);
        this.exited = { code, signal };
        for (const w of this.waiters) {
          w.reject(
            new Error(`process exited (${code ?? signal}) before logging ${w.what}\n${this.output()}`),
          );
        }
        this.waiters.clear();
        resolve(this.exited);
      });
    });
  }

  static start(entry: "server" | "migrate", env: Record<string, string>): ServiceProcess {
    return new ServiceProcess(entry, env);
  }

  /** Kills whatever a failed test left running. */
  static async killAll(): Promise<void> {
    await Promise.all(
      [...running].map((p) => {
        p.child.kill("SIGKILL");
        return p.exit;
      }),
    );
  }

  get pid(): number {
    return this.child.pid!;
  }

  get isRunning(): boolean {
    return this.exited === undefined && this.child.exitCode === null;
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** JSON log lines written so far. */
  logs(): LogLine[] {
    return this.stdoutLines.flatMap((l) => {
      try {
        return [JSON.parse(l) as LogLine];
      } catch {
        return [];
      }
    });
  }

  output(): string {
    return `--- stdout ---\n${this.stdoutLines.join("\n")}\n--- stderr ---\n${this.stderr}`;
  }

  /** Resolves with the first log line (past or future) that matches; rejects if the process exits first. */
  waitForLog(match: (line: LogLine) => boolean, what: string): Promise<LogLine> {
    const seen = this.logs().find(match);
    if (seen !== undefined) return Promise.resolve(seen);
    if (this.exited !== undefined) {
      return Promise.reject(new Error(`process already exited before logging ${what}\n${this.output()}`));
    }
    return new Promise((resolve, reject) => {
      this.waiters.add({ match, what, resolve, reject });
    });
  }

  /** The server's base URL, from Fastify's "Server listening at" line. */
  async listening(): Promise<string> {
    const line = await this.waitForLog(
      (l) => /^Server listening at http:\/\/127\.0\.0\.1:/.test(l.msg),
      "listening",
    );
    return line.msg.replace("Server listening at ", "");
  }

  private onLine(line: string): void {
    this.stdoutLines.push(line);
    let parsed: LogLine;
    try {
      parsed = JSON.parse(line) as LogLine;
    } catch {
      return;
    }
    for (const w of this.waiters) {
      if (w.match(parsed)) {
        this.waiters.delete(w);
        w.resolve(parsed);
      }
    }
  }
}
