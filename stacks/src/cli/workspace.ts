import * as fs from "node:fs";
import * as path from "node:path";
import { readOrCreateLocalSecret } from "@platform/local";
import { BOOTSTRAP_STACK, type SynthResult, synthEnvironment } from "../app";
import type { EnvironmentName } from "../config";
import { bootstrapStatePath } from "../stacks/bootstrap-stack";
import { LocalAppStack } from "../stacks/local-app-stack";
import { LOCAL_DB_PASSWORD_VARIABLE, localEnvironmentDir } from "../stacks/local-data-stack";
import { ServiceStack } from "../stacks/service-stack";
import type { CliArgs } from "./args";
import { selectStacks } from "./args";
import { dependencyOrder, readManifest, type SynthesizedStack } from "./stack-order";
import { runTerraform, type TerraformResult } from "./terraform";
import type { Toolchain } from "./toolchain";

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

  constructor(
    public readonly env: EnvironmentName,
    public readonly args: CliArgs,
    public readonly toolchain: Toolchain,
    options: { readonly allowDataDestroy?: boolean } = {},
  ) {
    this.synth = synthEnvironment({ env, allowDataDestroy: options.allowDataDestroy });
    // Definition order breaks ties (registry before network), dependencies decide the rest.
    const defined = this.synth.stacks.map((s) => s.node.id);
    const manifest = readManifest(this.synth.outdir).sort(
      (a, b) => defined.indexOf(a.name) - defined.indexOf(b.name),
    );
    this.all = dependencyOrder(manifest);
    this.paths = artifactPaths(this.synth.settings.repoRoot, env);
  }

  /** Stacks an operation works on: the selection (`--stack`), else all but the bootstrap stack. */
  public selected(): SynthesizedStack[] {
    const names = this.all.map((s) => s.name).filter((n) => n !== BOOTSTRAP_STACK);
    const chosen = new Set(selectStacks(names, this.args.stacks, this.env));
    return this.all.filter((s) => chosen.has(s.name));
  }

  /**
   * Stacks `apply --foundation` touches: AWS: registry, network, database and (targeted) the service;
   * local: the data stack and (targeted) the network and PostgreSQL the migration container needs.
   */
  public foundationStacks(): SynthesizedStack[] {
    if (this.synth.kind === "local")
      return this.all.filter((s) => s.name === `${this.env}-data` || s.name === this.env);
    return this.selected();
  }

  /** Resource addresses `apply --foundation` targets in a stack; undefined = the whole stack. */
  public foundationTargets(name: string): string[] | undefined {
    const stack = this.synth.stacks.find((s) => s.node.id === name);
    if (!(stack instanceof ServiceStack || stack instanceof LocalAppStack)) return undefined;
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

  public stack(name: string): SynthesizedStack {
    const s = this.all.find((x) => x.name === name);
    if (!s) throw new Error(`No stack ${name} in ${this.env}: ${this.all.map((x) => x.name).join(", ")}`);
    return s;
  }

  /** Environment for Terraform: the local environment's generated database password. */
  public terraformVars(): NodeJS.ProcessEnv {
    if (this.synth.kind !== "local") return {};
    const file = path.join(
      localEnvironmentDir(this.synth.settings.localStateDir, this.env),
      "postgres-password",
    );
    return { [`TF_VAR_${LOCAL_DB_PASSWORD_VARIABLE}`]: readOrCreateLocalSecret(file) };
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
    const doc: OutputsDocument = { environment: this.env, generatedAt: new Date().toISOString(), stacks };
    fs.mkdirSync(path.dirname(this.paths.outputsFile), { recursive: true });
    fs.writeFileSync(this.paths.outputsFile, `${JSON.stringify(doc, null, 2)}\n`);
    return doc;
  }
}

/** The outputs file: `{ environment, generatedAt, stacks: { "<stack>": { "<output>": value } } }`. */
export interface OutputsDocument {
  readonly environment: string;
  readonly generatedAt: string;
  readonly stacks: Record<string, Record<string, unknown>>;
}
