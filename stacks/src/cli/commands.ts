import * as fs from "node:fs";
import * as path from "node:path";
import { BOOTSTRAP_STACK, REGISTRY_STACK } from "../app";
import { assertImageForApply, PROXY_IMAGE } from "../image-input";
import { bootstrapStatePath } from "../stacks/bootstrap-stack";
import { forgetApply, recordApply, unchangedSince } from "./apply-records";
import {
  planExitCode,
  renderPlanMarkdown,
  type StackPlanError,
  type StackPlanSummary,
  summarizeStackPlan,
  type TerraformPlanJson,
} from "./plan-summary";
import { type SynthesizedStack, upstreamOf } from "./stack-order";
import { wasInterrupted } from "./terraform";
import type { Workspace } from "./workspace";

const log = (line: string) => process.stdout.write(`${line}\n`);

/** What `plan` records next to the saved plans, read by `apply --saved`. */
export interface SavedPlanIndex {
  readonly environment: string;
  /** The image digest each service's stack was planned with, by service name. */
  readonly images: Readonly<Record<string, string>>;
  readonly createdAt: string;
  readonly stacks: ReadonlyArray<{
    readonly name: string;
    readonly hasChanges: boolean;
    readonly planFile: string;
  }>;
}

export function synth(ws: Workspace): number {
  log(`Synthesized ${ws.all.length} stacks of ${ws.env} to ${ws.synth.outdir}:`);
  for (const s of ws.all)
    log(`  ${s.name}${s.dependencies.length ? ` (after ${s.dependencies.join(", ")})` : ""}`);
  for (const { definition, image } of ws.synth.services)
    log(
      `Image of ${definition.name}: ${image.placeholder ? "placeholder (nothing pushed yet)" : image.digest}`,
    );
  return 0;
}

/** `init -backend=false` + `validate` of every synthesized stack against the real provider schema. */
export async function validate(ws: Workspace): Promise<number> {
  let failed = 0;
  // Stacks are independent for validation: init + validate them concurrently, report in order.
  const results = await Promise.all(
    ws.all.map(async (s) => {
      await ws.init(s, { backend: false });
      return ws.terraform(s, ["validate", "-json", "-no-color"], { echo: false });
    }),
  );
  for (const [i, s] of ws.all.entries()) {
    const r = results[i];
    const parsed = JSON.parse(r.stdout || "{}") as {
      valid?: boolean;
      diagnostics?: Array<{ severity: string; summary: string; detail?: string; address?: string }>;
    };
    const problems = (parsed.diagnostics ?? []).map(
      (d) =>
        `    ${d.severity}: ${d.summary}${d.detail ? `: ${d.detail.replace(/\s+/g, " ")}` : ""}${d.address ? ` [${d.address}]` : ""}`,
    );
    if (parsed.valid) log(`valid    ${s.name}`);
    else {
      failed++;
      log(`INVALID  ${s.name}`);
    }
    for (const p of problems) log(p);
  }
  log(
    failed
      ? `${failed} of ${ws.all.length} stacks invalid`
      : `All ${ws.all.length} stacks of ${ws.env} are valid.`,
  );
  return failed ? 1 : 0;
}

interface PlannedStack {
  readonly stack: SynthesizedStack;
  readonly planFile: string;
  /** Wall time of init + plan + show. */
  readonly seconds?: number;
  readonly summary?: StackPlanSummary;
  readonly plan?: TerraformPlanJson & {
    prior_state?: { values?: { root_module?: { resources?: Array<{ mode: string }> } } };
  };
  readonly error?: string;
}

/** init + plan -out + show -json for one stack. */
async function planStack(
  ws: Workspace,
  stack: SynthesizedStack,
  planFile: string,
  extra: readonly string[] = [],
): Promise<PlannedStack> {
  try {
    await ws.init(stack);
  } catch (e) {
    return { stack, planFile, error: (e as Error).message };
  }
  fs.mkdirSync(path.dirname(planFile), { recursive: true });
  const r = await ws.terraform(stack, [
    "plan",
    "-input=false",
    "-no-color",
    "-lock-timeout=0s",
    `-out=${planFile}`,
    ...extra,
  ]);
  if (r.code !== 0)
    return { stack, planFile, error: (r.stderr || r.stdout).trim() || `terraform plan exited ${r.code}` };
  const show = await ws.terraform(stack, ["show", "-json", "-no-color", planFile], { echo: false });
  if (show.code !== 0) return { stack, planFile, error: show.stderr.trim() };
  const plan = JSON.parse(show.stdout) as PlannedStack["plan"] & TerraformPlanJson;
  return { stack, planFile, plan, summary: summarizeStackPlan(stack.name, plan) };
}

function managedPriorResources(p: PlannedStack): number {
  return (p.plan?.prior_state?.values?.root_module?.resources ?? []).filter((r) => r.mode === "managed")
    .length;
}

/** Notes for the summary: downstream stacks planned against unapplied or changing upstream stacks. */
export function upstreamNotes(
  stacks: ReadonlyArray<{ readonly name: string; readonly dependencies: readonly string[] }>,
  state: ReadonlyMap<string, { readonly hasChanges: boolean; readonly applied: boolean }>,
): Record<string, string[]> {
  const notes: Record<string, string[]> = {};
  for (const s of stacks) {
    const lines: string[] = [];
    for (const up of upstreamOf(stacks, s.name)) {
      const u = state.get(up);
      if (u && !u.applied) {
        lines.push(
          `${up} is not applied yet: this plan uses placeholder values for its outputs; apply plans this stack again after ${up}.`,
        );
      } else if (u?.hasChanges) {
        lines.push(
          `${up} has pending changes: this plan reads its current outputs; apply plans this stack again after ${up}.`,
        );
      }
    }
    if (lines.length > 0) notes[s.name] = lines;
  }
  return notes;
}

/** `plan`: every selected stack in dependency order; Markdown + JSON summary; exit 0/2/1. */
export async function plan(ws: Workspace): Promise<number> {
  const stacks = ws.selected();
  fs.rmSync(ws.paths.plansDir, { recursive: true, force: true });
  fs.mkdirSync(ws.paths.plansDir, { recursive: true });
  const planned: PlannedStack[] = [];
  for (const s of stacks) {
    log(`\n=== plan ${s.name}`);
    const started = Date.now();
    const p = {
      ...(await planStack(ws, s, path.join(ws.paths.plansDir, `${s.name}.tfplan`))),
      seconds: (Date.now() - started) / 1000,
    };
    log(`[${s.name}] planned in ${p.seconds.toFixed(1)} s`);
    planned.push(p);
    if (p.plan) fs.writeFileSync(path.join(ws.paths.plansDir, `${s.name}.plan.json`), JSON.stringify(p.plan));
    if (wasInterrupted()) break;
  }
  const summaries = planned.flatMap((p) => (p.summary ? [p.summary] : []));
  const errors: StackPlanError[] = planned.flatMap((p) =>
    p.error ? [{ stack: p.stack.name, error: p.error }] : [],
  );
  const state = new Map(
    planned.flatMap((p) =>
      p.summary
        ? [
            [
              p.stack.name,
              { hasChanges: p.summary.hasChanges, applied: managedPriorResources(p) > 0 },
            ] as const,
          ]
        : [],
    ),
  );
  const markdown = renderPlanMarkdown({
    environment: ws.env,
    stacks: summaries,
    errors,
    notes: upstreamNotes(stacks, state),
    context: [
      ...ws.synth.services.map(
        ({ definition, image }) =>
          `Image of ${definition.name}: ${image.placeholder ? "placeholder (no image pushed yet; apply needs one)" : `\`${image.digest}\``}`,
      ),
      `Target: ${ws.synth.settings.target.endpointUrl ? `AWS emulator at ${ws.synth.settings.target.endpointUrl}` : ws.synth.kind === "local" ? "local Docker engine" : "AWS"}`,
    ],
  });
  const summaryFile = path.join(ws.paths.plansDir, "summary.md");
  fs.writeFileSync(summaryFile, markdown);
  const index: SavedPlanIndex = {
    environment: ws.env,
    images: imageDigests(ws),
    createdAt: new Date().toISOString(),
    stacks: planned.map((p) => ({
      name: p.stack.name,
      hasChanges: p.summary?.hasChanges ?? true,
      planFile: p.planFile,
    })),
  };
  fs.writeFileSync(
    path.join(ws.paths.plansDir, "summary.json"),
    `${JSON.stringify({ ...index, summaries, errors }, null, 2)}\n`,
  );
  log(`\n${markdown}`);
  log(`Summary: ${path.relative(process.cwd(), summaryFile)}`);
  const code = planExitCode(summaries, errors);
  log(code === 1 ? "Result: error" : code === 2 ? "Result: changes" : "Result: no changes");
  return code === 2 ? ws.args.changesExitCode : code;
}

/** With `--skip-undeployed`: `stacks` minus those of services without an image, each named. */
function withoutUndeployed(ws: Workspace, stacks: SynthesizedStack[]): SynthesizedStack[] {
  if (!ws.args.skipUndeployed) return stacks;
  const undeployed = new Set(ws.synth.services.filter((s) => s.image.placeholder).map((s) => s.stackName));
  for (const s of ws.synth.services.filter((x) => undeployed.has(x.stackName)))
    log(`[${s.stackName}] skipped: ${s.definition.name} has no image yet (never deployed here)`);
  return stacks.filter((s) => !undeployed.has(s.name));
}

/**
 * The images `stacks` run must have been pushed: each selected service's (not for the foundation, whose
 * migration task families start from a placeholder) and, locally, the proxy's with the platform stack.
 */
function requireImages(ws: Workspace, stacks: readonly SynthesizedStack[], services: boolean): void {
  const repoRoot = ws.synth.settings.repoRoot;
  const names = new Set(stacks.map((s) => s.name));
  if (services) {
    for (const { image, slot, stackName } of ws.synth.services)
      if (names.has(stackName)) assertImageForApply(image, ws.env, repoRoot, slot);
  }
  const proxied = ws.synth.services.some((s) => s.definition.type === "web");
  if (ws.synth.proxyImage && proxied && names.has(ws.env))
    assertImageForApply(ws.synth.proxyImage, ws.env, repoRoot, PROXY_IMAGE);
}

/** The digest each service's stack was synthesized with, by service name. */
function imageDigests(ws: Workspace): Record<string, string> {
  return Object.fromEntries(ws.synth.services.map((s) => [s.definition.name, s.image.digest]));
}

function readSavedIndex(ws: Workspace): SavedPlanIndex | undefined {
  const file = path.join(ws.paths.plansDir, "summary.json");
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as SavedPlanIndex) : undefined;
}

/**
 * `apply`: in dependency order, each stack planned again (or, with `--saved`, its saved plan applied
 * when nothing upstream changed since) and applied; stops at the first failure; then writes outputs.
 */
export async function apply(ws: Workspace): Promise<number> {
  const foundation = ws.args.foundation;
  if (foundation && ws.args.saved) throw new Error("--foundation and --saved cannot be combined");
  const stacks = withoutUndeployed(ws, foundation ? ws.foundationStacks() : ws.selected());
  requireImages(ws, stacks, !foundation);
  const saved = ws.args.saved ? readSavedIndex(ws) : undefined;
  if (ws.args.saved && !saved)
    throw new Error(`--saved: no saved plans in ${ws.paths.plansDir}; run plan first`);
  const current = imageDigests(ws);
  if (saved && JSON.stringify(saved.images) !== JSON.stringify(current)) {
    throw new Error(
      `--saved: the plans were made for images ${JSON.stringify(saved.images)}, but the current inputs are ${JSON.stringify(current)}; run plan again`,
    );
  }
  const changedUpstream = new Set<string>();
  let skipped = 0;
  for (const s of stacks) {
    log(`\n=== apply ${s.name}`);
    const started = Date.now();
    const savedEntry = saved?.stacks.find((x) => x.name === s.name);
    const upstreamChangedAtPlan = [...upstreamOf(ws.all, s.name)].some(
      (u) => saved?.stacks.find((x) => x.name === u)?.hasChanges || changedUpstream.has(u),
    );
    let planFile: string;
    let hasChanges: boolean;
    const targets = foundation ? ws.foundationTargets(s.name) : undefined;
    if (targets) {
      await ws.init(s);
      const present = await ws.stateAddresses(s);
      if (targets.every((t) => present.has(t))) {
        log(`[${s.name}] foundation resources exist already: skipped (a full apply keeps them current)`);
        continue;
      }
      log(`[${s.name}] applying only the foundation: ${targets.join(", ")} (and what they depend on)`);
    }
    if (!targets && !savedEntry && ws.args.skipUnchanged) {
      const unchanged = await unchangedSince(ws, s, changedUpstream);
      if ("record" in unchanged) {
        log(`[${s.name}] unchanged since ${unchanged.record.gitSha}, skipped`);
        skipped++;
        continue;
      }
      log(`[${s.name}] planning: ${unchanged.reason}`);
    }
    if (savedEntry && !upstreamChangedAtPlan && fs.existsSync(savedEntry.planFile)) {
      await ws.init(s);
      planFile = savedEntry.planFile;
      hasChanges = savedEntry.hasChanges;
      log(`[${s.name}] applying the saved plan ${path.relative(process.cwd(), planFile)}`);
    } else {
      if (savedEntry) log(`[${s.name}] an upstream stack changed since the saved plan: planning again`);
      const p = await planStack(
        ws,
        s,
        path.join(s.dir, "apply.tfplan"),
        (targets ?? []).map((t) => `-target=${t}`),
      );
      if (p.error || !p.summary) {
        process.stderr.write(
          `[${s.name}] plan failed; stopping before anything else changes.\n${p.error ?? ""}\n`,
        );
        return wasInterrupted() ? 130 : 1;
      }
      planFile = p.planFile;
      hasChanges = p.summary.hasChanges;
      log(
        `[${s.name}] ${p.summary.add} to add, ${p.summary.change} to change, ${p.summary.replace} to replace, ${p.summary.destroy} to destroy`,
      );
    }
    if (!hasChanges) {
      log(`[${s.name}] no changes`);
      if (!targets) await recordApply(ws, s, false);
      continue;
    }
    const r = await ws.terraform(s, ["apply", "-input=false", "-no-color", "-lock-timeout=0s", planFile]);
    if (r.interrupted || wasInterrupted()) {
      process.stderr.write(
        `[${s.name}] interrupted: Terraform stopped (exit ${r.code}); the state lock was released.\n`,
      );
      return 130;
    }
    if (r.code !== 0) {
      process.stderr.write(`[${s.name}] apply failed (exit ${r.code}); stacks after it were not applied.\n`);
      return 1;
    }
    changedUpstream.add(s.name);
    if (!targets) await recordApply(ws, s, true);
    log(`[${s.name}] applied in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  if (skipped === stacks.length && fs.existsSync(ws.paths.outputsFile)) {
    log(`\nNothing applied; outputs unchanged: ${path.relative(process.cwd(), ws.paths.outputsFile)}`);
    return 0;
  }
  const doc = await ws.writeOutputs();
  log(
    `\nOutputs of ${Object.keys(doc.stacks).length} stacks: ${path.relative(process.cwd(), ws.paths.outputsFile)}`,
  );
  return 0;
}

/** `destroy`: reverse dependency order; refuses prod without --allow-prod; never the bootstrap stack. */
export async function destroy(ws: Workspace): Promise<number> {
  if (ws.env === "prod" && !ws.args.allowProd) {
    throw new Error(
      "Refusing to destroy prod: pass --allow-prod if you really mean it (nothing was changed).",
    );
  }
  const dataStack = `${ws.env}-data`;
  const explicit = ws.args.stacks.length > 0;
  // The registry serves every environment, and the local data volume outlives containers: both go only
  // when asked for by name (--stack registry) or flag (--include-data).
  const kept = (name: string) =>
    !explicit && (name === REGISTRY_STACK || (name === dataStack && !ws.args.includeData));
  const stacks = ws
    .selected()
    .filter((s) => !kept(s.name))
    .reverse();
  for (const s of ws.selected().filter((x) => kept(x.name))) {
    log(
      s.name === REGISTRY_STACK
        ? `Keeping the shared ${REGISTRY_STACK} stack (used by every environment); destroy it with --stack ${REGISTRY_STACK}.`
        : `Keeping the data volume (stack ${dataStack}); pass --include-data to delete it too.`,
    );
  }
  for (const s of stacks) {
    log(`\n=== destroy ${s.name}`);
    await ws.init(s);
    const r = await ws.terraform(s, [
      "destroy",
      "-auto-approve",
      "-input=false",
      "-no-color",
      "-lock-timeout=0s",
    ]);
    // Even a failed or interrupted destroy may have changed the state: the record describes it no more.
    forgetApply(ws, s);
    if (r.interrupted || wasInterrupted()) return 130;
    if (r.code !== 0) {
      process.stderr.write(
        `[${s.name}] destroy failed (exit ${r.code}); stacks before it were left in place.\n`,
      );
      return 1;
    }
  }
  if (fs.existsSync(ws.paths.outputsFile)) fs.rmSync(ws.paths.outputsFile);
  log(`\nDestroyed ${stacks.map((s) => s.name).join(", ")}.`);
  return 0;
}

/** `state list|show ADDR|pull|outputs` with the backend configured for the operator. */
export async function state(ws: Workspace): Promise<number> {
  const [sub, arg] = ws.args.rest;
  const stacks = ws.selected();
  switch (sub) {
    case "list": {
      for (const s of stacks) {
        const addresses = [...(await ws.stateAddresses(s))];
        log(`# ${s.name} (${addresses.length} resources)`);
        for (const a of addresses) log(`${s.name}\t${a}`);
      }
      return 0;
    }
    case "show": {
      if (!arg) throw new Error("state show needs an address: state show [<stack>:]<address>");
      const [stackName, address] =
        arg.includes(":") && !arg.startsWith("data.") ? arg.split(/:(.*)/s) : [undefined, arg];
      const candidates = stackName ? [ws.stack(stackName)] : stacks;
      for (const s of candidates) {
        await ws.init(s);
        const r = await ws.terraform(s, ["state", "show", "-no-color", address], { echo: false });
        if (r.code === 0) {
          log(`# ${s.name}`);
          process.stdout.write(r.stdout);
          return 0;
        }
      }
      throw new Error(`No resource ${address} in the state of ${candidates.map((s) => s.name).join(", ")}`);
    }
    case "pull": {
      if (stacks.length !== 1) {
        throw new Error(`state pull needs one stack: --stack <${stacks.map((s) => s.name).join("|")}>`);
      }
      await ws.init(stacks[0]);
      const r = await ws.terraform(stacks[0], ["state", "pull"], { echo: false });
      if (r.code !== 0) throw new Error(`terraform state pull failed:\n${r.stderr}`);
      process.stdout.write(r.stdout);
      return 0;
    }
    case "outputs": {
      const result: Record<string, Record<string, unknown>> = {};
      for (const s of stacks) result[s.name] = await ws.outputs(s);
      log(JSON.stringify(result, null, 2));
      return 0;
    }
    default:
      throw new Error(`state: expected list, show ADDR, pull or outputs (got ${JSON.stringify(sub ?? "")})`);
  }
}

export async function outputs(ws: Workspace): Promise<number> {
  const doc = await ws.writeOutputs();
  log(JSON.stringify(doc, null, 2));
  process.stderr.write(`Wrote ${path.relative(process.cwd(), ws.paths.outputsFile)}\n`);
  return 0;
}

export async function bootstrap(ws: Workspace): Promise<number> {
  if (ws.synth.kind !== "aws")
    throw new Error(`bootstrap is for AWS environments; ${ws.env} keeps local state`);
  await ws.bootstrap();
  log(
    `State bucket ${ws.synth.settings.state.bucket} ready in ${ws.synth.settings.state.region}; bootstrap state: ${bootstrapStatePath(ws.synth.settings)}`,
  );
  return 0;
}

export { BOOTSTRAP_STACK };
