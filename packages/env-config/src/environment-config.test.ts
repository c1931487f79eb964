import {
  type AwsEnvironmentConfigInput,
  EnvironmentConfigError,
  type LocalEnvironmentConfigInput,
  parseAwsEnvironmentConfig,
  parseEnvironmentConfig,
  parseSharedConfig,
} from "./environment-config";
import { describeFargateMemory, isFargateCombination } from "./fargate-sizes";

const FILE = "stacks/src/config/test.ts";

function aws(): AwsEnvironmentConfigInput {
  return {
    name: "dev",
    kind: "aws",
    region: "eu-west-1",
    network: { vpcCidr: "10.10.0.0/16", azCount: 2, natGateways: "single" },
    serviceDefaults: {
      cpu: 256,
      memoryMiB: 512,
      desiredCount: 1,
      autoscaling: { minTasks: 1, maxTasks: 2, cpuTargetPercent: 60, requestsPerTarget: 500 },
    },
    database: {
      instanceClass: "db.t4g.micro",
      allocatedStorageGiB: 20,
      multiAz: false,
      deletionProtection: false,
      backupRetentionDays: 1,
    },
    logRetentionDays: 14,
    tags: { team: "platform" },
  };
}

function local(): LocalEnvironmentConfigInput {
  return { name: "local", kind: "local", hostPort: 8080 };
}

/** Applies `edit` to a fresh valid AWS config and returns the error message of parsing it. */
function errorOf(edit: (c: Record<string, unknown> & AwsEnvironmentConfigInput) => void): string {
  const c = aws() as Record<string, unknown> & AwsEnvironmentConfigInput;
  edit(c);
  try {
    parseEnvironmentConfig(c, FILE);
  } catch (e) {
    expect(e).toBeInstanceOf(EnvironmentConfigError);
    return (e as Error).message;
  }
  throw new Error("expected the config to be rejected");
}

describe("parseEnvironmentConfig", () => {
  it("accepts a valid AWS config and applies defaults", () => {
    const c = parseAwsEnvironmentConfig(aws(), FILE);
    expect(c.database?.skipFinalSnapshot).toBe(false);
    expect(c.tags).toEqual({ team: "platform" });
  });

  it("accepts a valid local config and applies defaults", () => {
    expect(parseEnvironmentConfig(local(), FILE)).toEqual({
      name: "local",
      kind: "local",
      hostPort: 8080,
      replicas: 2,
      tags: {},
    });
  });

  it("names the file in every error", () => {
    expect(errorOf((c) => Object.assign(c, { region: "Europe" }))).toMatch(
      /^Invalid environment config in stacks\/src\/config\/test\.ts:/,
    );
  });

  it("rejects an unknown kind, listing the kinds", () => {
    expect(errorOf((c) => Object.assign(c, { kind: "gcp" }))).toMatch(
      /kind: must be one of aws, local \(got "gcp"\)/,
    );
  });

  it("rejects a bad name", () => {
    expect(errorOf((c) => Object.assign(c, { name: "Dev_1" }))).toMatch(/name: must be 1-20 characters/);
  });

  it("rejects a bad region", () => {
    expect(errorOf((c) => Object.assign(c, { region: "mars-1" }))).toMatch(
      /region: must be an AWS region name/,
    );
  });

  it("rejects a non-boolean production flag", () => {
    expect(errorOf((c) => Object.assign(c, { production: "yes" }))).toMatch(
      /production: must be true or false \(got "yes"\)/,
    );
  });

  it("rejects an account id that is not 12 digits", () => {
    expect(errorOf((c) => Object.assign(c, { accountId: "1234" }))).toMatch(
      /accountId: must be 12 digits \(got "1234"\)/,
    );
  });

  it("rejects a CIDR that is not IPv4", () => {
    expect(errorOf((c) => Object.assign(c.network, { vpcCidr: "10.0.0/16" }))).toMatch(
      /network\.vpcCidr: must be an IPv4 CIDR/,
    );
  });

  it("rejects a CIDR with host bits set", () => {
    expect(errorOf((c) => Object.assign(c.network, { vpcCidr: "10.0.1.0/16" }))).toMatch(
      /network\.vpcCidr: must have all host bits zero/,
    );
  });

  it("rejects a CIDR prefix outside /16../24", () => {
    expect(errorOf((c) => Object.assign(c.network, { vpcCidr: "10.0.0.0/8" }))).toMatch(
      /network\.vpcCidr: must have a prefix length from \/16 to \/24/,
    );
  });

  it("rejects an AZ count outside 2..6", () => {
    expect(errorOf((c) => Object.assign(c.network, { azCount: 7 }))).toMatch(
      /network\.azCount: must be an integer from 2 to 6 \(got 7\)/,
    );
  });

  it("rejects an unknown NAT mode, listing the modes", () => {
    expect(errorOf((c) => Object.assign(c.network, { natGateways: "many" }))).toMatch(
      /network\.natGateways: must be one of "none", "single", "perAz" \(got "many"\)/,
    );
  });

  it("rejects a CPU value Fargate does not offer", () => {
    expect(errorOf((c) => Object.assign(c.serviceDefaults, { cpu: 300 }))).toMatch(
      /serviceDefaults\.cpu: must be one of 256, 512, 1024, 2048, 4096, 8192, 16384 \(Fargate CPU units\) \(got 300\)/,
    );
  });

  it("rejects a memory size that does not fit the CPU, naming both and the allowed sizes", () => {
    expect(errorOf((c) => Object.assign(c.serviceDefaults, { cpu: 512, memoryMiB: 512 }))).toMatch(
      /serviceDefaults\.memoryMiB: 512 is not a Fargate size for cpu 512; allowed: 1024\.\.4096 in steps of 1024/,
    );
  });

  it("rejects a desired count outside the autoscaling range", () => {
    expect(errorOf((c) => Object.assign(c.serviceDefaults, { desiredCount: 3 }))).toMatch(
      /serviceDefaults\.desiredCount: must be between autoscaling\.minTasks \(1\) and autoscaling\.maxTasks \(2\)/,
    );
  });

  it("rejects autoscaling max below min", () => {
    expect(
      errorOf((c) => Object.assign(c.serviceDefaults.autoscaling, { minTasks: 3, maxTasks: 2 })),
    ).toMatch(/serviceDefaults\.autoscaling\.maxTasks: must be greater than or equal to minTasks/);
  });

  it("rejects a CPU target outside 10..90 percent", () => {
    expect(errorOf((c) => Object.assign(c.serviceDefaults.autoscaling, { cpuTargetPercent: 95 }))).toMatch(
      /serviceDefaults\.autoscaling\.cpuTargetPercent: must be an integer from 10 to 90/,
    );
  });

  it("rejects a non-positive requests-per-target", () => {
    expect(errorOf((c) => Object.assign(c.serviceDefaults.autoscaling, { requestsPerTarget: 0 }))).toMatch(
      /serviceDefaults\.autoscaling\.requestsPerTarget: must be an integer from 1 to 100000/,
    );
  });

  it("rejects a bad instance class", () => {
    expect(errorOf((c) => Object.assign(c.database ?? {}, { instanceClass: "t3.micro" }))).toMatch(
      /database\.instanceClass: must be an RDS instance class/,
    );
  });

  it("rejects storage below 20 GiB", () => {
    expect(errorOf((c) => Object.assign(c.database ?? {}, { allocatedStorageGiB: 10 }))).toMatch(
      /database\.allocatedStorageGiB: must be an integer from 20 to 65536 \(got 10\)/,
    );
  });

  it("rejects a non-boolean multiAz", () => {
    expect(errorOf((c) => Object.assign(c.database ?? {}, { multiAz: "yes" }))).toMatch(
      /database\.multiAz: must be true or false \(got "yes"\)/,
    );
  });

  it("requires deletionProtection", () => {
    expect(errorOf((c) => Object.assign(c.database ?? {}, { deletionProtection: undefined }))).toMatch(
      /database\.deletionProtection: is required; must be true or false/,
    );
  });

  it("rejects backup retention above 35 days", () => {
    expect(errorOf((c) => Object.assign(c.database ?? {}, { backupRetentionDays: 36 }))).toMatch(
      /database\.backupRetentionDays: must be an integer from 0 to 35/,
    );
  });

  it("rejects a log retention CloudWatch does not offer, listing the allowed values", () => {
    expect(errorOf((c) => Object.assign(c, { logRetentionDays: 10 }))).toMatch(
      /logRetentionDays: must be one of 1, 3, 5, 7, 14, 30, .*3653 \(CloudWatch Logs retention values\) \(got 10\)/,
    );
  });

  it("rejects a bad domain", () => {
    expect(errorOf((c) => Object.assign(c, { domain: "Not A Domain", certificateArn: undefined }))).toMatch(
      /domain: must be a lower-case DNS name/,
    );
  });

  it("requires a certificate when a domain is set", () => {
    expect(errorOf((c) => Object.assign(c, { domain: "app.example.com" }))).toMatch(
      /certificateArn: or dns is required when domain is set/,
    );
  });

  it("requires a domain with dns, and one in its zone", () => {
    expect(errorOf((c) => Object.assign(c, { dns: { zoneName: "example.com" } }))).toMatch(
      /domain: is required when dns is set/,
    );
    expect(
      errorOf((c) => Object.assign(c, { dns: { zoneName: "example.com" }, domain: "app.example.org" })),
    ).toMatch(/domain: must be example.com or a name under it \(dns.zoneName\)/);
  });

  it("rejects a malformed hosted zone id", () => {
    expect(
      errorOf((c) =>
        Object.assign(c, { dns: { zoneName: "example.com", hostedZoneId: "zone-1" }, domain: "example.com" }),
      ),
    ).toMatch(/dns\.hostedZoneId: must be a Route53 hosted zone id/);
  });

  it("rejects a malformed certificate ARN", () => {
    expect(errorOf((c) => Object.assign(c, { certificateArn: "arn:aws:iam::123:cert" }))).toMatch(
      /certificateArn: must be an ACM certificate ARN/,
    );
  });

  it("rejects a certificate from another region", () => {
    const arn = "arn:aws:acm:us-east-1:123456789012:certificate/abc-123";
    expect(errorOf((c) => Object.assign(c, { certificateArn: arn }))).toMatch(
      /certificateArn: must be in the environment's region eu-west-1/,
    );
  });

  it("turns ECS Exec off unless the config enables it", () => {
    expect(parseAwsEnvironmentConfig(aws(), FILE).exec).toEqual({ enabled: false });
    expect(parseAwsEnvironmentConfig({ ...aws(), exec: { enabled: true } }, FILE).exec).toEqual({
      enabled: true,
    });
  });

  it("rejects a non-boolean exec.enabled and unknown exec fields, naming them", () => {
    expect(errorOf((c) => Object.assign(c, { exec: { enabled: "yes" } }))).toMatch(
      /exec\.enabled: must be true or false \(got "yes"\)/,
    );
    expect(errorOf((c) => Object.assign(c, { exec: { enabled: true, shell: "sh" } }))).toMatch(
      /exec\.shell: is not a known field/,
    );
  });

  it("rejects non-string tag values", () => {
    expect(errorOf((c) => Object.assign(c, { tags: { team: 5 } }))).toMatch(
      /tags\.team: tag values must be strings/,
    );
  });

  it("rejects unknown fields (typos) by name", () => {
    expect(errorOf((c) => Object.assign(c.database ?? {}, { multiAZ: true }))).toMatch(
      /database\.multiAZ: is not a known field/,
    );
  });

  it("lists every problem at once", () => {
    const message = errorOf((c) => {
      Object.assign(c.network, { azCount: 1 });
      Object.assign(c, { logRetentionDays: 2 });
    });
    expect(message).toMatch(/network\.azCount/);
    expect(message).toMatch(/logRetentionDays/);
  });

  it("rejects a local host port below 1024", () => {
    expect(() => parseEnvironmentConfig({ ...local(), hostPort: 80 }, FILE)).toThrow(
      /hostPort: must be an integer from 1024 to 65535 \(got 80\)/,
    );
  });

  it("rejects more than 10 local replicas", () => {
    expect(() => parseEnvironmentConfig({ ...local(), replicas: 11 }, FILE)).toThrow(
      /replicas: must be an integer from 1 to 10/,
    );
  });

  it("parseAwsEnvironmentConfig refuses a local config", () => {
    expect(() => parseAwsEnvironmentConfig(local(), FILE)).toThrow(/kind: must be "aws" here/);
  });
});

describe("Fargate sizes", () => {
  it("accepts the documented pairs and rejects others", () => {
    expect(isFargateCombination(256, 512)).toBe(true);
    expect(isFargateCombination(256, 4096)).toBe(false);
    expect(isFargateCombination(16384, 122880)).toBe(true);
    expect(isFargateCombination(300, 512)).toBe(false);
  });

  it("describes the allowed memory per CPU", () => {
    expect(describeFargateMemory(256)).toBe("512, 1024, 2048");
    expect(describeFargateMemory(8192)).toBe("16384..61440 in steps of 4096");
  });
});

describe("parseSharedConfig", () => {
  const shared = () => ({
    stateBucket: "fargate-platform-tfstate",
    region: "eu-west-1",
    registry: { repositoryPrefix: "platform/", keepTaggedImages: 30, expireUntaggedAfterDays: 7 },
  });

  it("accepts a valid shared config", () => {
    expect(parseSharedConfig(shared(), FILE).tags).toEqual({});
  });

  it("rejects a bucket name S3 does not allow", () => {
    expect(() => parseSharedConfig({ ...shared(), stateBucket: "Bad_Bucket" }, FILE)).toThrow(
      /stateBucket: must be an S3 bucket name/,
    );
  });

  it("rejects a bad repository prefix", () => {
    expect(() =>
      parseSharedConfig(
        { ...shared(), registry: { ...shared().registry, repositoryPrefix: "Platform" } },
        FILE,
      ),
    ).toThrow(/registry\.repositoryPrefix: must be empty or ECR namespace segments each ending in '\/'/);
  });
});
