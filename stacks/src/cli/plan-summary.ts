/**
 * Turns `terraform show -json <planfile>` output into per-stack counts and a Markdown summary for a
 * pull-request comment. Pure functions: no I/O.
 */

/** The parts of Terraform's JSON plan format (format_version 1.x) used here. */
export interface TerraformPlanJson {
  readonly resource_changes?: ReadonlyArray<{
    readonly address: string;
    readonly mode: "managed" | "data";
    readonly type: string;
    readonly change: {
      readonly actions: readonly string[];
      readonly replace_paths?: ReadonlyArray<ReadonlyArray<string | number>>;
    };
    readonly action_reason?: string;
  }>;
  readonly output_changes?: Readonly<Record<string, { readonly actions: readonly string[] }>>;
  readonly errored?: boolean;
}

export type ChangeKind = "add" | "change" | "replace" | "destroy";

export interface ResourceChange {
  readonly address: string;
  readonly kind: ChangeKind;
  /** For replacements: the attributes that force it, e.g. `container_definitions`. */
  readonly forcedBy: readonly string[];
}

export interface StackPlanSummary {
  readonly stack: string;
  readonly add: number;
  readonly change: number;
  readonly replace: number;
  readonly destroy: number;
  /** Outputs that would be created, updated or removed. */
  readonly outputChanges: readonly string[];
  readonly changes: readonly ResourceChange[];
  /** True when applying would change anything (resources or outputs). */
  readonly hasChanges: boolean;
}

/** A stack whose plan failed: listed in the summary with its error. */
export interface StackPlanError {
  readonly stack: string;
  readonly error: string;
}

/** Maps Terraform's action list to one kind; `undefined` for no-op and data-source reads. */
export function classifyActions(actions: readonly string[]): ChangeKind | undefined {
  const set = new Set(actions);
  if (set.has("delete") && set.has("create")) return "replace";
  if (set.has("create")) return "add";
  if (set.has("delete")) return "destroy";
  if (set.has("update")) return "change";
  return undefined; // "no-op", "read", "forget" (leaves the object alone)
}

/** Counts and lists what a stack's plan would do. */
export function summarizeStackPlan(stack: string, plan: TerraformPlanJson): StackPlanSummary {
  const changes: ResourceChange[] = [];
  for (const rc of plan.resource_changes ?? []) {
    if (rc.mode !== "managed") continue;
    const kind = classifyActions(rc.change.actions);
    if (!kind) continue;
    const forcedBy =
      kind === "replace"
        ? (rc.change.replace_paths ?? []).map((p) => p.map(String).join(".")).filter(Boolean)
        : [];
    changes.push({ address: rc.address, kind, forcedBy });
  }
  const outputChanges = Object.entries(plan.output_changes ?? {})
    .filter(([, c]) => c.actions.some((a) => a === "create" || a === "update" || a === "delete"))
    .map(([name]) => name)
    .sort();
  const count = (k: ChangeKind) => changes.filter((c) => c.kind === k).length;
  return {
    stack,
    add: count("add"),
    change: count("change"),
    replace: count("replace"),
    destroy: count("destroy"),
    outputChanges,
    changes,
    hasChanges: changes.length > 0 || outputChanges.length > 0,
  };
}

/** Exit code contract of the plan command. */
export const PLAN_EXIT = { noChanges: 0, error: 1, changes: 2 } as const;

export function planExitCode(stacks: readonly StackPlanSummary[], errors: readonly StackPlanError[]): number {
  if (errors.length > 0) return PLAN_EXIT.error;
  return stacks.some((s) => s.hasChanges) ? PLAN_EXIT.changes : PLAN_EXIT.noChanges;
}

export interface PlanReportInput {
  readonly environment: string;
  /** In dependency order. */
  readonly stacks: readonly StackPlanSummary[];
  readonly errors?: readonly StackPlanError[];
  /** Notes per stack, e.g. that an upstream stack is not applied yet. */
  readonly notes?: Readonly<Record<string, readonly string[]>>;
  /** Extra lines under the title (image digest, target). */
  readonly context?: readonly string[];
}

const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;

function describeChange(c: ResourceChange): string {
  return c.forcedBy.length > 0
    ? `${code(c.address)} (forced by ${c.forcedBy.map(code).join(", ")})`
    : code(c.address);
}

/**
 * The Markdown summary: replacements and destroys flagged first (they can lose data or cause downtime),
 * then a table per stack, then each stack's changes by address.
 */
export function renderPlanMarkdown(input: PlanReportInput): string {
  const errors = input.errors ?? [];
  const lines: string[] = [`## Terraform plan: \`${input.environment}\``, ""];
  for (const c of input.context ?? []) lines.push(`${c}  `);
  if (input.context?.length) lines.push("");

  const risky = input.stacks.flatMap((s) =>
    s.changes.filter((c) => c.kind === "replace" || c.kind === "destroy").map((c) => ({ stack: s.stack, c })),
  );
  if (errors.length > 0) {
    lines.push(
      "> [!CAUTION]",
      `> **Plan failed for ${errors.length} stack(s):** ${errors.map((e) => code(e.stack)).join(", ")}`,
      "",
    );
  }
  if (risky.length > 0) {
    const replaces = risky.filter((r) => r.c.kind === "replace").length;
    const destroys = risky.length - replaces;
    lines.push(
      `> [!WARNING]`,
      `> **${replaces} to replace, ${destroys} to destroy.** Review these before applying:`,
    );
    for (const r of risky)
      lines.push(
        `> - ${r.c.kind === "replace" ? "replace" : "destroy"} in ${code(r.stack)}: ${describeChange(r.c)}`,
      );
    lines.push("");
  }
  const total = input.stacks.filter((s) => s.hasChanges).length;
  if (errors.length === 0 && total === 0)
    lines.push("**No changes.** Infrastructure matches the configuration.", "");

  lines.push(
    "| Stack | Add | Change | Replace | Destroy | Outputs |",
    "| --- | ---: | ---: | ---: | ---: | --- |",
  );
  for (const s of input.stacks) {
    const outputs = s.outputChanges.length > 0 ? s.outputChanges.length.toString() : "";
    lines.push(`| ${code(s.stack)} | ${s.add} | ${s.change} | ${s.replace} | ${s.destroy} | ${outputs} |`);
  }
  for (const e of errors) lines.push(`| ${code(e.stack)} | error | | | | |`);
  lines.push("");

  for (const s of input.stacks) {
    const notes = input.notes?.[s.stack] ?? [];
    if (!s.hasChanges && notes.length === 0) continue;
    lines.push(`### ${s.stack}`, "");
    for (const n of notes) lines.push(`_${n}_`, "");
    for (const kind of ["replace", "destroy", "add", "change"] as const) {
      const of = s.changes.filter((c) => c.kind === kind);
      if (of.length === 0) continue;
      lines.push(
        `<details${kind === "replace" || kind === "destroy" ? " open" : ""}><summary>${kind}: ${of.length}</summary>`,
        "",
      );
      for (const c of of) lines.push(`- ${describeChange(c)}`);
      lines.push("", "</details>", "");
    }
    if (s.outputChanges.length > 0)
      lines.push(`Outputs changing: ${s.outputChanges.map(code).join(", ")}`, "");
  }
  for (const e of errors) {
    lines.push(`### ${e.stack} (error)`, "", "```", e.error.trim(), "```", "");
  }
  return `${lines.join("\n").trimEnd()}\n`;
}
