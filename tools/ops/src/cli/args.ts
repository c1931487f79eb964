/** Command-line parsing for the ops CLI. Pure. */

export const COMMANDS = [
  "promote",
  "status",
  "run-image",
  "plan-comment",
  "affected-environments",
  "deploy-affected",
  "record-apply",
  "release",
] as const;
export type Command = (typeof COMMANDS)[number];

/** Options each command accepts: name -> takes a value. */
const OPTIONS: Record<Command, Record<string, boolean>> = {
  promote: { from: true, to: true, "expect-digest": true, "dry-run": false, emulator: false, json: false },
  status: { env: true, json: false, drift: false, "database-url": true, emulator: false, "synth-dir": true },
  "run-image": { env: true, port: true, detach: false, stop: false, emulator: false, "from-record": false },
  "plan-comment": { env: true, pr: true, summary: true, "dry-run": false },
  "affected-environments": { base: true, head: true },
  "deploy-affected": { env: true, workflow: true, branch: true, before: true, "dry-run": false },
  "record-apply": { env: true, commit: true, by: true, emulator: false },
  release: { env: true, "dry-run": false },
};

/**
 * `--environment` is `--env` under another name: Nx's run-commands executor has an `env` option of its
 * own (an object), so `nx run ops:<target> -- --env dev` fails in Nx's schema check before the command
 * runs ("Property 'env' does not match the schema"). Through Nx use `-- --environment dev`.
 */
const ENV_ALIAS = "environment";

export interface ParsedArgs {
  readonly command: Command;
  readonly values: Readonly<Record<string, string>>;
  readonly flags: ReadonlySet<string>;
}

export const USAGE = `Usage: ops <command> [options]   (Nx: npx nx run ops:<command> -- [options])
  --environment <env> is the same as --env; through Nx use --environment (Nx claims --env itself)
  promote --from dev --to staging [--expect-digest sha256:..] [--dry-run] [--emulator] [--json]
      promote the digest RUNNING in --from (ECS) to --to: verify it is in the registry, write
      dist/deploy/<to>/image.json; only dev -> staging -> prod, one step at a time
  status --env <dev|staging|prod> [--json] [--drift] [--database-url URL] [--emulator] [--synth-dir DIR]
      deployed digest + git sha, task definition revision, task counts, rollout state, last migration,
      last apply (state objects + apply record), drift (terraform plan -detailed-exitcode)
  run-image --env <env> [--port 8080] [--detach] [--stop] [--emulator] [--from-record]
      pull the digest deployed in <env> and run it on 127.0.0.1 against a throwaway local PostgreSQL
  plan-comment --env <env> [--pr N] [--summary FILE] [--dry-run]
      post stacks/out/plans/<env>/summary.md as the PR's sticky plan comment for <env>
  affected-environments [--base SHA] [--head SHA]
      JSON list of AWS environments a change needs planned (also to $GITHUB_OUTPUT)
  deploy-affected --env <env> [--workflow deploy-dev.yml] [--branch main] [--before SHA] [--dry-run]
      nx affected -t deploy -c <env> from the last successfully deployed commit
  record-apply --env <env> [--commit SHA] [--by WHO] [--emulator]
      write the apply record (commit, time, digest) beside the environment's state
  release --env <env> [--dry-run]
      deploy the digest in dist/deploy/<env>/image.json: migrate, apply + wait stable, smoke
      (no build, no push; what promote hands over)`;

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const [command, ...rest] = argv;
  if (!command || !(COMMANDS as readonly string[]).includes(command)) {
    throw new Error(
      `Unknown command ${JSON.stringify(command ?? "")}; one of ${COMMANDS.join(", ")}\n${USAGE}`,
    );
  }
  const allowed = OPTIONS[command as Command];
  const values: Record<string, string> = {};
  const flags = new Set<string>();
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (!a.startsWith("--"))
      throw new Error(`Unexpected argument ${JSON.stringify(a)} for ${command}\n${USAGE}`);
    const eq = a.indexOf("=");
    const given = a.slice(2, eq === -1 ? undefined : eq);
    const name = given === ENV_ALIAS && "env" in allowed ? "env" : given;
    if (!(name in allowed)) {
      throw new Error(
        `Unknown option --${name} for ${command}; allowed: ${Object.keys(allowed)
          .map((k) => `--${k}`)
          .join(", ")}`,
      );
    }
    if (allowed[name]) {
      const v = eq === -1 ? rest[++i] : a.slice(eq + 1);
      if (v === undefined || v === "" || (eq === -1 && v.startsWith("--")))
        throw new Error(`--${given} needs a value`);
      if (values[name] !== undefined && values[name] !== v)
        throw new Error(`--${name} given twice with different values (${values[name]}, ${v})`);
      values[name] = v;
    } else {
      if (eq !== -1) throw new Error(`--${name} is a flag and takes no value`);
      flags.add(name);
    }
  }
  return { command: command as Command, values, flags };
}
