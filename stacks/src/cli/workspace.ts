import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { probeDockerVolume, readOrCreateVolumeSecret, VolumeSecretError } from "@platform/local";
import { readLayers } from "@platform/toolchain";
import { BOOTSTRAP_STACK, type SynthResult, synthEnvironment } from "../app";
import type { EnvironmentName } from "../config";
import type { PlatformSettings } from "../settings";
import { bootstrapStatePath } from "../stacks/bootstrap-stack";
import { LOCAL_DB_PASSWORD_VARIABLE, localEnvironmentDir } from "../stacks/local-data-stack";
import { ServiceStack } from "../stacks/service-stack";
import type { CliArgs } from "./args";
import { selectStacks, stacksOfLayers, stacksOfServices } from "./args";
import { dependencyOrder, readManifest, type SynthesizedStack } from "./stack-order";
import { runTerraform, type TerraformResult } from "./terraform";
import type { Toolchain } from "./toolchain";

/**
 * The checkout this CLI was built from (stacks/{src,dist}/cli -> the root): the layer definitions are
 * code, read from here even when PLATFORM_REPO_ROOT points the records elsewhere.
 */
export const CODE_ROOT = path.resolve(__dirname, "..", "..", "..");

/** Where the CLI writes what operators and later steps read. */
export interface ArtifactPaths {
  /** `stacks/out/plans/<env>`: saved plans, their JSON, summary.md, summary.json. */
  readonly plansDir: string;
  /** `stacks/out/outputs/<env>.json`: every stack's outputs (the migrate step reads it). */
  readonly outputsFile: string;
}

/**
 * Artifacts live in `stacks/out/` (git-ignored; `PLATFORM_STACKS_OUT_DIR` overrides), not `stacks/dist/`: Nx replaces `dist/` when it restores
 * a cached build, which would delete saved plans between `plan` and `apply`.
 */
export function artifactPaths(
  repoRoot: string,
  env: string,
  environ: NodeJS.ProcessEnv = process.env,
): ArtifactPaths {
  // PLATFORM_STACKS_OUT_DIR lets a test or a second operator keep its artifacts apart.
  const out = environ.PLATFORM_STACKS_OUT_DIR
    ? path.resolve(environ.PLATFORM_STACKS_OUT_DIR)
    : path.join(repoRoot, "stacks", "out");
  return { plansDir: path.join(out, "plans", env), outputsFile: path.join(out, "outputs", `${env}.json`) };
}

/** One CLI invocation's context: environment, synthesized stacks, Terraform. */
export class Workspace {
  public readonly synth: SynthResult;
  /** All synthesized stacks in dependency order. */
  public readonly all: readonly SynthesizedStack[];
  public readonly paths: ArtifactPaths;
  private readonly initialized = new Set<string>();
  private readonly stateIdentities = new Map<string, string | undefined>();
  private localVars?: NodeJS.ProcessEnv;

  constructor(
    public readonly env: EnvironmentName,
    public readonly args: CliArgs,
    public readonly toolchain: Toolchain,
    options: { readonly allowDataDestroy?: boolean } = {},
  ) {
    this.synth = synthEnvironment({ env, allowDataDestroy: options.allowDataDestroy });
    if (this.synth.kind === "local")
      adoptCheckoutState(this.synth.settings.repoRoot, this.synth.settings.localStateDir);
    // Definition order breaks ties (registry before network), dependencies decide the rest.
    const defined = this.synth.stacks.map((s) => s.node.id);
    const manifest = readManifest(this.synth.outdir).sort(
      (a, b) => defined.indexOf(a.name) - defined.indexOf(b.name),
    );
    this.all = dependencyOrder(manifest);
    this.paths = artifactPaths(this.synth.settings.repoRoot, env);
  }

  /**
   * Stacks an operation works on: the selection (`--stack`, and the stacks deploying the `--service`s),
   * else all but the bootstrap stack.
   */
  public selected(): SynthesizedStack[] {
    const names = this.all.map((s) => s.name).filter((n) => n !== BOOTSTRAP_STACK);
    const requested = [
      ...this.args.stacks,
      ...stacksOfServices(this.synth.services, this.args.services, this.env),
      ...stacksOfLayers(readLayers(CODE_ROOT), this.args.layers, this.synth.kind, this.env),
    ];
    // Only layers without a stack here were asked for: that selects nothing, not everything.
    if (requested.length === 0 && this.args.layers.length > 0) return [];
    const chosen = new Set(selectStacks(names, requested, this.env));
    return this.all.filter((s) => chosen.has(s.name));
  }

  /**
   * Stacks `apply --foundation` touches: AWS: registry, network, database, platform and (targeted) every
   * service's migration task family; local: the data stack and the platform stack (network, PostgreSQL,
   * proxy), no service's containers.
   */
  public foundationStacks(): SynthesizedStack[] {
    if (this.synth.kind === "local")
      return this.all.filter((s) => s.name === `${this.env}-data` || s.name === this.env);
    return this.selected();
  }

  /** Resource addresses `apply --foundation` targets in a stack; undefined = the whole stack. */
  public foundationTargets(name: string): string[] | undefined {
    const stack = this.synth.stacks.find((s) => s.node.id === name);
    if (!(stack instanceof ServiceStack)) return undefined;
    return stack.foundationResources.map((r) => `${r.terraformResourceType}.${r.friendlyUniqueId}`);
  }

  /** Addresses in a stack's state (`terraform state list`). */
  public async stateAddresses(stack: SynthesizedStack): Promise<Set<string>> {
    await this.init(stack);
    const r = await this.terraform(stack, ["state", "list", "-no-color"], { echo: false });
    // A stack never applied has no state object at all: that is an empty list, not an error.
    if (r.code !== 0 && /No state file was found/.test(r.stderr + r.stdout)) return new Set();
    if (r.code !== 0) throw new Error(`terraform state list failed for ${stack.name}:\n${r.stderr}`);
    return new Set(r.stdout.split("\n").filter(Boolean));
  }

  /**
   * `<lineage>/<serial>` of the stack's state (`terraform state pull`), or undefined when it has none;
   * pulled once per stack per run unless `fresh` (after an apply changed it).
   */
  public async stateIdentity(stack: SynthesizedStack, fresh = false): Promise<string | undefined> {
    if (!fresh && this.stateIdentities.has(stack.name)) return this.stateIdentities.get(stack.name);
    await this.init(stack);
    const r = await this.terraform(stack, ["state", "pull"], { echo: false });
    if (r.code !== 0) throw new Error(`terraform state pull failed for ${stack.name}:\n${r.stderr}`);
    const state = JSON.parse(r.stdout.trim() || "{}") as { lineage?: string; serial?: number };
    const identity = state.lineage ? `${state.lineage}/${state.serial ?? 0}` : undefined;
    this.stateIdentities.set(stack.name, identity);
    return identity;
  }

  public stack(name: string): SynthesizedStack {
    const s = this.all.find((x) => x.name === name);
    if (!s) throw new Error(`No stack ${name} in ${this.env}: ${this.all.map((x) => x.name).join(", ")}`);
    return s;
  }

  /** Environment for Terraform: the local environment's database password (see {@link localDatabasePassword}). */
  public terraformVars(): NodeJS.ProcessEnv {
    if (this.synth.kind !== "local") return {};
    this.localVars ??= localPasswordVars({
      env: this.env,
      volumeName: this.dataVolumeName(),
      settings: this.synth.settings,
      toolchain: this.toolchain,
      destroying: this.args.command === "destroy",
    });
    return this.localVars;
  }

  /** The Docker volume the local data stack creates, as synthesized (`docker_volume.*.name`). */
  public dataVolumeName(): string {
    const stack = this.stack(`${this.env}-data`);
    const doc = JSON.parse(fs.readFileSync(path.join(stack.dir, "cdk.tf.json"), "utf8")) as {
      resource?: { docker_volume?: Record<string, { name?: unknown }> };
    };
    const names = Object.values(doc.resource?.docker_volume ?? {}).map((v) => v.name);
    if (names.length !== 1 || typeof names[0] !== "string") {
      throw new Error(`Stack ${stack.name} should declare exactly one docker_volume with a literal name`);
    }
    return names[0];
  }

  public async terraform(
    stack: SynthesizedStack,
    args: readonly string[],
    options: { readonly echo?: boolean } = {},
  ): Promise<TerraformResult> {
    return runTerraform(this.toolchain, args, {
      cwd: stack.dir,
      echo: options.echo ?? true,
      prefix: `[${stack.name}] `,
      env: this.terraformVars(),
    });
  }

  /**
   * `terraform init` with the synthesized backend (once per stack per run). Under the emulator a missing
   * state bucket is created by applying the bootstrap stack first; against real AWS it is an error that
   * says to run `bootstrap`.
   */
  public async init(stack: SynthesizedStack, options: { readonly backend?: boolean } = {}): Promise<void> {
    const backend = options.backend ?? true;
    const key = `${stack.name}:${backend}`;
    if (this.initialized.has(key)) return;
    const args = ["init", "-input=false", "-no-color", backend ? "-reconfigure" : "-backend=false"];
    let r = await this.terraform(stack, args, { echo: false });
    if (r.code !== 0 && backend && /bucket does not exist|NoSuchBucket/i.test(r.stdout + r.stderr)) {
      if (!this.synth.settings.target.endpointUrl) {
        throw new Error(
          `State bucket ${this.synth.settings.state.bucket} does not exist in ${this.synth.settings.state.region}: run \`npx nx run stacks:bootstrap -c ${this.env}\` once per account (see stacks/README.md).`,
        );
      }
      process.stderr.write(
        `State bucket ${this.synth.settings.state.bucket} missing in the emulator: bootstrapping it.\n`,
      );
      // The emulator was reset: its bootstrap state describes a bucket that is gone, so start afresh
      // (otherwise Terraform plans a replacement, which prevent_destroy refuses).
      fs.rmSync(bootstrapStatePath(this.synth.settings), { force: true });
      await this.bootstrap();
      r = await this.terraform(stack, args, { echo: false });
    }
    if (r.code !== 0) {
      throw new Error(`terraform init failed for ${stack.name} (in ${stack.dir}):\n${r.stderr}${r.stdout}`);
    }
    this.initialized.add(key);
  }

  /** Creates (or updates) the state bucket with the bootstrap stack's local state. */
  public async bootstrap(): Promise<void> {
    const stack = this.stack(BOOTSTRAP_STACK);
    await this.init(stack);
    const r = await this.terraform(stack, ["apply", "-auto-approve", "-input=false", "-no-color"]);
    if (r.code !== 0) throw new Error(`bootstrap apply failed (exit ${r.code})`);
  }

  /** `terraform output -json` of a stack as name -> value. */
  public async outputs(stack: SynthesizedStack): Promise<Record<string, unknown>> {
    await this.init(stack);
    const r = await this.terraform(stack, ["output", "-json", "-no-color"], { echo: false });
    if (r.code !== 0) throw new Error(`terraform output failed for ${stack.name}:\n${r.stderr}`);
    const parsed = JSON.parse(r.stdout || "{}") as Record<string, { value: unknown }>;
    return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, v.value]));
  }

  /** Writes every stack's outputs to `stacks/out/outputs/<env>.json` and returns the document. */
  public async writeOutputs(): Promise<OutputsDocument> {
    const stacks: Record<string, Record<string, unknown>> = {};
    for (const s of this.all) {
      if (s.name === BOOTSTRAP_STACK) continue;
      stacks[s.name] = await this.outputs(s);
    }
    const services = Object.fromEntries(this.synth.services.map((s) => [s.definition.name, s.stackName]));
    const doc: OutputsDocument = {
      environment: this.env,
      generatedAt: new Date().toISOString(),
      services,
      stacks,
    };
    fs.mkdirSync(path.dirname(this.paths.outputsFile), { recursive: true });
    fs.writeFileSync(this.paths.outputsFile, `${JSON.stringify(doc, null, 2)}\n`);
    return doc;
  }
}

export interface LocalDatabasePasswordOptions {
  readonly env: string;
  /** The data volume (`local-pgdata`): the key of the secret's machine-level folder. */
  readonly volumeName: string;
  /** State folders where earlier versions kept `<env>/postgres-password` (adopted from the first that has it). */
  readonly legacyDirs: readonly string[];
  /** `destroy`: a missing secret is no error (the value opens nothing) and none is written. */
  readonly destroying?: boolean;
  /** Environment for the `docker` CLI (DOCKER_HOST from toolchain.env). */
  readonly dockerEnv?: NodeJS.ProcessEnv;
  /** Where the machine-level secrets folder is looked up (XDG_STATE_HOME, HOME). @default process.env */
  readonly environ?: NodeJS.ProcessEnv;
}

/**
 * The local PostgreSQL password lives with the data: in the machine-level folder keyed by the data
 * volume's name (`~/.local/state/fargate-platform/volumes/<env>-pgdata/postgres-password`, see
 * `readOrCreateVolumeSecret`), not in the checkout, because the volume outlives every checkout. A
 * re-clone, a second checkout or `git clean -fdx` thus reuses it; a checkout's old
 * `.local-state/<env>/postgres-password` or the running database container's password is adopted when
 * the machine-level file is missing. An unrecoverable mismatch is an error naming the ways out.
 */
export function localDatabasePassword(options: LocalDatabasePasswordOptions): string {
  const { volumeName } = options;
  const destroyCommand = `npx nx run stacks:destroy -c ${options.env} -- --include-data`;
  try {
    return readOrCreateVolumeSecret({
      volumeName,
      secretName: "postgres-password",
      legacyFiles: options.legacyDirs.map((d) =>
        path.join(localEnvironmentDir(d, options.env), "postgres-password"),
      ),
      probe: () => probeDockerVolume(volumeName, { env: options.dockerEnv, envVar: "POSTGRES_PASSWORD" }),
      destroyCommand,
      environ: options.environ,
      create: !options.destroying,
    }).value;
  } catch (error) {
    // Destroying needs the variable set, not the right value: no new secret is persisted for it.
    if (options.destroying && error instanceof VolumeSecretError)
      return randomBytes(32).toString("base64url");
    throw error;
  }
}

/**
 * Terraform's environment for a local stack: `TF_VAR_postgres_password` from {@link localDatabasePassword}
 * (the machine-level secret of the data volume). Used by the stacks CLI and by the cdktf CLI wrapper.
 */
export function localPasswordVars(options: {
  readonly env: string;
  readonly volumeName: string;
  readonly settings: PlatformSettings;
  readonly toolchain: Toolchain;
  readonly destroying?: boolean;
}): NodeJS.ProcessEnv {
  const password = localDatabasePassword({
    env: options.env,
    volumeName: options.volumeName,
    legacyDirs: [options.settings.localStateDir, checkoutStateDir(options.settings.repoRoot)],
    destroying: options.destroying,
    dockerEnv: { ...process.env, ...options.toolchain.vars },
  });
  return { [`TF_VAR_${LOCAL_DB_PASSWORD_VARIABLE}`]: password };
}

/** Where earlier versions kept the local state: the checkout's git-ignored `.local-state`. */
export function checkoutStateDir(repoRoot: string): string {
  return path.join(repoRoot, ".local-state");
}

/**
 * Copies a checkout's old `.local-state` files into the machine-level state folder where that has no
 * file of the same name yet (the machine-level file always wins; nothing is moved or deleted), so a
 * checkout that deployed before the state moved keeps managing what it created.
 */
export function adoptCheckoutState(
  repoRoot: string,
  stateDir: string,
  log: (line: string) => void = (line) => {
    process.stderr.write(`${line}\n`);
  },
): string[] {
  const from = checkoutStateDir(repoRoot);
  if (path.resolve(from) === path.resolve(stateDir) || !fs.existsSync(from)) return [];
  const copied: string[] = [];
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(from, rel), { withFileTypes: true })) {
      const r = path.join(rel, entry.name);
      if (entry.isDirectory()) walk(r);
      else if (entry.isFile() && !fs.existsSync(path.join(stateDir, r))) {
        fs.mkdirSync(path.dirname(path.join(stateDir, r)), { recursive: true, mode: 0o700 });
        fs.copyFileSync(path.join(from, r), path.join(stateDir, r), fs.constants.COPYFILE_EXCL);
        copied.push(r);
      }
    }
  };
  walk("");
  if (copied.length > 0)
    log(
      `Adopted ${copied.length} file(s) of ${from} into the machine-level state ${stateDir}: ${copied.join(", ")}`,
    );
  return copied;
}

/** The outputs file: `{ environment, generatedAt, stacks: { "<stack>": { "<output>": value } } }`. */
export interface OutputsDocument {
  readonly environment: string;
  readonly generatedAt: string;
  /** The stack that deploys each service, by service name (how a chain step finds its own outputs). */
  readonly services: Record<string, string>;
  readonly stacks: Record<string, Record<string, unknown>>;
}
