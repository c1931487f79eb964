import { type AwsEnvironmentConfigInput, parseAwsEnvironmentConfig } from "./environment-config";
import { guardrailProblems, REGION_AZ_COUNTS } from "./guardrails";

const FILE = "stacks/src/config/test.ts";
const CERT = "arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555";

/** A production-class config that passes every guardrail. */
function prod(): AwsEnvironmentConfigInput {
  return {
    name: "prod",
    kind: "aws",
    region: "eu-west-1",
    production: true,
    accountId: "123456789012",
    certificateArn: CERT,
    network: { vpcCidr: "10.30.0.0/16", azCount: 3, natGateways: "perAz" },
    serviceDefaults: {
      cpu: 1024,
      memoryMiB: 2048,
      desiredCount: 3,
      autoscaling: { minTasks: 3, maxTasks: 12, cpuTargetPercent: 50, requestsPerTarget: 800 },
    },
    database: {
      instanceClass: "db.m6g.large",
      allocatedStorageGiB: 100,
      multiAz: true,
      deletionProtection: true,
      backupRetentionDays: 7,
    },
    logRetentionDays: 365,
  };
}

/** A development config: not production-class, single NAT, throw-away database. */
function dev(): AwsEnvironmentConfigInput {
  return {
    ...prod(),
    name: "dev",
    production: false,
    accountId: undefined,
    certificateArn: undefined,
    network: { vpcCidr: "10.10.0.0/16", azCount: 2, natGateways: "single" },
    database: {
      instanceClass: "db.t4g.micro",
      allocatedStorageGiB: 20,
      multiAz: false,
      deletionProtection: false,
      backupRetentionDays: 0,
    },
  };
}

/** Parses `base` with `edit` applied. */
function parse(base: AwsEnvironmentConfigInput, edit: (c: AwsEnvironmentConfigInput) => void = () => {}) {
  edit(base);
  return () => parseAwsEnvironmentConfig(base, FILE);
}

describe("guardrails: every AWS environment", () => {
  it("accepts prod's and dev's shapes", () => {
    expect(parse(prod())().production).toBe(true);
    expect(parse(dev())().production).toBe(false);
  });

  it("defaults production to false", () => {
    expect(parse(dev(), (c) => delete c.production)().production).toBe(false);
  });

  it("refuses more AZs than the region has, naming the region's count", () => {
    expect(parse(dev(), (c) => Object.assign(c.network, { azCount: 4 }))).toThrow(
      /Invalid environment config in stacks\/src\/config\/test\.ts:\n {2}- network\.azCount: must be at most 3, the availability zones of eu-west-1 \(got 4\)/,
    );
  });

  it("refuses a region missing from the AZ table, listing the known regions", () => {
    expect(parse(dev(), (c) => Object.assign(c, { region: "ap-south-2" }))).toThrow(
      /region: has no availability-zone count in REGION_AZ_COUNTS \(packages\/env-config\/src\/guardrails\.ts\); known regions: us-east-1, us-east-2, us-west-2, eu-west-1, eu-west-2, eu-central-1 .*\(got "ap-south-2"\)/,
    );
  });

  it("refuses a database instance class outside the list, listing the allowed classes", () => {
    expect(parse(dev(), (c) => Object.assign(c.database ?? {}, { instanceClass: "db.t3.micro" }))).toThrow(
      /database\.instanceClass: must be one of db\.t4g\.micro, db\.t4g\.small, .*, db\.r7g\.4xlarge \(got "db\.t3\.micro"\)/,
    );
  });

  it("refuses a database engine version RDS does not offer, listing the allowed versions", () => {
    expect(parse(dev(), (c) => Object.assign(c.database ?? {}, { engineVersion: "16.99" }))).toThrow(
      /database\.engineVersion: must be one of 14, 14\.17, .*, 17\.5 \(got "16\.99"\)/,
    );
  });

  it("accepts a major version alone (RDS picks the minor)", () => {
    expect(parse(dev(), (c) => Object.assign(c.database ?? {}, { engineVersion: "17" }))).not.toThrow();
  });
});

describe("guardrails: production: true", () => {
  it("does not apply to an environment without production: true", () => {
    expect(() => parse(dev())()).not.toThrow();
  });

  it("skips the database rules when there is no database", () => {
    expect(parse(prod(), (c) => delete c.database)().database).toBeUndefined();
  });

  it("requires accountId", () => {
    expect(parse(prod(), (c) => delete c.accountId)).toThrow(
      /accountId: is required in a production environment \(production: true\): the 12-digit AWS account/,
    );
  });

  it("requires HTTPS: dns or certificateArn", () => {
    expect(parse(prod(), (c) => delete c.certificateArn)).toThrow(
      /dns: \(with domain\) or certificateArn is required in a production environment \(production: true\): HTTPS needs a certificate/,
    );
    expect(() =>
      parse(prod(), (c) => {
        delete c.certificateArn;
        Object.assign(c, { dns: { zoneName: "example.com" }, domain: "app.example.com" });
      })(),
    ).not.toThrow();
  });

  it("requires a NAT gateway per AZ", () => {
    expect(parse(prod(), (c) => Object.assign(c.network, { natGateways: "single" }))).toThrow(
      /network\.natGateways: must be "perAz" in a production environment \(production: true\): one NAT gateway per AZ \(got "single"\)/,
    );
  });

  it("requires a Multi-AZ database", () => {
    expect(parse(prod(), (c) => Object.assign(c.database ?? {}, { multiAz: false }))).toThrow(
      /database\.multiAz: must be true in a production environment \(production: true\) \(got false\)/,
    );
  });

  it("requires database deletion protection", () => {
    expect(parse(prod(), (c) => Object.assign(c.database ?? {}, { deletionProtection: false }))).toThrow(
      /database\.deletionProtection: must be true in a production environment \(production: true\) \(got false\)/,
    );
  });

  it("requires 7 or more days of database backups", () => {
    expect(parse(prod(), (c) => Object.assign(c.database ?? {}, { backupRetentionDays: 6 }))).toThrow(
      /database\.backupRetentionDays: must be from 7 to 35 \(days\) in a production environment \(production: true\) \(got 6\)/,
    );
  });

  it("lists every broken guardrail at once", () => {
    const problems = guardrailProblems({
      region: "eu-west-1",
      production: true,
      network: { azCount: 2, natGateways: "none" },
      database: {
        instanceClass: "db.t4g.micro",
        engineVersion: "16.8",
        multiAz: false,
        deletionProtection: false,
        backupRetentionDays: 1,
      },
    });
    expect(problems.map((p) => p.path.join("."))).toEqual([
      "accountId",
      "dns",
      "network.natGateways",
      "database.multiAz",
      "database.deletionProtection",
      "database.backupRetentionDays",
    ]);
  });
});

describe("guardrail tables", () => {
  it("every region has at least 2 AZs (the schema's smallest azCount)", () => {
    for (const count of Object.values(REGION_AZ_COUNTS)) expect(count).toBeGreaterThanOrEqual(2);
  });
});
