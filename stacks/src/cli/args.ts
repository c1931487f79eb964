/** Command-line parsing for the stacks CLI. Pure: no I/O. */
import { type LayerDefinition, type LayerStackKind, layerStackName } from "@platform/toolchain";
import { assertNxConfiguration } from "../config";

export const COMMANDS = [
  "synth",
  "validate",
  "plan",
  "apply",
  "destroy",
  "state",
  "outputs",
  "bootstrap",
] as const;
export type Command = (typeof COMMANDS)[number];

export interface CliArgs {
  readonly command: Command;
  /** Environment: `--env`, else `PLATFORM_ENV`. */
  readonly env?: string;
  /** Restrict to these stacks (names like `network-dev`, or layer names like `network`). */
  readonly stacks: readonly string[];
  /** Restrict to the stacks that deploy these services (`--service sample-service`). */
  readonly services: readonly string[];
  /** Restrict to these layers' stacks (`--layer network`; stacks/layers/<layer>/layer.json). */
  readonly layers: readonly string[];
  /** apply: use the plans saved by `plan` instead of planning again. */
  readonly saved: boolean;
  /**
   * apply: only what push and migrate need (registry, network, database, and the service stack's
   * cluster + migration task family when they do not exist yet; local: the data stack). No image needed.
   */
  readonly foundation: boolean;
  /**
   * apply: leave out the stacks of services with no image (never pushed, none given): an
   * infrastructure-only deploy cannot deploy them, and their own chain will.
   */
  readonly skipUndeployed: boolean;
  /**
   * apply: skip, without a plan, each whole stack whose synthesized JSON, state and upstream states are
   * those of its last successful apply from this checkout (dist/deploy/<env>/_stacks/<stack>.json).
   */
  readonly skipUnchanged: boolean;
  /** destroy: required for prod. */
  readonly allowProd: boolean;
  /** destroy (local): also delete the data volume. */
  readonly includeData: boolean;
  /** Point at the toolchain's AWS emulator (sets AWS_ENDPOINT_URL from toolchain.env). */
  readonly emulator: boolean;
  /**
   * plan: exit code when there are changes. 2 (like `terraform plan -detailed-exitcode`) tells scripts
   * "changes" from "no changes" (0) and "error" (1); the Nx target passes 0 because Nx turns every
   * non-zero exit into a failed task.
   */
  readonly changesExitCode: number;
  /** Extra positional arguments (e.g. `state show ADDR`). */
  readonly rest: readonly string[];
}

const USAGE = `Usage: node stacks/dist/cli/main.js <command> [--env <local|dev|staging|prod>] [options] [args]
Commands:
  synth                     synthesize all stacks of the environment to stacks/cdktf.out/<env>
  validate                  terraform init -backend=false + validate of every stack (offline mirror)
  plan [--changes-exit-code 0|2]
                            init + plan -out per stack in dependency order; Markdown summary;
                            exit 0 = no changes, 2 = changes (or 0 with --changes-exit-code 0),
                            1 = error
  apply [--saved]           apply in dependency order (plans again, or applies the saved plans)
  apply --skip-undeployed   leave out services with no image (for infrastructure-only deploys)
  apply --skip-unchanged    skip stacks whose synthesized JSON and state are those of their last
                            apply from this checkout ("unchanged since <sha>, skipped")
  apply --foundation        only what push and migrate need first (no image needed): registry,
                            network, database, and the service's cluster + migration task family
                            if they do not exist yet (local: the data volume)
  destroy [--allow-prod] [--include-data]
                            destroy in reverse order (prod needs --allow-prod; local keeps the
                            database volume unless --include-data)
  state list|show ADDR|pull|outputs
                            inspect state with the backend already configured
  outputs                   write every stack's outputs to stacks/out/outputs/<env>.json
  bootstrap                 create the remote-state bucket (local state; once per account)
Options:
  --env NAME                environment (default: $PLATFORM_ENV)
  --stack NAME              only this stack (repeatable; "network" means network-<env>)
  --layer NAME              only this layer's stack (repeatable; stacks/layers/<NAME>/layer.json;
                            a layer with no stack in the environment selects nothing)
  --service NAME            only the stack that deploys this service (repeatable; AWS:
                            service-<name>-<env>; local: the app stack)
  --emulator                use the toolchain's AWS emulator (AWS_ENDPOINT_URL from toolchain.env)`;

export function usage(): string {
  return USAGE;
}

/** Parses argv (without `node script`). Throws with the usage text on bad input. */
export function parseArgs(argv: readonly string[], environ: NodeJS.ProcessEnv = {}): CliArgs {
  const [command, ...rest] = argv;
  if (!command || !(COMMANDS as readonly string[]).includes(command)) {
    throw new Error(
      `Unknown command ${JSON.stringify(command ?? "")}; one of ${COMMANDS.join(", ")}\n${USAGE}`,
    );
  }
  let env = assertNxConfiguration(environ) ?? (environ.PLATFORM_ENV || undefined);
  const stacks: string[] = [];
  const services: string[] = [];
  const layers: string[] = [];
  const positional: string[] = [];
  const flags = {
    saved: false,
    foundation: false,
    skipUndeployed: false,
    skipUnchanged: false,
    allowProd: false,
    includeData: false,
    emulator: false,
  };
  let changesExitCode = 2;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    const value = (name: string) => {
      const v = a.includes("=") ? a.slice(a.indexOf("=") + 1) : rest[++i];
      if (!v || v.startsWith("--")) throw new Error(`${name} needs a value\n${USAGE}`);
      return v;
    };
    if (a === "--env" || a.startsWith("--env=")) env = value("--env");
    else if (a === "--stack" || a.startsWith("--stack=")) stacks.push(...value("--stack").split(","));
    else if (a === "--service" || a.startsWith("--service=")) services.push(...value("--service").split(","));
    else if (a === "--layer" || a.startsWith("--layer=")) layers.push(...value("--layer").split(","));
    else if (a === "--saved") flags.saved = true;
    else if (a === "--skip-unchanged") flags.skipUnchanged = true;
    else if (a === "--foundation") flags.foundation = true;
    else if (a === "--skip-undeployed") flags.skipUndeployed = true;
    else if (a === "--allow-prod") flags.allowProd = true;
    else if (a === "--include-data") flags.includeData = true;
    else if (a === "--emulator") flags.emulator = true;
    else if (a === "--changes-exit-code" || a.startsWith("--changes-exit-code=")) {
      const v = value("--changes-exit-code");
      if (v !== "0" && v !== "2") throw new Error(`--changes-exit-code must be 0 or 2 (got ${v})\n${USAGE}`);
      changesExitCode = Number(v);
    } else if (a.startsWith("--")) throw new Error(`Unknown option ${a}\n${USAGE}`);
    else positional.push(a);
  }
  return {
    command: command as Command,
    env,
    stacks,
    services,
    layers,
    rest: positional,
    changesExitCode,
    ...flags,
  };
}

/** Resolves `--stack` values (`network` or `network-dev`) against the synthesized stack names. */
export function selectStacks(all: readonly string[], requested: readonly string[], env: string): string[] {
  if (requested.length === 0) return [...all];
  return requested.map((r) => {
    if (all.includes(r)) return r;
    if (all.includes(`${r}-${env}`)) return `${r}-${env}`;
    throw new Error(`No stack ${JSON.stringify(r)} in ${env}; stacks: ${all.join(", ")}`);
  });
}

/** The stacks that deploy `requested` services; an unknown service is refused naming the known ones. */
export function stacksOfServices(
  deployed: readonly { readonly definition: { readonly name: string }; readonly stackName: string }[],
  requested: readonly string[],
  env: string,
): string[] {
  return requested.map((name) => {
    const found = deployed.find((s) => s.definition.name === name);
    if (!found) {
      throw new Error(
        `--service ${JSON.stringify(name)}: no such service in ${env}; services: ${deployed.map((s) => s.definition.name).join(", ")} (apps/*/service.json)`,
      );
    }
    return found.stackName;
  });
}

/**
 * The stacks of the `requested` layers in `env` (a layer without a stack there contributes none); an
 * unknown layer is refused naming the known ones.
 */
export function stacksOfLayers(
  layers: readonly LayerDefinition[],
  requested: readonly string[],
  kind: LayerStackKind,
  env: string,
): string[] {
  return requested.flatMap((name) => {
    const layer = layers.find((l) => l.name === name);
    if (!layer) {
      throw new Error(
        `--layer ${JSON.stringify(name)}: no such layer; layers: ${layers.map((l) => l.name).join(", ")} (stacks/layers/*/layer.json)`,
      );
    }
    const stack = layerStackName(layer, kind, env);
    return stack ? [stack] : [];
  });
}
