import { spawnSync } from "node:child_process";
import * as path from "node:path";

const BYTES = 4 * 1024 * 1024;

/** A child that writes BYTES to its stdout pipe, then exits (through exitAfterFlush or not). */
function childOutputLength(flush: boolean): number {
  const exitModule = path.join(__dirname, "exit.ts");
  const script = flush
    ? `process.stdout.write("x".repeat(${BYTES})); require(${JSON.stringify(exitModule)}).exitAfterFlush(0);`
    : `process.stdout.write("x".repeat(${BYTES})); process.exit(0);`;
  const run = spawnSync(process.execPath, ["-r", "@swc-node/register", "-e", script], {
    maxBuffer: 2 * BYTES,
    encoding: "utf8",
  });
  expect(run.status).toBe(0);
  return run.stdout.length;
}

describe("exitAfterFlush", () => {
  it("exits only after everything written to a stdout pipe has been handed over", () => {
    expect(childOutputLength(true)).toBe(BYTES);
  });

  it("is needed: an immediate process.exit loses the tail of a large write to a pipe", () => {
    expect(childOutputLength(false)).toBeLessThan(BYTES);
  });
});
