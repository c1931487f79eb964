import { parseArgs } from "./args";

describe("parseArgs", () => {
  it("reads values in both forms and flags", () => {
    const a = parseArgs(["promote", "--from", "dev", "--to=staging", "--dry-run"]);
    expect(a.values).toEqual({ from: "dev", to: "staging" });
    expect([...a.flags]).toEqual(["dry-run"]);
  });
  it("names unknown commands and options", () => {
    expect(() => parseArgs(["deploy"])).toThrow(/Unknown command "deploy"/);
    expect(() => parseArgs(["status", "--env", "dev", "--colour"])).toThrow(
      /Unknown option --colour for status/,
    );
  });
  it("requires values for valued options", () => {
    expect(() => parseArgs(["status", "--env"])).toThrow(/--env needs a value/);
    expect(() => parseArgs(["status", "--json=yes"])).toThrow(/--json is a flag/);
  });
  it("takes --environment for --env (Nx's run-commands claims --env)", () => {
    expect(parseArgs(["record-apply", "--environment", "dev"]).values).toEqual({ env: "dev" });
    expect(parseArgs(["release", "--environment=staging"]).values).toEqual({ env: "staging" });
    expect(() => parseArgs(["release", "--env", "dev", "--environment", "prod"])).toThrow(
      /--env given twice with different values \(dev, prod\)/,
    );
    expect(() => parseArgs(["affected-environments", "--environment", "dev"])).toThrow(
      /Unknown option --environment for affected-environments/,
    );
  });
});
