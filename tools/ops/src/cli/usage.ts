/** The usage text, generated from the command table: each command's options and summary. */
import type { OptionSpecs } from "./command";
import { COMMAND_TABLE } from "./commands";

const HEADER = `Usage: ops <command> [options]   (Nx: npx nx run ops:<command> -- [options])
  --environment <env> is the same as --env; through Nx use --environment (Nx claims --env itself)`;

/** `--env <env> [--port 8080] [--detach]`. */
export function synopsis(options: OptionSpecs): string {
  return Object.entries(options)
    .map(([name, o]) => {
      const text = o.placeholder === undefined ? `--${name}` : `--${name} ${o.placeholder}`;
      return o.optional ? `[${text}]` : text;
    })
    .join(" ");
}

export function usageText(): string {
  const commands = Object.entries(COMMAND_TABLE).map(([name, spec]) => {
    const line = `  ${[name, synopsis(spec.options)].filter(Boolean).join(" ")}`;
    const summary = spec.summary.split("\n").map((l) => `      ${l}`);
    return [line, ...summary].join("\n");
  });
  return [HEADER, ...commands].join("\n");
}

export const USAGE = usageText();
