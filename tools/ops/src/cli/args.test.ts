import { COMMANDS, parseArgs } from "./args";
import { UsageError } from "./command";

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

describe("parseArgs errors", () => {
  it("lists the known commands for an unknown or missing command, as a usage error", () => {
    for (const argv of [["deploy"], []]) {
      expect(() => parseArgs(argv)).toThrow(UsageError);
      expect(() => parseArgs(argv)).toThrow(`; one of ${COMMANDS.join(", ")}`);
    }
    expect(() => parseArgs([])).toThrow(/Unknown command ""/);
    expect(() => parseArgs(["toString"])).toThrow(/Unknown command "toString"/);
  });
  it("names the unknown option and the options the command allows", () => {
    expect(() => parseArgs(["release", "--env", "dev", "--force"])).toThrow(
      "Unknown option --force for release; allowed: --env, --service, --dry-run",
    );
    expect(() => parseArgs(["release", "--force=yes"])).toThrow("Unknown option --force for release");
  });
  it("names the option whose value is missing, also when another option follows", () => {
    expect(() => parseArgs(["plan-comment", "--env", "dev", "--pr"])).toThrow("--pr needs a value");
    expect(() => parseArgs(["plan-comment", "--pr", "--dry-run"])).toThrow("--pr needs a value");
    expect(() => parseArgs(["release", "--environment"])).toThrow("--environment needs a value");
    expect(() => parseArgs(["release", "--env="])).toThrow("--env needs a value");
    expect(() => parseArgs(["release", "--env", ""])).toThrow("--env needs a value");
  });
  it("refuses positional arguments, `--` and short options as usage errors", () => {
    expect(() => parseArgs(["status", "dev"])).toThrow(UsageError);
    expect(() => parseArgs(["status", "dev"])).toThrow('Unexpected argument "dev" for status');
    expect(() => parseArgs(["status", "--env", "dev", "--"])).toThrow('Unexpected argument "--" for status');
    expect(() => parseArgs(["status", "--", "x"])).toThrow('Unexpected argument "--" for status');
    expect(() => parseArgs(["status", "-e", "dev"])).toThrow('Unexpected argument "-e" for status');
  });
  it("takes the same value twice and a flag twice", () => {
    const a = parseArgs(["release", "--env", "dev", "--environment=dev", "--dry-run", "--dry-run"]);
    expect(a).toEqual({ command: "release", values: { env: "dev" }, flags: new Set(["dry-run"]) });
  });
  it("takes values that start with a dash only in the --name=value form", () => {
    expect(parseArgs(["deploy-affected", "--before=-x"]).values).toEqual({ before: "-x" });
    expect(() => parseArgs(["deploy-affected", "--before", "-x"])).toThrow("--before needs a value");
  });
});
