import { Token } from "cdktf";

/** Builds errors that name the construct, the prop and what is allowed. */
export class PropErrors {
  constructor(private readonly construct: string) {}

  fail(prop: string, message: string): never {
    throw new Error(`${this.construct}: ${prop} ${message}`);
  }

  integer(prop: string, value: number, min: number, max: number): number {
    if (!Number.isInteger(value) || value < min || value > max) {
      this.fail(prop, `${value} is invalid: use an integer from ${min} to ${max}`);
    }
    return value;
  }

  /** A finite number from `min` to `max` (fractions allowed). */
  number(prop: string, value: number, min: number, max: number): number {
    if (!Number.isFinite(value) || value < min || value > max) {
      this.fail(prop, `${value} is invalid: use a number from ${min} to ${max}`);
    }
    return value;
  }

  oneOf<T extends string | number>(prop: string, value: T, allowed: readonly T[]): T {
    if (!allowed.includes(value))
      this.fail(prop, `${JSON.stringify(value)} is invalid; allowed: ${allowed.join(", ")}`);
    return value;
  }

  /** Checks a literal value against a pattern; references (tokens) are resolved later and pass. */
  pattern(prop: string, value: string, re: RegExp, what: string): string {
    if (!Token.isUnresolved(value) && !re.test(value)) this.fail(prop, `"${value}" is invalid: ${what}`);
    return value;
  }

  /** Checks the number of items of a literal list (a list reference passes). */
  minItems(prop: string, value: readonly string[], min: number, why: string): void {
    if (!Token.isUnresolved(value) && value.length < min) {
      this.fail(prop, `has ${value.length} item(s); at least ${min} needed (${why})`);
    }
  }
}

/** Escapes Terraform template sequences in literal text, leaving cdktf token markers intact. */
export function escapeTemplate(value: string): string {
  // Replacement functions, because "$$" in a replacement string means a single "$".
  return value.replace(/\$\{(?!TfToken\[)/g, () => "$${").replace(/%\{/g, () => "%%{");
}

export const SECURITY_GROUP_ID = /^sg-[0-9a-f]{8,17}$/;
export const IPV4_CIDR = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}\/(3[0-2]|[12]?\d)$/;
