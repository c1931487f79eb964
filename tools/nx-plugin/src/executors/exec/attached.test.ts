import { dirname } from "node:path";
import { onPath, runAttached } from "./attached";

describe("runAttached", () => {
  it("resolves with the command's exit code", async () => {
    expect(await runAttached(process.execPath, ["-e", "process.exit(3)"], process.env)).toBe(3);
    expect(await runAttached(process.execPath, ["-e", "0"], process.env)).toBe(0);
  });

  it("names a program that is not on PATH", async () => {
    await expect(runAttached("no-such-program-for-exec", [], { PATH: "/nonexistent" })).rejects.toThrow(
      /`no-such-program-for-exec` could not start: `no-such-program-for-exec` is not on PATH/,
    );
  });

  it("leaves no signal handlers behind", async () => {
    const before = process.listenerCount("SIGINT");
    await runAttached(process.execPath, ["-e", "0"], process.env);
    expect(process.listenerCount("SIGINT")).toBe(before);
  });
});

describe("onPath", () => {
  it("finds executables on PATH only", async () => {
    const env = { PATH: dirname(process.execPath) };
    expect(await onPath("node", env)).toBe(true);
    expect(await onPath("session-manager-plugin-that-is-not-there", env)).toBe(false);
  });
});
