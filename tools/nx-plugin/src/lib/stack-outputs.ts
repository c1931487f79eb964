import { existsSync, readFileSync } from "node:fs";

type OutputValue = string | number | boolean | string[];

/**
 * Typed reader of the stacks' outputs file (`stacks/dist/outputs/<env>.json`). Accepts the outputs of
 * every stack of the environment, nested per stack (`{"<stack>": {"<output>": value}}`) or flat; a
 * missing or mistyped output fails with a message naming it, the file and the command that writes it.
 */
export class StackOutputs {
  private readonly values = new Map<string, { readonly value: OutputValue; readonly stack: string }>();

  constructor(
    public readonly file: string,
    raw: unknown,
    private readonly producedBy: string,
  ) {
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
      throw new Error(`${file} must hold a JSON object of stack outputs; re-run \`${producedBy}\`.`);
    }
    for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
      if (isOutputValue(value)) this.values.set(key, { value, stack: "" });
      else if (typeof value === "object" && value !== null && !Array.isArray(value)) {
        for (const [name, inner] of Object.entries(value as Record<string, unknown>)) {
          const v = unwrapTerraformOutput(inner);
          if (isOutputValue(v)) this.values.set(name, { value: v, stack: key });
        }
      }
    }
  }

  static load(file: string, producedBy: string): StackOutputs {
    if (!existsSync(file)) {
      throw new Error(
        `Stack outputs ${file} do not exist; they are written by \`${producedBy}\`. Apply the stacks first.`,
      );
    }
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, "utf8"));
    } catch (err) {
      throw new Error(
        `${file} is not valid JSON (${err instanceof Error ? err.message : err}); re-run \`${producedBy}\`.`,
      );
    }
    return new StackOutputs(file, raw, producedBy);
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

  optionalString(name: string): string | undefined {
    return this.has(name) ? this.string(name) : undefined;
  }

  stringList(name: string): string[] {
    const v = this.get(name);
    if (!Array.isArray(v) || v.length === 0) throw this.wrongType(name, "a non-empty list of strings", v);
    return v;
  }

  /** A map output (e.g. environment variables), given as an object of strings. */
  record(name: string): Record<string, string> {
    const v = this.get(name);
    if (typeof v !== "string") throw this.wrongType(name, "a JSON object of strings (as a string)", v);
    return parseRecord(v, () => this.wrongType(name, "a JSON object of strings", v));
  }

  private get(name: string): OutputValue {
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
    return new Error(
      `Stack output "${name}" in ${this.file} must be ${expected} (got ${JSON.stringify(got)}).`,
    );
  }
}

function isOutputValue(v: unknown): v is OutputValue {
  return (
    typeof v === "string" ||
    typeof v === "number" ||
    typeof v === "boolean" ||
    (Array.isArray(v) && v.every((x) => typeof x === "string"))
  );
}

/** `terraform output -json` wraps each value as {value, type, sensitive}. */
function unwrapTerraformOutput(v: unknown): unknown {
  if (typeof v === "object" && v !== null && !Array.isArray(v) && "value" in v && "type" in v) {
    return (v as { value: unknown }).value;
  }
  return v;
}

function parseRecord(text: string, fail: () => Error): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw fail();
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw fail();
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(parsed as Record<string, unknown>)) {
    if (typeof val !== "string") throw fail();
    out[k] = val;
  }
  return out;
}
