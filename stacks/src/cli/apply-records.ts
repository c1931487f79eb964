/**
 * The byte-identical skip of `apply --skip-unchanged`: a stack whose synthesized JSON, state and
 * upstream states are those of its last successful apply from this checkout is not planned again.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  readStackApplyRecord,
  type StackApplyRecord,
  stackApplyRecordFile,
  writeJsonFile,
} from "@platform/toolchain";
import { type SynthesizedStack, upstreamOf } from "./stack-order";
import { CODE_ROOT, type Workspace } from "./workspace";

/** sha256 (hex) of the stack's synthesized `cdk.tf.json`. */
export function synthSha256(stack: SynthesizedStack): string {
  return createHash("sha256")
    .update(fs.readFileSync(path.join(stack.dir, "cdk.tf.json")))
    .digest("hex");
}

/** `git rev-parse HEAD` (+ `-dirty` on a changed tree), or "unknown" outside a git checkout. */
export function checkoutSha(repoRoot: string): string {
  try {
    const git = (args: string[]) => execFileSync("git", args, { cwd: repoRoot, encoding: "utf8" }).trim();
    const sha = git(["rev-parse", "HEAD"]);
    return git(["status", "--porcelain"]).length > 0 ? `${sha}-dirty` : sha;
  } catch {
    return "unknown";
  }
}

function recordFile(ws: Workspace, stack: SynthesizedStack): string {
  return stackApplyRecordFile(ws.synth.settings.repoRoot, ws.env, stack.name);
}

async function upstreamStates(ws: Workspace, stack: SynthesizedStack): Promise<Record<string, string>> {
  const states: Record<string, string> = {};
  for (const name of [...upstreamOf(ws.all, stack.name)].sort())
    states[name] = (await ws.stateIdentity(ws.stack(name))) ?? "none";
  return states;
}

/**
 * Why the stack must be planned, or the record it is unchanged since. `appliedThisRun` holds the stacks
 * this run changed: a downstream stack reads their new outputs, so it is planned.
 */
export async function unchangedSince(
  ws: Workspace,
  stack: SynthesizedStack,
  appliedThisRun: ReadonlySet<string>,
): Promise<{ readonly record: StackApplyRecord } | { readonly reason: string }> {
  // A local plan takes seconds and is the only thing that sees a container removed behind Terraform's back.
  if (ws.synth.kind === "local")
    return { reason: "local stacks are always planned (a plan sees removed containers)" };
  const record = readStackApplyRecord(recordFile(ws, stack));
  if (!record) return { reason: "no apply recorded from this checkout" };
  if (record.synthSha256 !== synthSha256(stack)) return { reason: "its synthesized JSON changed" };
  const changedUpstream = [...upstreamOf(ws.all, stack.name)].filter((u) => appliedThisRun.has(u));
  if (changedUpstream.length > 0) return { reason: `${changedUpstream.join(", ")} changed in this run` };
  if ((await ws.stateIdentity(stack)) !== record.state) return { reason: "its state changed since" };
  const upstream = await upstreamStates(ws, stack);
  const moved = Object.keys(upstream).filter((u) => upstream[u] !== record.upstreamStates[u]);
  if (moved.length > 0) return { reason: `the state of ${moved.join(", ")} changed since` };
  return { record };
}

/** After a successful apply (or a plan with no changes) of the whole stack: what a later skip compares. */
export async function recordApply(
  ws: Workspace,
  stack: SynthesizedStack,
  stateChanged: boolean,
): Promise<void> {
  const state = await ws.stateIdentity(stack, stateChanged);
  if (!state) return;
  const record: StackApplyRecord = {
    stack: stack.name,
    environment: ws.env,
    synthSha256: synthSha256(stack),
    gitSha: checkoutSha(CODE_ROOT),
    state,
    upstreamStates: await upstreamStates(ws, stack),
    appliedAt: new Date().toISOString(),
  };
  writeJsonFile(recordFile(ws, stack), record);
}

/** After a destroy: the stack's record no longer describes anything. */
export function forgetApply(ws: Workspace, stack: SynthesizedStack): void {
  fs.rmSync(recordFile(ws, stack), { force: true });
}
