/**
 * The configurations an Nx command line asks for: `-c X`, `-cX`, `-c=X`, `--configuration X`,
 * `--configuration=X`, and the third part of a `project:target:configuration` specifier. Arguments after
 * `--` belong to the task and are not read. Pure: takes the argv words after `nx`.
 */
export function requestedConfigurations(args: readonly string[]): string[] {
  const found: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") break;
    if (arg === "-c" || arg === "--configuration") {
      const value = args[i + 1];
      if (value !== undefined && !value.startsWith("-")) found.push(value);
      i++;
    } else if (arg.startsWith("--configuration=")) {
      found.push(arg.slice("--configuration=".length));
    } else if (arg.startsWith("-c") && !arg.startsWith("--") && arg.length > 2) {
      found.push(arg.slice(arg[2] === "=" ? 3 : 2));
    } else if (!arg.startsWith("-")) {
      const parts = arg.split(":");
      if (parts.length === 3 && parts.every((part) => part.length > 0)) found.push(parts[2]);
    }
  }
  return found.filter((name) => name.length > 0);
}

/**
 * Throws naming the allowed environments for a requested configuration that is not one of them. Nx
 * itself runs a target without any configuration when it does not define the one asked for, so
 * `nx run stacks:synth -c prdo` would otherwise deploy whatever `PLATFORM_ENV` the shell holds.
 */
export function assertKnownConfigurations(args: readonly string[], environments: readonly string[]): void {
  const unknown = requestedConfigurations(args).filter((name) => !environments.includes(name));
  if (unknown.length > 0) {
    throw new Error(
      `Unknown configuration ${unknown.map((name) => JSON.stringify(name)).join(", ")}: the configurations (-c) of this workspace are the environments ${environments.join(", ")}. Nx would run the target without a configuration instead.`,
    );
  }
}
