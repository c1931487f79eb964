import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { App, TerraformOutput, TerraformStack, Testing } from "cdktf";
import type { Construct } from "constructs";
import { PostgresDatabase, type PostgresDatabaseProps } from "./postgres-database";

type Resource = Record<string, unknown>;

const network = { vpcId: "vpc-0123456789abcdef0", privateSubnetIds: ["subnet-a", "subnet-b"] };

function synth(
  props: Partial<PostgresDatabaseProps> = {},
  extra?: (scope: Construct, db: PostgresDatabase) => void,
) {
  const json = Testing.synthScope((scope) => {
    const db = new PostgresDatabase(scope, "db", { identifier: "app-dev", network, ...props });
    extra?.(scope, db);
  });
  const parsed = JSON.parse(json) as { resource: Record<string, Record<string, Resource>> };
  const all = (type: string): Resource[] => Object.values(parsed.resource[type] ?? {});
  const one = (type: string): Resource => {
    const list = all(type);
    expect(list).toHaveLength(1);
    return list[0];
  };
  return { all, one };
}

function make(props: Partial<PostgresDatabaseProps>) {
  return () =>
    Testing.synthScope((scope) => {
      new PostgresDatabase(scope, "db", { identifier: "app-dev", network, ...props });
    });
}

describe("PostgresDatabase defaults", () => {
  const { one, all } = synth();
  const instance = one("aws_db_instance");

  it("is never publicly accessible and lives in its own private subnet group", () => {
    expect(instance.publicly_accessible).toBe(false);
    expect(String(instance.db_subnet_group_name)).toMatch(/^\$\{aws_db_subnet_group\.[^.]+\.name\}$/);
    expect(one("aws_db_subnet_group").subnet_ids).toEqual(["subnet-a", "subnet-b"]);
  });

  it("encrypts storage and lets RDS manage the master password (no password anywhere)", () => {
    expect(instance.storage_encrypted).toBe(true);
    expect(instance.manage_master_user_password).toBe(true);
    expect(instance).not.toHaveProperty("password");
    expect(instance).not.toHaveProperty("password_wo");
  });

  it("runs PostgreSQL 16 pinned to a minor with a parameter group forcing SSL", () => {
    expect(instance.engine).toBe("postgres");
    expect(instance.engine_version).toBe("16.8");
    expect(instance.auto_minor_version_upgrade).toBe(false);
    const pg = one("aws_db_parameter_group");
    expect(pg.family).toBe("postgres16");
    expect(pg.parameter).toEqual([{ name: "rds.force_ssl", value: "1", apply_method: "immediate" }]);
    expect(String(instance.parameter_group_name)).toMatch(/^\$\{aws_db_parameter_group\.[^.]+\.name\}$/);
  });

  it("keeps backups 7 days, protects against deletion and takes a final snapshot", () => {
    expect(instance.backup_retention_period).toBe(7);
    expect(instance.deletion_protection).toBe(true);
    expect(instance.skip_final_snapshot).toBe(false);
    expect(instance.final_snapshot_identifier).toBe("app-dev-final");
    expect(instance.multi_az).toBe(false);
  });

  it("uses a small validated instance with 20 GiB gp3 and no storage autoscaling", () => {
    expect(instance.instance_class).toBe("db.t4g.micro");
    expect(instance.allocated_storage).toBe(20);
    expect(instance.storage_type).toBe("gp3");
    expect(instance).not.toHaveProperty("max_allocated_storage");
    expect(instance.performance_insights_enabled).toBe(false);
  });

  it("has its own security group with no inline rules, no egress and no ingress by default", () => {
    const sg = one("aws_security_group");
    expect(sg).not.toHaveProperty("ingress");
    expect(sg).not.toHaveProperty("egress");
    expect(sg.vpc_id).toBe(network.vpcId);
    expect(instance.vpc_security_group_ids).toEqual([
      expect.stringMatching(/^\$\{aws_security_group\..+\.id\}$/),
    ]);
    expect(all("aws_vpc_security_group_ingress_rule")).toHaveLength(0);
    expect(all("aws_vpc_security_group_egress_rule")).toHaveLength(0);
  });
});

describe("PostgresDatabase handles", () => {
  it("exposes endpoint, port, database name, security group and the managed secret ARN", () => {
    let db: PostgresDatabase | undefined;
    const json = Testing.synthScope((scope) => {
      db = new PostgresDatabase(scope, "db", { identifier: "app-dev", network });
      new TerraformOutput(scope, "endpoint", { value: db.endpoint });
      new TerraformOutput(scope, "secret", { value: db.masterUserSecretArn });
      new TerraformOutput(scope, "sg", { value: db.securityGroupId });
    });
    const outputs = (JSON.parse(json) as { output: Record<string, { value: string }> }).output;
    expect(outputs.endpoint.value).toMatch(/^\$\{aws_db_instance\.[^.]+\.address\}$/);
    expect(outputs.secret.value).toMatch(
      /^\$\{aws_db_instance\.[^.]+\.master_user_secret\[0\]\.secret_arn\}$/,
    );
    expect(outputs.sg.value).toMatch(/^\$\{aws_security_group\.[^.]+\.id\}$/);
    expect(db?.port).toBe(5432);
    expect(db?.databaseName).toBe("app");
    expect(db?.masterUsername).toBe("postgres");
    expect(db?.engineMajorVersion).toBe(16);
  });
});

describe("PostgresDatabase ingress", () => {
  it("admits 5432 only from the security groups handed in (prop and allowFrom)", () => {
    const { all } = synth({ allowedSecurityGroupIds: ["sg-0123456789abcdef0"] }, (scope, db) => {
      const service = new SecurityGroup(scope, "service-sg", { name: "service" });
      db.allowFrom(service);
      db.allowFrom("sg-89abcdef");
    });
    const rules = all("aws_vpc_security_group_ingress_rule");
    expect(rules).toHaveLength(3);
    for (const rule of rules) {
      expect(rule).toMatchObject({ ip_protocol: "tcp", from_port: 5432, to_port: 5432 });
      expect(rule).not.toHaveProperty("cidr_ipv4");
      expect(rule).not.toHaveProperty("cidr_ipv6");
    }
    expect(rules.map((r) => r.referenced_security_group_id)).toEqual([
      "sg-0123456789abcdef0",
      expect.stringMatching(/^\$\{aws_security_group\.service-sg.*\.id\}$/),
      "sg-89abcdef",
    ]);
  });
});

describe("PostgresDatabase across layer stacks", () => {
  it("allowFrom with scope puts the rule in the consuming stack, so the database stack does not depend on it", () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "database-test-"));
    const app = new App({ outdir });
    const dbStack = new TerraformStack(app, "database");
    new AwsProvider(dbStack, "aws", { region: "eu-west-1" });
    const serviceStack = new TerraformStack(app, "service");
    new AwsProvider(serviceStack, "aws", { region: "eu-west-1" });
    const db = new PostgresDatabase(dbStack, "db", { identifier: "app-dev", network });
    const serviceSg = new SecurityGroup(serviceStack, "service-sg", { name: "service" });
    db.allowFrom(serviceSg, { scope: serviceStack, description: "from the service" });
    app.synth();
    const read = (stack: string) =>
      JSON.parse(fs.readFileSync(path.join(outdir, "stacks", stack, "cdk.tf.json"), "utf8")) as {
        resource: Record<string, Record<string, Resource>>;
      };
    expect(read("database").resource.aws_vpc_security_group_ingress_rule).toBeUndefined();
    const rules = Object.values(read("service").resource.aws_vpc_security_group_ingress_rule);
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({ from_port: 5432, to_port: 5432, description: "from the service" });
    expect(String(rules[0].security_group_id)).toMatch(/terraform_remote_state/);
    expect(dbStack.dependencies).not.toContain(serviceStack);
    fs.rmSync(outdir, { recursive: true, force: true });
  });
});

describe("PostgresDatabase connection helpers", () => {
  it("gives libpq variables and the managed secret's keys in the service's secrets shape", () => {
    Testing.synthScope((scope) => {
      const db = new PostgresDatabase(scope, "db", { identifier: "app-dev", network, databaseName: "posts" });
      expect(db.connectionEnvironment).toEqual({
        PGHOST: db.endpoint,
        PGPORT: "5432",
        PGDATABASE: "posts",
        PGSSLMODE: "require",
      });
      expect(db.connectionSecrets).toEqual({
        PGUSER: { arn: db.masterUserSecretArn, jsonKey: "username" },
        PGPASSWORD: { arn: db.masterUserSecretArn, jsonKey: "password" },
      });
    });
  });
});

describe("PostgresDatabase network input", () => {
  it("accepts the network construct's shape (readonly lists, extra fields) as is", () => {
    const networkRef: {
      readonly vpcId: string;
      readonly cidrBlock: string;
      readonly publicSubnetIds: readonly string[];
      readonly privateSubnetIds: readonly string[];
    } = {
      vpcId: "vpc-1",
      cidrBlock: "10.0.0.0/16",
      publicSubnetIds: ["p1", "p2"],
      privateSubnetIds: ["a", "b"],
    };
    const { one } = synth({ network: networkRef });
    expect(one("aws_db_subnet_group").subnet_ids).toEqual(["a", "b"]);
  });
});

describe("PostgresDatabase props that change behaviour", () => {
  it("multiAz, storage autoscaling, KMS key, performance insights, major 17", () => {
    const kms = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555";
    const { one } = synth({
      multiAz: true,
      allocatedStorageGiB: 50,
      maxAllocatedStorageGiB: 200,
      kmsKeyArn: kms,
      performanceInsights: true,
      performanceInsightsRetentionDays: 31,
      engineVersion: "17.2",
      instanceClass: "db.r7g.large",
    });
    const instance = one("aws_db_instance");
    expect(instance).toMatchObject({
      multi_az: true,
      allocated_storage: 50,
      max_allocated_storage: 200,
      kms_key_id: kms,
      performance_insights_enabled: true,
      performance_insights_retention_period: 31,
      performance_insights_kms_key_id: kms,
      engine_version: "17.2",
      instance_class: "db.r7g.large",
    });
    expect(one("aws_db_parameter_group").family).toBe("postgres17");
  });

  it("skipFinalSnapshot and deletionProtection can be turned off (e.g. for throwaway environments)", () => {
    const instance = synth({ skipFinalSnapshot: true, deletionProtection: false }).one("aws_db_instance");
    expect(instance.skip_final_snapshot).toBe(true);
    expect(instance.deletion_protection).toBe(false);
    expect(instance).not.toHaveProperty("final_snapshot_identifier");
  });

  it("a major-only engine version follows minors", () => {
    const instance = synth({ engineVersion: "15", autoMinorVersionUpgrade: true }).one("aws_db_instance");
    expect(instance.engine_version).toBe("15");
    expect(instance.auto_minor_version_upgrade).toBe(true);
  });
});

describe("PostgresDatabase validation", () => {
  it.each([
    ["identifier", { identifier: "App_Dev" }],
    ["network.privateSubnetIds", { network: { vpcId: "vpc-1", privateSubnetIds: ["subnet-a"] } }],
    ["engineVersion", { engineVersion: "16.x" }],
    ["engineVersion", { engineVersion: "13.12" }],
    ["instanceClass", { instanceClass: "t4g.micro" }],
    ["instanceClass", { instanceClass: "db.x1e.large" }],
    ["allocatedStorageGiB", { allocatedStorageGiB: 10 }],
    ["allocatedStorageGiB", { allocatedStorageGiB: 65537 }],
    ["maxAllocatedStorageGiB", { allocatedStorageGiB: 100, maxAllocatedStorageGiB: 50 }],
    ["storageType", { storageType: "standard" as never }],
    ["databaseName", { databaseName: "1app" }],
    ["masterUsername", { masterUsername: "rdsadmin" }],
    ["backupRetentionDays", { backupRetentionDays: 36 }],
    ["backupRetentionDays", { backupRetentionDays: -1 }],
    ["finalSnapshotIdentifier", { finalSnapshotIdentifier: "Final_Snap" }],
    ["finalSnapshotIdentifier", { skipFinalSnapshot: true, finalSnapshotIdentifier: "x-final" }],
    ["performanceInsightsRetentionDays", { performanceInsights: true, performanceInsightsRetentionDays: 30 }],
    ["performanceInsightsRetentionDays", { performanceInsightsRetentionDays: 7 }],
    ["allowedSecurityGroupIds", { allowedSecurityGroupIds: ["0.0.0.0/0"] }],
  ] as const)("rejects a bad %s", (prop, props) => {
    expect(make(props as Partial<PostgresDatabaseProps>)).toThrow(new RegExp(prop.replace(".", "\\.")));
  });

  it("names the allowed majors when the engine version is out of range", () => {
    expect(make({ engineVersion: "18.1" })).toThrow(
      /engineVersion "18.1" has major 18; allowed majors: 14, 15, 16, 17/,
    );
  });

  it("rejects a non security group id in allowFrom", () => {
    expect(() =>
      Testing.synthScope((scope) => {
        new PostgresDatabase(scope, "db", { identifier: "app-dev", network }).allowFrom("10.0.0.0/8");
      }),
    ).toThrow(/allowFrom\(source\)/);
  });
});
