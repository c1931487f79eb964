/** Environments this repository deploys; `local` runs on Docker, the rest on AWS (or the emulator). */
export const ENVIRONMENTS = ["local", "dev", "staging", "prod"] as const;
export type EnvironmentName = (typeof ENVIRONMENTS)[number];

/** AWS environments in promotion order: a digest reaches prod only through staging. */
export const PROMOTION_ORDER = ["dev", "staging", "prod"] as const;
export type AwsEnvironmentName = (typeof PROMOTION_ORDER)[number];

export function parseEnvironment(value: unknown, field: string): EnvironmentName {
  if (typeof value !== "string" || !(ENVIRONMENTS as readonly string[]).includes(value)) {
    throw new Error(
      `${field} must be one of ${ENVIRONMENTS.join(", ")} (got ${JSON.stringify(value ?? null)}).`,
    );
  }
  return value as EnvironmentName;
}

export function parseAwsEnvironment(value: unknown, field: string): AwsEnvironmentName {
  if (typeof value !== "string" || !(PROMOTION_ORDER as readonly string[]).includes(value)) {
    throw new Error(
      `${field} must be one of ${PROMOTION_ORDER.join(", ")} (got ${JSON.stringify(value ?? null)}); promotion is between AWS environments.`,
    );
  }
  return value as AwsEnvironmentName;
}
