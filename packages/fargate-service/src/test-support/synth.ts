import { Testing } from "cdktf";
import type { Construct } from "constructs";

/** A synthesized resource block, as cdktf renders it (snake_case attributes). */
export type Resource = Record<string, unknown>;

interface Synthesized {
  resource?: Record<string, Record<string, Resource>>;
  output?: Record<string, { value: unknown }>;
}

/** Synthesizes `build` in a test scope and returns lookups by resource type (tests only). */
export function synthResources(build: (scope: Construct) => void) {
  const json = Testing.synthScope(build);
  const parsed = JSON.parse(json) as Synthesized;
  const resources = parsed.resource ?? {};
  const all = (type: string): Resource[] => Object.values(resources[type] ?? {});
  const one = (type: string): Resource => {
    const list = all(type);
    if (list.length !== 1) throw new Error(`expected one ${type}, found ${list.length}`);
    return list[0];
  };
  return { json, all, one, outputs: parsed.output ?? {} };
}

/** Matches a whole-string Terraform reference to a resource (or data source) of `type`. */
export const ref = (type: string): RegExp => new RegExp(`^\\$\\{${type.replace(/\./g, "\\.")}\\.[^}]+\\}$`);

/** A literal network for tests: a VPC with two public and two private subnets. */
export const TEST_NETWORK = {
  vpcId: "vpc-0123456789abcdef0",
  publicSubnetIds: ["subnet-pub-a", "subnet-pub-b"],
  privateSubnetIds: ["subnet-priv-a", "subnet-priv-b"],
};

/** A literal ECR image by digest for tests. */
export const TEST_IMAGE = {
  repositoryUrl: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/sample-service",
  digest: `sha256:${"0123456789abcdef".repeat(4)}`,
};
