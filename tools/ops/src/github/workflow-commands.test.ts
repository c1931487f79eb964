import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "../cli/args";

// The workflows call the ops CLI through Nx (`npx nx run ops:<target> -- <options>`). Two things break
// such a line only when CI runs it: an option that Nx's run-commands executor claims for itself (Nx
// rejects `--env dev` in its schema check before the command runs) and an option the CLI does not know.

const ROOT = resolve(__dirname, "..", "..", "..", "..");
const WORKFLOWS = join(ROOT, ".github", "workflows");

interface WorkflowCommand {
  readonly where: string;
  readonly target: string;
  readonly args: string[];
}

/** `${VAR:+words}` as when VAR is set, quoted words and expressions as one placeholder word. */
function words(text: string): string[] {
  return text
    .replace(/\$\{\w+:\+(.*?)\}/g, "$1")
    .replace(/"[^"]*"/g, "x")
    .split(/\s+/)
    .filter((w) => w !== "");
}

function opsCommands(): WorkflowCommand[] {
  const found: WorkflowCommand[] = [];
  for (const file of readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f))) {
    readFileSync(join(WORKFLOWS, file), "utf8")
      .split("\n")
      .forEach((line, i) => {
        const match = /nx run ops:([a-z-]+)(.*)$/.exec(line);
        if (!match) return;
        const [, target, rest] = match;
        const afterDashes = rest.includes(" -- ") ? rest.slice(rest.indexOf(" -- ") + 4) : "";
        found.push({ where: `${file}:${i + 1}`, target, args: words(afterDashes) });
      });
  }
  return found;
}

/** The CLI command each ops target runs (`... tools/ops/src/cli/main.ts <command>`). */
function cliCommandOf(target: string): string {
  const project = JSON.parse(readFileSync(join(ROOT, "tools", "ops", "project.json"), "utf8")) as {
    targets: Record<string, { options?: { command?: string } }>;
  };
  const command = project.targets[target]?.options?.command ?? "";
  const match = /cli\/main\.ts ([a-z-]+)/.exec(command);
  if (!match) throw new Error(`ops:${target} does not run the ops CLI (command: ${JSON.stringify(command)})`);
  return match[1];
}

const NX_RUN_COMMANDS_OPTIONS = Object.keys(
  (
    JSON.parse(
      readFileSync(
        join(ROOT, "node_modules", "nx", "dist", "src", "executors", "run-commands", "schema.json"),
        "utf8",
      ),
    ) as {
      properties: Record<string, unknown>;
    }
  ).properties,
);

describe("ops commands in .github/workflows", () => {
  const commands = opsCommands();

  it("are found: every step that calls the ops CLI", () => {
    expect(new Set(commands.map((c) => c.target))).toEqual(
      new Set([
        "promote",
        "release",
        "record-apply",
        "affected-environments",
        "plan-comment",
        "deploy-affected",
      ]),
    );
  });

  it("pass no option that Nx's run-commands executor takes for itself", () => {
    const clashes = commands.flatMap((c) =>
      c.args
        .filter((a) => a.startsWith("--"))
        .map((a) => a.slice(2).split("=")[0])
        .filter((name) => NX_RUN_COMMANDS_OPTIONS.includes(name))
        .map((name) => `${c.where}: --${name}`),
    );
    expect(NX_RUN_COMMANDS_OPTIONS).toContain("env");
    expect(clashes).toEqual([]);
  });

  it("parse with the ops CLI's own option rules", () => {
    const rejected = commands.flatMap((c) => {
      try {
        parseArgs([cliCommandOf(c.target), ...c.args]);
        return [];
      } catch (error) {
        return [`${c.where}: ${(error as Error).message.split("\n")[0]}`];
      }
    });
    expect(rejected).toEqual([]);
  });
});
