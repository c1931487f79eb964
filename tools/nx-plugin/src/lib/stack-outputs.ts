import { existsSync } from "node:fs";
import { parseJsonObject } from "@platform/toolchain";

/**
 * Typed reader of the stacks' outputs document (`stacks/out/outputs/<env>.json`, written by the stacks
 * CLI after every apply): `{ environment, generatedAt, stacks: { "<stack>": { "<output>": value } } }`.
 * A missing or mistyped output fails with a message naming it, the file and the command that writes it.
 */
export class StackOutputs {
  private readonly values = new Map<string, { readonly value: unknown; readonly stack: string }>();

  constructor(
    public readonly file: string,
    raw: unknown,
    private readonly producedBy: string,
  ) {
    const stacks = isObject(raw) ? raw.stacks : undefined;
    if (!isObject(stacks)) {
      throw new Error(
        `${file} must hold {"stacks": {"<stack>": {"<output>": value}}}; re-run \`${producedBy}\`.`,
      );
    }
    for (const [stack, outputs] of Object.entries(stacks)) {
      if (!isObject(outputs)) continue;
      for (const [name, value] of Object.entries(outputs)) this.values.set(name, { value, stack });
    }
  }

  static load(file: string, producedBy: string): StackOutputs {
    if (!existsSync(file)) {
      throw new Error(
        `Stack outputs ${file} do not exist; they are written by \`${producedBy}\`. Apply the stacks first.`,
      );
    }
    return new StackOutputs(file, parseJsonObject(file, producedBy), producedBy);
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  string(name: string): string {
    const v = this.get(name);
    if (typeof v === "number") return String(v);
    if (typeof v !== "string" || v.length === 0) throw this.wrongType(name, "a non-empty string", v);
    return v;
  }

  /** The first of `names` present, as a string; missing all, the error names every one of them. */
  firstString(names: readonly string[]): string {
    const present = names.find((n) => this.has(n));
    if (!present) this.get(names.join(`" or "`));
    return this.string(present ?? names[0]);
  }

  optionalString(name: string): string | undefined {
    return this.has(name) ? this.string(name) : undefined;
  }

  stringList(name: string): string[] {
    const v = this.get(name);
    if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === "string")) {
      throw this.wrongType(name, "a non-empty list of strings", v);
    }
    return v;
  }

  /** A map output of strings (e.g. environment variables). */
  record(name: string): Record<string, string> {
    const v = this.get(name);
    if (!isObject(v) || !Object.values(v).every((x) => typeof x === "string")) {
      throw this.wrongType(name, "a map of strings", v);
    }
    return v as Record<string, string>;
  }

  private get(name: string): unknown {
    const entry = this.values.get(name);
    if (!entry) {
      const known = [...this.values.keys()].sort().join(", ") || "(none)";
      throw new Error(
        `Stack output "${name}" is missing from ${this.file} (present: ${known}). ` +
          `Apply the stack that exports it (\`${this.producedBy}\`).`,
      );
    }
    return entry.value;
  }

  private wrongType(name: string, expected: string, got: unknown): Error {
    const stack = this.values.get(name)?.stack;
    return new Error(
      `Stack output "${name}"${stack ? ` of stack ${stack}` : ""} in ${this.file} must be ${expected} (got ${JSON.stringify(got)}).`,
    );
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
