import { Token } from "cdktf";

/** Docker object names (containers, networks, volumes): what the engine accepts, kept short. */
const DOCKER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/;
/** A DNS label: network aliases are resolved through Docker's embedded DNS. */
const DNS_LABEL = /^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** POSIX-style environment variable names. */
const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function requireDockerName(prop: string, value: string): string {
  if (!DOCKER_NAME.test(value)) {
    throw new Error(
      `${prop} must match ${DOCKER_NAME} (a Docker object name, at most 63 characters); got "${value}"`,
    );
  }
  return value;
}

export function requireDnsLabel(prop: string, value: string): string {
  if (!DNS_LABEL.test(value)) {
    throw new Error(
      `${prop} must be a DNS label (lowercase letters, digits and "-", starting with a letter, at most 63 characters); got "${value}"`,
    );
  }
  return value;
}

export function requireIntegerInRange(prop: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${prop} must be an integer from ${min} to ${max}; got ${value}`);
  }
  return value;
}

export function requireOneOf<T extends string>(prop: string, value: T, allowed: readonly T[]): T {
  if (!allowed.includes(value)) {
    throw new Error(`${prop} must be one of ${allowed.map((a) => `"${a}"`).join(", ")}; got "${value}"`);
  }
  return value;
}

export function requireEnvKeys(prop: string, values: Readonly<Record<string, string>>): void {
  for (const key of Object.keys(values)) {
    if (!ENV_KEY.test(key)) {
      throw new Error(`${prop} key "${key}" must match ${ENV_KEY} (an environment variable name)`);
    }
  }
}

/**
 * Secrets must come from Terraform (e.g. a sensitive variable): a literal string here would be a
 * secret written into source code.
 */
export function requireToken(prop: string, value: string): string {
  if (!Token.isUnresolved(value)) {
    throw new Error(
      `${prop} must be a Terraform token such as a sensitive TerraformVariable (see localSecretVariable), not a literal string: secrets never live in code`,
    );
  }
  return value;
}

const LABEL_KEY = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,127}$/;

export function requireLabels(
  prop: string,
  labels: Readonly<Record<string, string>>,
): Readonly<Record<string, string>> {
  for (const key of Object.keys(labels)) {
    if (!LABEL_KEY.test(key)) throw new Error(`${prop} key "${key}" must match ${LABEL_KEY}`);
    if (key.startsWith("platform.")) {
      throw new Error(`${prop} key "${key}" uses the reserved "platform." prefix (set by the constructs)`);
    }
  }
  return labels;
}

/** Labels on every Docker object the constructs create, so they can be found (`docker ps --filter label=...`). */
export function managedLabels(
  component: string,
  extra: Readonly<Record<string, string>> = {},
): { label: string; value: string }[] {
  return [
    { label: "platform.managed-by", value: "cdktf" },
    { label: "platform.component", value: component },
    ...Object.entries(extra).map(([label, value]) => ({ label, value })),
  ];
}
