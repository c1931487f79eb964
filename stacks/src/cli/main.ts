/**
 * The operator/reviewer CLI: `node stacks/dist/cli/main.js <command> --env <env> [options]`, run through
 * the Nx targets `nx run stacks:<command> -c <env> [-- args]`. See `usage()` and stacks/README.md.
 */
import { assertEnvironmentName } from "../config";
import { parseArgs, usage } from "./args";
import * as commands from "./commands";
import { exitAfterFlush } from "./exit";
import { loadToolchain, type Toolchain } from "./toolchain";
import { Workspace } from "./workspace";

/**
 * Makes the toolchain's facts (TF_CLI_CONFIG_FILE, DOCKER_HOST, PLATFORM_REGISTRY, POSTGRES_BASE_IMAGE,
 * ...) this process's environment, as `source toolchain.env` would; `--emulator` points AWS at moto.
 */
export function applyToolchainEnv(
  toolchain: Toolchain,
  emulator: boolean,
  environ: NodeJS.ProcessEnv = process.env,
): void {
  for (const [k, v] of Object.entries(toolchain.vars)) environ[k] = v;
  if (emulator) {
    if (!toolchain.awsEndpoint) {
      throw new Error(
        `--emulator: the toolchain records no AWS emulator (${toolchain.source}); run \`npx nx run toolchain:ensure\``,
      );
    }
    environ.AWS_ENDPOINT_URL = toolchain.awsEndpoint;
  }
}

async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(`${usage()}\n`);
    return 0;
  }
  const args = parseArgs(argv, process.env);
  const env = assertEnvironmentName(args.env, "--env or PLATFORM_ENV (nx: -c <env>)");
  const toolchain = loadToolchain();
  applyToolchainEnv(toolchain, args.emulator);
  const ws = new Workspace(env, args, toolchain, {
    allowDataDestroy: args.command === "destroy" && args.includeData,
  });
  switch (args.command) {
    case "synth":
      return commands.synth(ws);
    case "validate":
      return commands.validate(ws);
    case "plan":
      return commands.plan(ws);
    case "apply":
      return commands.apply(ws);
    case "destroy":
      return commands.destroy(ws);
    case "state":
      return commands.state(ws);
    case "outputs":
      return commands.outputs(ws);
    case "bootstrap":
      return commands.bootstrap(ws);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => exitAfterFlush(code),
    (e: Error) => {
      process.stderr.write(`${e.message}\n`);
      return exitAfterFlush(1);
    },
  );
}
