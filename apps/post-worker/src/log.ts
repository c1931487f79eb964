import * as os from "node:os";
import type { LogLevel } from "./config";

/**
 * JSON lines in pino's format (numeric level, epoch-ms time, pid, hostname, name, msg), the shape
 * sample-service's Fastify logger and migrate entry point write, so one log query reads both.
 */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  fatal(msg: string, fields?: Record<string, unknown>): void;
}

/** pino's numbers: trace 10, debug 20, ... fatal 60; silent writes nothing. */
const NUMERIC = Object.fromEntries(
  (["trace", "debug", "info", "warn", "error", "fatal"] as const).map((name, i) => [name, 10 * (i + 1)]),
) as Record<LogLevel, number>;
NUMERIC.silent = Number.POSITIVE_INFINITY;

/** Errors as pino serializes them ({type, message, stack}); other values as they are. */
function serialize(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(fields)) {
    out[key] = v instanceof Error ? { type: v.name, message: v.message, stack: v.stack } : v;
  }
  return out;
}

export function createLogger(
  name: string,
  level: LogLevel,
  write: (line: string) => void = (line) => process.stdout.write(line),
): Logger {
  const base = { pid: process.pid, hostname: os.hostname(), name };
  const at =
    (lvl: Exclude<LogLevel, "silent">) =>
    (msg: string, fields: Record<string, unknown> = {}): void => {
      if (NUMERIC[lvl] < NUMERIC[level]) return;
      write(
        `${JSON.stringify({ level: NUMERIC[lvl], time: Date.now(), ...base, ...serialize(fields), msg })}\n`,
      );
    };
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error"), fatal: at("fatal") };
}
