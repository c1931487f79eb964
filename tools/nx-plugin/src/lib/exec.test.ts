import { CommandError, displayCommand, run } from "./exec";

// These run real processes (node itself): the behaviour under test is process handling.
describe("run", () => {
  it("returns the output of a successful command", async () => {
    const res = await run(process.execPath, [
      "-e",
      "process.stdout.write('out'); process.stderr.write('err')",
    ]);
    expect(res).toMatchObject({ stdout: "out", stderr: "err", exitCode: 0 });
  });

  it("rejects with the command and the tail of its output when it fails", async () => {
    const err = await run(process.execPath, [
      "-e",
      "console.error('relation \"posts\" already exists'); process.exit(3)",
    ]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommandError);
    expect((err as CommandError).exitCode).toBe(3);
    expect((err as CommandError).message).toMatch(
      /exited with code 3\. Its output:\nrelation "posts" already exists/,
    );
  });

  it("passes input on stdin (how docker login gets its password)", async () => {
    const res = await run(process.execPath, ["-e", "process.stdin.pipe(process.stdout)"], {
      input: "s3cret",
    });
    expect(res.stdout).toBe("s3cret");
  });

  it("names a command that is not installed", async () => {
    await expect(run("no-such-command-xyz", [])).rejects.toThrow(/not on PATH/);
  });

  it("accepts listed exit codes", async () => {
    const res = await run(process.execPath, ["-e", "process.exit(1)"], { allowExitCodes: [1] });
    expect(res.exitCode).toBe(1);
  });

  it("stops the child when the signal aborts", async () => {
    const controller = new AbortController();
    const pending = run(process.execPath, ["-e", "setTimeout(() => {}, 60000)"], {
      signal: controller.signal,
    });
    controller.abort();
    await expect(pending).rejects.toThrow(/killed by SIGTERM/);
  });
});

describe("displayCommand", () => {
  it("quotes arguments with spaces for display", () => {
    expect(displayCommand("docker", ["run", "a b"])).toBe("docker run 'a b'");
  });
});
