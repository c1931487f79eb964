/** The shape of one ops CLI command: what the command table maps a name to. */

export interface OptionSpec {
  /** `string` takes a value (`--env dev` or `--env=dev`); `boolean` is a flag. */
  readonly type: "string" | "boolean";
  /** How the usage line shows the value: `--port 8080`, `--env <env>`. */
  readonly placeholder?: string;
  /** The usage line shows it in brackets: `[--dry-run]`. */
  readonly optional?: boolean;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

export interface CommandArgs {
  /** The command's name (a key of the command table). */
  readonly command: string;
  /** Values of the options that take one (`--environment` already stored as `env`). */
  readonly values: Readonly<Record<string, string>>;
  readonly flags: ReadonlySet<string>;
}

export interface CommandContext {
  /** Where the deploy records (dist/deploy/<env>/<service>/*.json) live: PLATFORM_REPO_ROOT when set. */
  readonly repoRoot: string;
  /** This checkout: the stacks CLI, git, nx. */
  readonly workspace: string;
  /** process.env with the toolchain's facts applied (commandEnvironment). */
  readonly environ: NodeJS.ProcessEnv;
}

export interface CommandSpec {
  /** What the command does; usage shows each line under the command's synopsis. */
  readonly summary: string;
  readonly options: OptionSpecs;
  /** Resolves to the process's exit code. */
  run(args: CommandArgs, context: CommandContext): Promise<number>;
}

/** A mistake in the command line: the CLI prints the usage text after the message. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
