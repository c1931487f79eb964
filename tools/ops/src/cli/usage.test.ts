import { readFileSync } from "node:fs";
import { join } from "node:path";
import { COMMAND_TABLE } from "./commands";
import { synopsis, USAGE } from "./usage";

describe("USAGE", () => {
  it("lists every command with its synopsis and summary, in table order", () => {
    const lines = USAGE.split("\n");
    expect(lines[0]).toMatch(/^Usage: ops <command> \[options\]/);
    expect(lines[1]).toMatch(/--environment <env> is the same as --env/);
    const commandLines = lines.filter((l) => /^ {2}[a-z]/.test(l)).map((l) => l.trim().split(" ")[0]);
    expect(commandLines).toEqual(Object.keys(COMMAND_TABLE));
    for (const [name, spec] of Object.entries(COMMAND_TABLE)) {
      expect(USAGE).toContain(`  ${name} ${synopsis(spec.options)}`.trimEnd());
      for (const line of spec.summary.split("\n")) expect(USAGE).toContain(`      ${line}\n`.trimEnd());
      for (const option of Object.keys(spec.options)) expect(USAGE).toContain(`--${option}`);
    }
  });
  it("brackets optional options and shows placeholders", () => {
    expect(
      synopsis({
        env: { type: "string", placeholder: "<env>" },
        port: { type: "string", placeholder: "8080", optional: true },
        stop: { type: "boolean", optional: true },
      }),
    ).toBe("--env <env> [--port 8080] [--stop]");
  });
  it("is the golden text (the hand-written usage before the command table, byte for byte)", () => {
    const golden = readFileSync(join(__dirname, "__fixtures__", "usage.golden.txt"), "utf8");
    expect(`${USAGE}\n`).toBe(golden);
  });
});
