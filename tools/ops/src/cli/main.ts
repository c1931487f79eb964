/**
 * The ops CLI: `node -r @swc-node/register tools/ops/src/cli/main.ts <command> [options]`, run through Nx
 * targets (`nx run ops:promote`, `nx run stacks:status -c <env>`, `nx run <service>:run-image -c <env>`).
 * Each command lives in commands/<command>.ts; commands/index.ts is the table this looks them up in.
 */
import { findRepoRoot } from "../lib/repo-root";
import { parseArgs } from "./args";
import { UsageError } from "./command";
import { COMMAND_TABLE } from "./commands";
import { commandEnvironment, out } from "./context";
import { USAGE } from "./usage";

export { commandEnvironment } from "./context";

export async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    out(USAGE);
    return 0;
  }
  const args = parseArgs(argv);
  const command = COMMAND_TABLE[args.command];
  // Two roots: the deploy records (dist/deploy/<env>/<service>/*.json) live under PLATFORM_REPO_ROOT when set, as
  // the deploy chain and the stacks read them; the code (the stacks CLI, git, nx) is always this checkout.
  const context = {
    repoRoot: findRepoRoot(),
    workspace: findRepoRoot(__dirname, {}),
    environ: commandEnvironment(args.flags.has("emulator")),
  };
  return command.run(args, context);
}

/** What the CLI prints for an error: usage mistakes are followed by the usage text. */
export function errorText(err: Error): string {
  return err instanceof UsageError ? `ops: ${err.message}\n${USAGE}\n` : `ops: ${err.message}\n`;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: Error) => {
      process.stderr.write(errorText(err));
      process.exit(1);
    },
  );
}
