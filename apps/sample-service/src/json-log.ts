import * as os from "node:os";
import type { LogLevel } from "./config";

/** pino's numeric levels, so migrate's lines parse like the server's. */
const LEVELS: Readonly<Record<Exclude<LogLevel, "silent">, number>> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
};

export interface JsonLogger {
  info(msg: string, fields?: object): void;
  warn(msg: string, fields?: object): void;
  error(msg: string, fields?: object): void;
}

/**
 * A pino-compatible line writer for the migrate entry point, which has no Fastify (and so no
 * pino of its own: it is not a direct dependency).
 */
export function createJsonLogger(
  name: string,
  level: LogLevel,
  stream: { write(line: string): void } = process.stdout,
): JsonLogger {
  const threshold = level === "silent" ? Number.POSITIVE_INFINITY : LEVELS[level];
  const write = (lvl: keyof typeof LEVELS, msg: string, fields?: object) => {
    if (LEVELS[lvl] < threshold) return;
    const line = {
      level: LEVELS[lvl],
      time: Date.now(),
      pid: process.pid,
      hostname: os.hostname(),
      name,
      ...fields,
      msg,
    };
    stream.write(`${JSON.stringify(line)}\n`);
  };
  return {
    info: (msg, fields) => write("info", msg, fields),
    warn: (msg, fields) => write("warn", msg, fields),
    error: (msg, fields) => write("error", msg, fields),
  };
}
