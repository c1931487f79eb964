import { existsSync } from "node:fs";
import { parseJsonObject, serviceOutputName, serviceStackName } from "@platform/toolchain";

/** Which service's view of the outputs a chain step reads. */
export interface OutputScope {
  readonly service: string;
  readonly environment: string;
}

/** Outputs of a shared stack that a service's view also has under their plain name. */
const SERVICE_KEYED_OUTPUTS = ["repository_url", "repository_arn", "repository_name"] as const;

/**
 * Typed reader of the stacks' outputs document (`stacks/out/outputs/<env>.json`, written by the stacks
 * CLI after every apply): `{ environment, generatedAt, stacks: { "<stack>": { "<output>": value } } }`.
 * A missing or mistyped output fails with a message naming it, the file and the command that writes it.
 * With a scope it is one service's view: the layers' outputs plus its own stack's
 * (`service-<name>-<env>`), never another service's, and its registry outputs
 * (`<name>_repository_url`) also under their plain names (`repository_url`).
 */
export class StackOutputs {
  private readonly values = new Map<string, { readonly value: unknown; readonly stack: string }>();
  /** Service name -> the stack that deploys it, as the stacks CLI recorded (`services`). */
  public readonly serviceStacks: ReadonlyMap<string, string>;

  constructor(
    public readonly file: string,
    raw: unknown,
    private readonly producedBy: string,
    scope?: OutputScope,
  ) {
    const stacks = isObject(raw) ? raw.stacks : undefined;
    if (!isObject(stacks)) {
      throw new Error(
        `${file} must hold {"stacks": {"<stack>": {"<output>": value}}}; re-run \`${producedBy}\`.`,
      );
    }
    const recorded = isObject(raw) && isObject(raw.services) ? raw.services : {};
    this.serviceStacks = new Map(
      Object.entries(recorded).filter((e): e is [string, string] => typeof e[1] === "string"),
    );
    const own =
      scope && (this.serviceStacks.get(scope.service) ?? serviceStackName(scope.service, scope.environment));
    const others = new Set([...this.serviceStacks.values()].filter((s) => s !== own));
    for (const [stack, outputs] of Object.entries(stacks)) {
      if (!isObject(outputs)) continue;
      if (own && stack !== own && (others.has(stack) || stack.startsWith("service-"))) continue;
      for (const [name, value] of Object.entries(outputs)) this.values.set(name, { value, stack });
    }
    if (!scope) return;
    for (const key of SERVICE_KEYED_OUTPUTS) {
      const keyed = this.values.get(serviceOutputName(scope.service, key));
      if (keyed) this.values.set(key, keyed);
    }
  }

  static load(file: string, producedBy: string, scope?: OutputScope): StackOutputs {
    if (!existsSync(file)) {
      throw new Error(
        `Stack outputs ${file} do not exist; they are written by \`${producedBy}\`. Apply the stacks first.`,
      );
    }
    return new StackOutputs(file, parseJsonObject(file, producedBy), producedBy, scope);
  }

  /** Names of the outputs ending in `suffix`, sorted (e.g. every service's `_repository_url`). */
  namesEndingWith(suffix: string): string[] {
    return [...this.values.keys()].filter((n) => n.endsWith(suffix)).sort();
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  /** A string output; empty is refused unless `allowEmpty` (a worker's empty `service_url`). */
  string(name: string, options: { readonly allowEmpty?: boolean } = {}): string {
    const v = this.get(name);
    if (typeof v === "number") return String(v);
    if (typeof v === "string" && v.length === 0 && options.allowEmpty) return v;
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
