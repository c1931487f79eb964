import { normalizeRunTaskOptions } from "./normalize-options";

describe("normalizeRunTaskOptions", () => {
  it("takes the command from the words after --", () => {
    const o = normalizeRunTaskOptions(
      { environment: "dev", __overrides_unparsed__: ["node", "-e", "process.exit(3)"] },
      "/repo",
      "sample-service",
    );
    expect(o).toMatchObject({
      environment: "dev",
      service: "sample-service",
      command: ["node", "-e", "process.exit(3)"],
      timeoutSeconds: 3600,
    });
  });
  it("prefers the command option", () => {
    const o = normalizeRunTaskOptions({ environment: "local", command: ["true"] }, "/repo", "post-worker");
    expect(o.command).toEqual(["true"]);
  });
  it("refuses no command, naming the usage, before anything starts", () => {
    expect(() => normalizeRunTaskOptions({ environment: "dev" }, "/repo", "sample-service")).toThrow(
      /run-task needs a command: `npx nx run sample-service:run-task -c dev -- <command> \[args\]`/,
    );
  });
  it("refuses an unknown environment naming the allowed ones", () => {
    expect(() => normalizeRunTaskOptions({ environment: "qa", command: ["x"] }, "/repo", "s")).toThrow(
      /local.*dev.*staging.*prod/,
    );
  });
});
