import { DEFAULT_EXEC_COMMAND, normalizeExecOptions } from "./normalize-options";

describe("normalizeExecOptions", () => {
  it("takes the command from the words after --", () => {
    const o = normalizeExecOptions(
      { environment: "dev", __overrides_unparsed__: ["node", "-e", "console.log(1)"] },
      "/repo",
      "sample-service",
    );
    expect(o).toMatchObject({
      environment: "dev",
      service: "sample-service",
      command: ["node", "-e", "console.log(1)"],
      outputsFile: "/repo/stacks/out/outputs/dev.json",
    });
  });

  it("runs node without a command: the runtime image has no shell", () => {
    expect(DEFAULT_EXEC_COMMAND).toEqual(["node"]);
    expect(normalizeExecOptions({ environment: "local" }, "/repo", "post-worker").command).toEqual(["node"]);
    expect(
      normalizeExecOptions({ environment: "local", __overrides_unparsed__: [] }, "/repo", "post-worker")
        .command,
    ).toEqual(["node"]);
  });

  it("prefers the command option over the words after --", () => {
    const o = normalizeExecOptions(
      { environment: "local", command: ["node", "--version"], __overrides_unparsed__: ["x"] },
      "/repo",
      "post-worker",
    );
    expect(o.command).toEqual(["node", "--version"]);
  });

  it("refuses a command that is not a list of strings, or starts with an empty word", () => {
    expect(() =>
      normalizeExecOptions({ environment: "dev", command: "node" as unknown as string[] }, "/repo", "s1"),
    ).toThrow(/Option "command" must be a list of strings \(got "node"\)/);
    expect(() => normalizeExecOptions({ environment: "dev", command: [" "] }, "/repo", "s1")).toThrow(
      /Option "command" must start with a program name/,
    );
  });

  it("refuses an unknown environment naming the allowed ones", () => {
    expect(() => normalizeExecOptions({ environment: "qa" }, "/repo", "s1")).toThrow(
      /Option "environment" must be one of local, dev, staging, prod \(got "qa"\)/,
    );
  });
});
