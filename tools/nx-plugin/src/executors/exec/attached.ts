import { spawn } from "node:child_process";
import { access, constants } from "node:fs/promises";
import { delimiter, join } from "node:path";
import { displayCommand } from "../../lib/exec";

/**
 * Runs an interactive command on this terminal (stdin, stdout and stderr inherited) and resolves with
 * its exit code. Ctrl-C belongs to the session: while it runs this process ignores SIGINT/SIGTERM (the
 * child gets them from the terminal itself) instead of dying and leaving the terminal to an orphan.
 */
export function runAttached(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<number> {
  const ignore = () => undefined;
  const signals = ["SIGINT", "SIGTERM"] as const;
  for (const s of signals) process.on(s, ignore);
  return new Promise<number>((resolve, reject) => {
    const child = spawn(command, [...args], { env, stdio: "inherit" });
    child.on("error", (err: NodeJS.ErrnoException) =>
      reject(
        new Error(
          err.code === "ENOENT"
            ? `\`${displayCommand(command, args)}\` could not start: \`${command}\` is not on PATH.`
            : `\`${displayCommand(command, args)}\` could not start: ${err.message}`,
        ),
      ),
    );
    child.on("close", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  }).finally(() => {
    for (const s of signals) process.removeListener(s, ignore);
  });
}

/** Whether `program` is an executable file in a directory on PATH. */
export async function onPath(program: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  for (const dir of (env.PATH ?? "").split(delimiter).filter(Boolean)) {
    try {
      await access(join(dir, program), constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}
