import { readdirSync } from "node:fs";
import { COMMAND_TABLE, COMMANDS, isCommand } from ".";

describe("the command table", () => {
  it("has the CLI's commands, in usage order", () => {
    expect(COMMANDS).toEqual([
      "promote",
      "status",
      "run-image",
      "plan-comment",
      "affected-environments",
      "deploy-affected",
      "record-apply",
      "release",
    ]);
  });
  it.each(Object.entries(COMMAND_TABLE))("%s has a summary, options and a run", (_name, spec) => {
    expect(spec.summary.trim()).not.toBe("");
    expect(typeof spec.run).toBe("function");
    for (const [option, o] of Object.entries(spec.options)) {
      expect(option).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(["string", "boolean"]).toContain(o.type);
      if (o.type === "boolean") expect(o.placeholder).toBeUndefined();
      else expect(o.placeholder).toBeTruthy();
    }
    // --environment is the alias of --env (args.ts), never an option of its own.
    expect(Object.keys(spec.options)).not.toContain("environment");
  });
  it("has one file per command, named as the command", () => {
    const files = readdirSync(__dirname)
      .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts") && f !== "index.ts")
      .map((f) => f.replace(/\.ts$/, ""));
    expect(files.sort()).toEqual([...COMMANDS].sort());
  });
  it("knows commands by own name only", () => {
    expect(isCommand("release")).toBe(true);
    expect(isCommand("deploy")).toBe(false);
    expect(isCommand("constructor")).toBe(false);
  });
});
