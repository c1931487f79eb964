import { spawn } from "node:child_process";
import type { StateObject } from "../lib/synthesized-environment";

/** A `terraform plan -detailed-exitcode` of one stack: 0 = no drift, 2 = changes, 1 = error. */
export interface StackDrift {
  readonly stack: string;
  readonly exitCode: number;
  readonly drifted: boolean;
  /** Terraform's "Plan: N to add, N to change, N to destroy." line, or the error's first lines. */
  readonly summary: string;
  /** What the plan would do, per resource: `aws_ecs_service.x will be updated in-place` (empty without drift). */
  readonly changes: readonly string[];
}

export interface TerraformRunner {
  /** Binary: TERRAFORM_BINARY_NAME from the toolchain, else `terraform`. */
  readonly binary: string;
  /** Environment for Terraform (toolchain.env applied: TF_CLI_CONFIG_FILE, AWS_ENDPOINT_URL...). */
  readonly env: NodeJS.ProcessEnv;
}

function run(
  runner: TerraformRunner,
  args: readonly string[],
  cwd: string,
): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(runner.binary, args, { cwd, env: runner.env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.on("error", (err) => reject(new Error(`Cannot run ${runner.binary}: ${err.message}`)));
    child.on("close", (code) => resolve({ code: code ?? 1, out }));
  });
}

/** The plan's summary line from Terraform's human output. */
export function planSummaryLine(output: string): string {
  const plan = /Plan: \d+ to add, \d+ to change, \d+ to destroy\./.exec(output)?.[0];
  if (plan) return plan;
  if (/No changes\./.test(output)) return "No changes.";
  if (/Changes to Outputs:/.test(output)) return "output changes only";
  const err = output
    .split("\n")
    .filter((l) => /Error/.test(l))
    .slice(0, 2)
    .join(" ")
    .trim();
  return err || output.trim().split("\n").slice(-2).join(" ");
}

/**
 * The plan's per-resource action lines (`# <address> will be updated in-place`, `must be replaced`, ...):
 * the summary line alone does not tell an operator which resource drifted. Not the "has changed" notes
 * of Terraform's "Objects have changed outside of Terraform" section, which list refreshed objects
 * whether or not the plan acts on them.
 */
export function planResourceChanges(output: string): string[] {
  const changes: string[] = [];
  for (const line of output.split("\n")) {
    const m = /^\s*# (\S+) ((?:will|must) be .+)$/.exec(line);
    if (m) changes.push(`${m[1]} ${m[2]}`);
  }
  return changes;
}

/**
 * Plans each stack without taking the state lock (`-lock=false`: status must never block a deploy, and
 * a plan writes nothing). The stacks must be synthesized with the digest the service runs, or the
 * service stack would report the image difference as drift.
 */
export async function checkDrift(
  runner: TerraformRunner,
  stacks: readonly StateObject[],
): Promise<StackDrift[]> {
  const results: StackDrift[] = [];
  for (const s of stacks) {
    const init = await run(runner, ["init", "-input=false", "-no-color", "-reconfigure"], s.dir);
    if (init.code !== 0) {
      results.push({
        stack: s.stack,
        exitCode: 1,
        drifted: false,
        summary: `init failed: ${planSummaryLine(init.out)}`,
        changes: [],
      });
      continue;
    }
    const plan = await run(
      runner,
      ["plan", "-detailed-exitcode", "-lock=false", "-input=false", "-no-color", "-compact-warnings"],
      s.dir,
    );
    results.push({
      stack: s.stack,
      exitCode: plan.code,
      drifted: plan.code === 2,
      summary: planSummaryLine(plan.out),
      changes: plan.code === 2 ? planResourceChanges(plan.out) : [],
    });
  }
  return results;
}
