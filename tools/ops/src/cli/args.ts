/**
 * Command-line parsing for the ops CLI: node:util parseArgs (strict) over the command table's options,
 * with messages that name the offending option. Pure.
 */
import { type ParseArgsConfig, parseArgs as parseCommandLine } from "node:util";
import { type CommandArgs, type OptionSpecs, UsageError } from "./command";
import { COMMAND_TABLE, COMMANDS, type Command, isCommand } from "./commands";

export type { Command } from "./commands";
export { COMMANDS } from "./commands";
export { USAGE } from "./usage";

/**
 * `--environment` is `--env` under another name: Nx's run-commands executor has an `env` option of its
 * own (an object), so `nx run ops:<target> -- --env dev` fails in Nx's schema check before the command
 * runs ("Property 'env' does not match the schema"). Through Nx use `-- --environment dev`.
 */
/** A command line: the command and its options. */
export interface ParsedArgs extends CommandArgs {
  readonly command: Command;
}

export const ENV_ALIAS = "environment";

type NodeOptions = NonNullable<ParseArgsConfig["options"]>;
type Token = NonNullable<ReturnType<typeof parseCommandLine>["tokens"]>[number];
type OptionToken = Extract<Token, { kind: "option" }>;

/** The command's options for node:util, `--environment` included where the command takes `--env`. */
function nodeOptions(options: OptionSpecs): NodeOptions {
  const result: NodeOptions = {};
  for (const [name, o] of Object.entries(options)) result[name] = { type: o.type };
  if ("env" in options) result[ENV_ALIAS] = { type: "string" };
  return result;
}

/** The option a token stands for: `--environment` is `env`. */
function canonicalName(token: OptionToken, options: OptionSpecs): string {
  return token.name === ENV_ALIAS && "env" in options ? "env" : token.name;
}

function unexpected(command: Command, arg: string): UsageError {
  return new UsageError(`Unexpected argument ${JSON.stringify(arg)} for ${command}`);
}

function unknownOption(command: Command, name: string, options: OptionSpecs): Error {
  const allowed = Object.keys(options)
    .map((k) => `--${k}`)
    .join(", ");
  return new Error(`Unknown option --${name} for ${command}; allowed: ${allowed}`);
}

/** The first problem of a command line that strict parsing refused, in words that name the option. */
function explain(command: Command, rest: readonly string[], options: OptionSpecs, refusal: unknown): Error {
  const { tokens = [] } = parseCommandLine({
    args: [...rest],
    options: nodeOptions(options),
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  for (const token of tokens) {
    if (token.kind !== "option") return unexpected(command, rest[token.index] ?? "--");
    // Short options (-x) are not options of this CLI; old-style "unexpected argument" for them.
    if (!token.rawName.startsWith("--")) return unexpected(command, rest[token.index]);
    const name = canonicalName(token, options);
    const spec = options[name];
    if (!spec) return unknownOption(command, name, options);
    if (spec.type === "boolean" && token.value !== undefined)
      return new Error(`--${name} is a flag and takes no value`);
    if (
      spec.type === "string" &&
      (token.value === undefined ||
        (!token.inlineValue && token.value.length > 1 && token.value.startsWith("-")))
    )
      return new Error(`${token.rawName} needs a value`);
  }
  return new Error(`${command}: ${(refusal as Error).message}`);
}

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const [command, ...rest] = argv;
  if (!command || !isCommand(command)) {
    throw new UsageError(`Unknown command ${JSON.stringify(command ?? "")}; one of ${COMMANDS.join(", ")}`);
  }
  const options = COMMAND_TABLE[command].options;
  let tokens: Token[];
  try {
    tokens =
      parseCommandLine({
        args: [...rest],
        options: nodeOptions(options),
        strict: true,
        allowPositionals: false,
        tokens: true,
      }).tokens ?? [];
  } catch (refusal) {
    throw explain(command, rest, options, refusal);
  }
  const values: Record<string, string> = {};
  const flags = new Set<string>();
  for (const token of tokens) {
    // `--` ends the options; this CLI takes no positional arguments after it either.
    if (token.kind !== "option") throw unexpected(command, rest[token.index] ?? "--");
    const name = canonicalName(token, options);
    if (options[name]?.type === "boolean") {
      flags.add(name);
      continue;
    }
    const v = token.value;
    if (v === undefined || v === "") throw new Error(`${token.rawName} needs a value`);
    if (values[name] !== undefined && values[name] !== v)
      throw new Error(`--${name} given twice with different values (${values[name]}, ${v})`);
    values[name] = v;
  }
  return { command, values, flags };
}
