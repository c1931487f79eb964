import { DbInstance } from "@cdktf/provider-aws/lib/db-instance";
import { DbParameterGroup } from "@cdktf/provider-aws/lib/db-parameter-group";
import { DbSubnetGroup } from "@cdktf/provider-aws/lib/db-subnet-group";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Token } from "cdktf";
import { Construct } from "constructs";

/**
 * The part of a network the database needs. The network construct satisfies it structurally
 * (`vpcId`, `privateSubnetIds`), so a `Network` can be passed as is.
 */
export interface DatabaseNetwork {
  readonly vpcId: string;
  /** Private subnets, in at least two availability zones (an RDS subnet group requires two). */
  readonly privateSubnetIds: readonly string[];
}

/** Anything with a security group id, e.g. a `SecurityGroup` resource. */
export interface SecurityGroupRef {
  readonly id: string;
}

/** Instance families accepted by `instanceClass` (current-generation, PostgreSQL-capable). */
export const ALLOWED_INSTANCE_FAMILIES = [
  "t3",
  "t4g",
  "m5",
  "m6g",
  "m6i",
  "m7g",
  "m7i",
  "r5",
  "r6g",
  "r6i",
  "r7g",
  "r7i",
] as const;

/** Sizes accepted by `instanceClass`. */
export const ALLOWED_INSTANCE_SIZES = [
  "micro",
  "small",
  "medium",
  "large",
  "xlarge",
  "2xlarge",
  "4xlarge",
  "8xlarge",
  "12xlarge",
  "16xlarge",
  "24xlarge",
] as const;

/** PostgreSQL major versions accepted by `engineVersion`. */
export const SUPPORTED_POSTGRES_MAJORS = [14, 15, 16, 17] as const;

/** Storage types accepted by `storageType`. */
export const ALLOWED_STORAGE_TYPES = ["gp2", "gp3", "io1", "io2"] as const;
export type StorageType = (typeof ALLOWED_STORAGE_TYPES)[number];

/** Retention values RDS accepts for Performance Insights besides multiples of 31 up to 713. */
const PERFORMANCE_INSIGHTS_RETENTION_DAYS = [7, 731] as const;

export const POSTGRES_PORT = 5432;

export interface PostgresDatabaseProps {
  /**
   * RDS instance identifier; also prefixes the subnet group, parameter group and security group.
   * Lower-case letters, digits and single hyphens, starting with a letter, at most 50 characters.
   */
  readonly identifier: string;
  /** VPC and private subnets the instance lives in. */
  readonly network: DatabaseNetwork;
  /**
   * PostgreSQL version: `major.minor` pinned (e.g. "16.8") or a major alone ("16") to let RDS choose
   * and auto-upgrade minors. Major must be 14..17.
   * @default "16.8"
   */
  readonly engineVersion?: string;
  /**
   * Apply minor engine upgrades automatically in the maintenance window. Off by default because
   * a pinned minor plus automatic upgrades makes Terraform show drift; use a major-only
   * `engineVersion` with this on to follow minors.
   * @default false
   */
  readonly autoMinorVersionUpgrade?: boolean;
  /**
   * Instance class `db.<family>.<size>`; family one of ALLOWED_INSTANCE_FAMILIES, size one of
   * ALLOWED_INSTANCE_SIZES.
   * @default "db.t4g.micro"
   */
  readonly instanceClass?: string;
  /**
   * Initial storage in GiB, integer 20..65536.
   * @default 20
   */
  readonly allocatedStorageGiB?: number;
  /**
   * Upper bound for storage autoscaling in GiB, >= allocatedStorageGiB and <= 65536.
   * @default undefined (storage autoscaling off)
   */
  readonly maxAllocatedStorageGiB?: number;
  /**
   * Storage type, one of gp2, gp3, io1, io2.
   * @default "gp3"
   */
  readonly storageType?: StorageType;
  /**
   * KMS key for storage encryption. Storage is always encrypted; this only picks the key.
   * @default undefined (the AWS-managed `aws/rds` key)
   */
  readonly kmsKeyArn?: string;
  /**
   * Name of the database created on the instance: a letter then letters, digits or underscores,
   * at most 63 characters.
   * @default "app"
   */
  readonly databaseName?: string;
  /**
   * Master user name (its password is generated and kept by RDS in Secrets Manager). Same
   * character rules as databaseName, not "rdsadmin".
   * @default "postgres"
   */
  readonly masterUsername?: string;
  /**
   * Days of automated backups, integer 0..35 (0 disables backups).
   * @default 7
   */
  readonly backupRetentionDays?: number;
  /**
   * Refuse to delete the instance until this is turned off.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * Skip the final snapshot on deletion. By default one is taken, named `<identifier>-final`.
   * @default false
   */
  readonly skipFinalSnapshot?: boolean;
  /**
   * Name of the final snapshot taken on deletion; same character rules as identifier.
   * @default "<identifier>-final"
   */
  readonly finalSnapshotIdentifier?: string;
  /**
   * Run a synchronous standby in a second availability zone.
   * @default false
   */
  readonly multiAz?: boolean;
  /**
   * Turn on Performance Insights.
   * @default false
   */
  readonly performanceInsights?: boolean;
  /**
   * Performance Insights retention: 7, 731 or a multiple of 31 up to 713. Only with
   * performanceInsights.
   * @default 7
   */
  readonly performanceInsightsRetentionDays?: number;
  /**
   * Security groups admitted on 5432 (e.g. the service's and the migration task's). More can be
   * added with `allowFrom`. Literal ids must look like `sg-...`.
   * @default []
   */
  readonly allowedSecurityGroupIds?: readonly string[];
  /**
   * Apply modifications at once instead of in the next maintenance window.
   * @default false
   */
  readonly applyImmediately?: boolean;
  /**
   * Tags on every resource this construct creates (on top of the provider's default tags).
   * @default {}
   */
  readonly tags?: Record<string, string>;
}

const DEFAULTS = {
  engineVersion: "16.8",
  instanceClass: "db.t4g.micro",
  allocatedStorageGiB: 20,
  storageType: "gp3",
  databaseName: "app",
  masterUsername: "postgres",
  backupRetentionDays: 7,
  performanceInsightsRetentionDays: 7,
} as const;

const MAX_STORAGE_GIB = 65536;
const IDENTIFIER = /^[a-z](?!.*--)[a-z0-9-]{0,49}$/;
const SQL_NAME = /^[A-Za-z][A-Za-z0-9_]{0,62}$/;
const SECURITY_GROUP_ID = /^sg-[0-9a-f]{8,17}$/;

/**
 * RDS PostgreSQL with secure defaults: private subnets only, never publicly accessible,
 * encrypted storage, the master password generated and held by RDS in Secrets Manager, SSL forced,
 * backups, deletion protection and a final snapshot. Only security groups handed in reach 5432.
 */
export class PostgresDatabase extends Construct {
  public readonly instance: DbInstance;
  public readonly subnetGroup: DbSubnetGroup;
  public readonly parameterGroup: DbParameterGroup;
  public readonly securityGroup: SecurityGroup;
  /** Security group id of the database (shorthand for `securityGroup.id`). */
  public readonly securityGroupId: string;
  /** Host name clients connect to (the instance address, without port). */
  public readonly endpoint: string;
  public readonly port: number = POSTGRES_PORT;
  public readonly databaseName: string;
  public readonly masterUsername: string;
  /** Secrets Manager ARN of the RDS-managed master secret (JSON with `username` and `password`). */
  public readonly masterUserSecretArn: string;
  /** PostgreSQL major version, e.g. 16. */
  public readonly engineMajorVersion: number;

  private ingressRuleCount = 0;

  constructor(scope: Construct, id: string, props: PostgresDatabaseProps) {
    super(scope, id);
    const p = validate(props);
    this.engineMajorVersion = p.major;
    this.databaseName = p.databaseName;
    this.masterUsername = p.masterUsername;
    const tags = props.tags;

    this.subnetGroup = new DbSubnetGroup(this, "subnet-group", {
      name: `${props.identifier}-db`,
      description: `Private subnets of ${props.identifier}`,
      // Providers type lists as mutable; they never mutate them (and a list token must stay as is).
      subnetIds: props.network.privateSubnetIds as string[],
      tags,
    });

    // No inline rules: Terraform then removes the default allow-all egress, and the database
    // needs none (replies to admitted connections are allowed by the stateful group).
    this.securityGroup = new SecurityGroup(this, "security-group", {
      name: `${props.identifier}-db`,
      description: `PostgreSQL ${props.identifier}: 5432 from admitted security groups only`,
      vpcId: props.network.vpcId,
      tags,
    });
    this.securityGroupId = this.securityGroup.id;

    // name_prefix + create_before_destroy: a major upgrade changes the family, which replaces
    // the group while the instance still uses the old one.
    this.parameterGroup = new DbParameterGroup(this, "parameter-group", {
      namePrefix: `${props.identifier}-pg${p.major}-`,
      family: `postgres${p.major}`,
      description: `PostgreSQL ${p.major} for ${props.identifier}: SSL required`,
      parameter: [{ name: "rds.force_ssl", value: "1", applyMethod: "immediate" }],
      lifecycle: { createBeforeDestroy: true },
      tags,
    });

    this.instance = new DbInstance(this, "instance", {
      identifier: props.identifier,
      engine: "postgres",
      engineVersion: p.engineVersion,
      autoMinorVersionUpgrade: props.autoMinorVersionUpgrade ?? false,
      instanceClass: p.instanceClass,
      allocatedStorage: p.allocatedStorageGiB,
      maxAllocatedStorage: props.maxAllocatedStorageGiB,
      storageType: p.storageType,
      storageEncrypted: true,
      kmsKeyId: props.kmsKeyArn,
      dbName: p.databaseName,
      username: p.masterUsername,
      manageMasterUserPassword: true,
      port: POSTGRES_PORT,
      dbSubnetGroupName: this.subnetGroup.name,
      vpcSecurityGroupIds: [this.securityGroup.id],
      parameterGroupName: this.parameterGroup.name,
      publiclyAccessible: false,
      multiAz: props.multiAz ?? false,
      backupRetentionPeriod: p.backupRetentionDays,
      copyTagsToSnapshot: true,
      deletionProtection: props.deletionProtection ?? true,
      skipFinalSnapshot: props.skipFinalSnapshot ?? false,
      finalSnapshotIdentifier: p.finalSnapshotIdentifier,
      performanceInsightsEnabled: props.performanceInsights ?? false,
      performanceInsightsRetentionPeriod: props.performanceInsights
        ? p.performanceInsightsRetentionDays
        : undefined,
      performanceInsightsKmsKeyId: props.performanceInsights ? props.kmsKeyArn : undefined,
      applyImmediately: props.applyImmediately ?? false,
      tags,
    });

    this.endpoint = this.instance.address;
    this.masterUserSecretArn = this.instance.masterUserSecret.get(0).secretArn;

    for (const sg of props.allowedSecurityGroupIds ?? []) this.allowFrom(sg);
  }

  /**
   * Admit PostgreSQL connections (tcp/5432) from a security group, e.g. the service's and the
   * migration task's. Returns the created rule.
   *
   * With per-layer stacks, pass `scope` (e.g. the service stack) to create the rule there: the
   * database stack then does not depend on the stack that owns the source security group.
   */
  public allowFrom(
    source: string | SecurityGroupRef,
    options: AllowFromOptions = {},
  ): VpcSecurityGroupIngressRule {
    const sourceId = typeof source === "string" ? source : source.id;
    assertSecurityGroupId(sourceId, "allowFrom(source)");
    this.ingressRuleCount += 1;
    const scope = options.scope ?? this;
    const id = options.scope
      ? `${this.node.id}-postgres-from-${this.ingressRuleCount}`
      : `allow-from-${this.ingressRuleCount}`;
    return new VpcSecurityGroupIngressRule(scope, id, {
      securityGroupId: this.securityGroup.id,
      referencedSecurityGroupId: sourceId,
      ipProtocol: "tcp",
      fromPort: POSTGRES_PORT,
      toPort: POSTGRES_PORT,
      description: options.description ?? "PostgreSQL from an admitted security group",
    });
  }

  /**
   * Non-secret libpq variables for a client container: PGHOST, PGPORT, PGDATABASE, and
   * PGSSLMODE=require because the server refuses unencrypted connections (rds.force_ssl=1).
   */
  public get connectionEnvironment(): Record<string, string> {
    return {
      PGHOST: this.endpoint,
      PGPORT: String(POSTGRES_PORT),
      PGDATABASE: this.databaseName,
      PGSSLMODE: "require",
    };
  }

  /**
   * PGUSER and PGPASSWORD as keys of the RDS-managed secret, in the `{ arn, jsonKey }` shape the
   * fargate-service `secrets` prop takes.
   */
  public get connectionSecrets(): Record<"PGUSER" | "PGPASSWORD", { arn: string; jsonKey: string }> {
    return {
      PGUSER: { arn: this.masterUserSecretArn, jsonKey: "username" },
      PGPASSWORD: { arn: this.masterUserSecretArn, jsonKey: "password" },
    };
  }
}

/** Options of `PostgresDatabase.allowFrom`. */
export interface AllowFromOptions {
  /**
   * Description of the ingress rule.
   * @default "PostgreSQL from an admitted security group"
   */
  readonly description?: string;
  /**
   * Construct to create the rule in (e.g. the consuming stack), instead of the database itself.
   * @default the database construct
   */
  readonly scope?: Construct;
}

interface ValidatedProps {
  readonly engineVersion: string;
  readonly major: number;
  readonly instanceClass: string;
  readonly allocatedStorageGiB: number;
  readonly storageType: string;
  readonly databaseName: string;
  readonly masterUsername: string;
  readonly backupRetentionDays: number;
  readonly finalSnapshotIdentifier: string | undefined;
  readonly performanceInsightsRetentionDays: number;
}

function validate(props: PostgresDatabaseProps): ValidatedProps {
  const err = (prop: string, message: string): never => {
    throw new Error(`PostgresDatabase: ${prop} ${message}`);
  };

  if (!IDENTIFIER.test(props.identifier) || props.identifier.endsWith("-")) {
    err(
      "identifier",
      `"${props.identifier}" is invalid: use 1-50 lower-case letters, digits and single hyphens, starting with a letter and not ending with a hyphen`,
    );
  }

  const subnets = props.network.privateSubnetIds;
  if (!Token.isUnresolved(subnets) && subnets.length < 2) {
    err(
      "network.privateSubnetIds",
      `has ${subnets.length} subnet(s): an RDS subnet group needs at least 2 (in different availability zones)`,
    );
  }

  const engineVersion = props.engineVersion ?? DEFAULTS.engineVersion;
  const versionMatch = /^(\d+)(\.\d+)?$/.exec(engineVersion);
  if (!versionMatch) {
    err("engineVersion", `"${engineVersion}" is invalid: use "<major>.<minor>" (e.g. "16.8") or "<major>"`);
  }
  const major = Number(versionMatch![1]);
  if (!(SUPPORTED_POSTGRES_MAJORS as readonly number[]).includes(major)) {
    err(
      "engineVersion",
      `"${engineVersion}" has major ${major}; allowed majors: ${SUPPORTED_POSTGRES_MAJORS.join(", ")}`,
    );
  }

  const instanceClass = props.instanceClass ?? DEFAULTS.instanceClass;
  const classMatch = /^db\.([a-z0-9]+)\.([a-z0-9]+)$/.exec(instanceClass);
  if (
    !classMatch ||
    !(ALLOWED_INSTANCE_FAMILIES as readonly string[]).includes(classMatch[1]) ||
    !(ALLOWED_INSTANCE_SIZES as readonly string[]).includes(classMatch[2])
  ) {
    err(
      "instanceClass",
      `"${instanceClass}" is invalid: use db.<family>.<size> with family one of ${ALLOWED_INSTANCE_FAMILIES.join(", ")} and size one of ${ALLOWED_INSTANCE_SIZES.join(", ")}`,
    );
  }

  const allocatedStorageGiB = props.allocatedStorageGiB ?? DEFAULTS.allocatedStorageGiB;
  if (
    !Number.isInteger(allocatedStorageGiB) ||
    allocatedStorageGiB < 20 ||
    allocatedStorageGiB > MAX_STORAGE_GIB
  ) {
    err(
      "allocatedStorageGiB",
      `${allocatedStorageGiB} is invalid: use an integer from 20 to ${MAX_STORAGE_GIB}`,
    );
  }
  const maxStorage = props.maxAllocatedStorageGiB;
  if (
    maxStorage !== undefined &&
    (!Number.isInteger(maxStorage) || maxStorage < allocatedStorageGiB || maxStorage > MAX_STORAGE_GIB)
  ) {
    err(
      "maxAllocatedStorageGiB",
      `${maxStorage} is invalid: use an integer from allocatedStorageGiB (${allocatedStorageGiB}) to ${MAX_STORAGE_GIB}`,
    );
  }

  const storageType = props.storageType ?? DEFAULTS.storageType;
  if (!(ALLOWED_STORAGE_TYPES as readonly string[]).includes(storageType)) {
    err("storageType", `"${storageType}" is invalid; allowed: ${ALLOWED_STORAGE_TYPES.join(", ")}`);
  }

  const databaseName = props.databaseName ?? DEFAULTS.databaseName;
  if (!SQL_NAME.test(databaseName)) {
    err(
      "databaseName",
      `"${databaseName}" is invalid: a letter then letters, digits or underscores, at most 63 characters`,
    );
  }
  const masterUsername = props.masterUsername ?? DEFAULTS.masterUsername;
  if (!SQL_NAME.test(masterUsername) || masterUsername.toLowerCase() === "rdsadmin") {
    err(
      "masterUsername",
      `"${masterUsername}" is invalid: a letter then letters, digits or underscores, at most 63 characters, not "rdsadmin"`,
    );
  }

  const backupRetentionDays = props.backupRetentionDays ?? DEFAULTS.backupRetentionDays;
  if (!Number.isInteger(backupRetentionDays) || backupRetentionDays < 0 || backupRetentionDays > 35) {
    err("backupRetentionDays", `${backupRetentionDays} is invalid: use an integer from 0 to 35`);
  }

  let finalSnapshotIdentifier: string | undefined;
  if (props.skipFinalSnapshot) {
    if (props.finalSnapshotIdentifier !== undefined) {
      err(
        "finalSnapshotIdentifier",
        "is set while skipFinalSnapshot is true: no final snapshot would be taken",
      );
    }
  } else {
    finalSnapshotIdentifier = props.finalSnapshotIdentifier ?? `${props.identifier}-final`;
    if (
      !/^[a-z](?!.*--)[a-z0-9-]{0,254}$/.test(finalSnapshotIdentifier) ||
      finalSnapshotIdentifier.endsWith("-")
    ) {
      err(
        "finalSnapshotIdentifier",
        `"${finalSnapshotIdentifier}" is invalid: lower-case letters, digits and single hyphens, starting with a letter`,
      );
    }
  }

  const piRetention = props.performanceInsightsRetentionDays ?? DEFAULTS.performanceInsightsRetentionDays;
  if (props.performanceInsightsRetentionDays !== undefined && !props.performanceInsights) {
    err("performanceInsightsRetentionDays", "is set but performanceInsights is not true");
  }
  const piValid =
    (PERFORMANCE_INSIGHTS_RETENTION_DAYS as readonly number[]).includes(piRetention) ||
    (Number.isInteger(piRetention) && piRetention % 31 === 0 && piRetention >= 31 && piRetention <= 713);
  if (!piValid) {
    err(
      "performanceInsightsRetentionDays",
      `${piRetention} is invalid: use 7, 731 or a multiple of 31 from 31 to 713 (months)`,
    );
  }

  for (const sg of props.allowedSecurityGroupIds ?? []) assertSecurityGroupId(sg, "allowedSecurityGroupIds");

  return {
    engineVersion,
    major,
    instanceClass,
    allocatedStorageGiB,
    storageType,
    databaseName,
    masterUsername,
    backupRetentionDays,
    finalSnapshotIdentifier,
    performanceInsightsRetentionDays: piRetention,
  };
}

function assertSecurityGroupId(value: string, prop: string): void {
  if (!Token.isUnresolved(value) && !SECURITY_GROUP_ID.test(value)) {
    throw new Error(
      `PostgresDatabase: ${prop} "${value}" is not a security group id (sg- followed by 8 or 17 hex digits)`,
    );
  }
}
