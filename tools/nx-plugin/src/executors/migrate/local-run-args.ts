export interface LocalMigrationRunInput {
  /** Container name, so an interrupted run can be removed. */
  readonly name: string;
  /** Docker network the database is on. */
  readonly network: string;
  /** Variable names only: values travel in the docker CLI's environment, never on a command line. */
  readonly envKeys: readonly string[];
  readonly image: string;
  readonly command: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
}

/** `docker run --rm` of the migrate command, once, on the environment's network. */
export function localMigrationRunArgs(input: LocalMigrationRunInput): string[] {
  if (input.command.length === 0) throw new Error("The migrate command must not be empty.");
  const args = ["run", "--rm", "--name", input.name, "--network", input.network];
  for (const key of [...input.envKeys].sort()) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key))
      throw new Error(`Not an environment variable name: ${JSON.stringify(key)}`);
    args.push("--env", key);
  }
  for (const [k, v] of Object.entries(input.labels).sort(([a], [b]) => a.localeCompare(b)))
    args.push("--label", `${k}=${v}`);
  args.push(input.image, ...input.command);
  return args;
}
