/**
 * Guardrails: rules on an AWS environment's config that go beyond the shape of each field. They run
 * inside {@link parseEnvironmentConfig} (after every field has parsed), so a config that breaks one
 * is refused when it is loaded, before any stack is defined or anything is planned or applied.
 *
 * - Every AWS environment: `network.azCount` at most the availability zones of its region (from
 *   {@link REGION_AZ_COUNTS}; a region missing there is refused, naming the known ones), and
 *   `database.instanceClass` one of {@link DATABASE_INSTANCE_CLASSES}, `database.engineVersion` one of
 *   {@link DATABASE_ENGINE_VERSIONS}.
 * - Production-class environments (`production: true`): see {@link PRODUCTION_MIN_BACKUP_RETENTION_DAYS}
 *   and {@link guardrailProblems}.
 *
 * @module
 */
import type { NatGatewayMode } from "./environment-config";

/**
 * Availability zones an account sees per region, for the regions this repository uses or may use
 * (checked with `aws ec2 describe-availability-zones --region <region>`). A region missing here is
 * refused: add it after checking its count, rather than the stacks guessing.
 */
export const REGION_AZ_COUNTS: Readonly<Record<string, number>> = {
  "us-east-1": 6,
  "us-east-2": 3,
  "us-west-2": 4,
  "eu-west-1": 3,
  "eu-west-2": 3,
  "eu-central-1": 3,
};

/**
 * RDS PostgreSQL instance classes an environment may use: burstable (t4g) for dev and staging,
 * general purpose (m6g, m7g) and memory optimised (r6g, r7g) for production. All Graviton; all are
 * also accepted by the database construct (`@platform/database`).
 */
export const DATABASE_INSTANCE_CLASSES = [
  "db.t4g.micro",
  "db.t4g.small",
  "db.t4g.medium",
  "db.t4g.large",
  "db.m6g.large",
  "db.m6g.xlarge",
  "db.m6g.2xlarge",
  "db.m7g.large",
  "db.m7g.xlarge",
  "db.m7g.2xlarge",
  "db.m7g.4xlarge",
  "db.r6g.large",
  "db.r6g.xlarge",
  "db.r6g.2xlarge",
  "db.r7g.large",
  "db.r7g.xlarge",
  "db.r7g.2xlarge",
  "db.r7g.4xlarge",
] as const;
export type DatabaseInstanceClass = (typeof DATABASE_INSTANCE_CLASSES)[number];

/**
 * RDS PostgreSQL engine versions an environment may pin: a `major.minor` RDS offers (checked with
 * `aws rds describe-db-engine-versions --engine postgres`), or a major alone to let RDS pick and
 * upgrade minors. A version missing here is refused: add it after checking RDS offers it.
 */
export const DATABASE_ENGINE_VERSIONS = [
  "14",
  "14.17",
  "14.18",
  "15",
  "15.12",
  "15.13",
  "16",
  "16.8",
  "16.9",
  "17",
  "17.4",
  "17.5",
] as const;

/** Fewest days of automated database backups a production-class environment keeps. */
export const PRODUCTION_MIN_BACKUP_RETENTION_DAYS = 7;

/** The fields of an AWS environment's (parsed) config the guardrails read. */
export interface GuardrailSubject {
  readonly region: string;
  /** Production-class environment: the production rules apply. */
  readonly production: boolean;
  readonly accountId?: string;
  readonly certificateArn?: string;
  readonly dns?: { readonly zoneName: string };
  readonly network: {
    readonly azCount: number;
    readonly natGateways: NatGatewayMode;
  };
  readonly database?: {
    readonly instanceClass: string;
    readonly engineVersion: string;
    readonly multiAz: boolean;
    readonly deletionProtection: boolean;
    readonly backupRetentionDays: number;
  };
}

/** One broken guardrail: the field (as a path into the config) and what is allowed there. */
export interface GuardrailProblem {
  readonly path: readonly string[];
  readonly message: string;
}

const PRODUCTION = "in a production environment (production: true)";

/**
 * Every guardrail `c` breaks (empty when none). The production rules (only with `production: true`):
 * - `accountId` set, so Terraform refuses to run against any other account;
 * - `dns` (a certificate validated in its zone) or `certificateArn` set: HTTPS on the load balancer;
 * - `network.natGateways` "perAz" (with `network.azCount` >= 2, which every environment needs): one
 *   NAT gateway per AZ, so losing an AZ does not cut the others' egress;
 * - with a database: `multiAz`, `deletionProtection` and `backupRetentionDays` >=
 *   {@link PRODUCTION_MIN_BACKUP_RETENTION_DAYS}. An environment without a database has none to protect.
 */
export function guardrailProblems(c: GuardrailSubject): GuardrailProblem[] {
  const problems: GuardrailProblem[] = [];
  const fail = (message: string, ...path: string[]) => problems.push({ path, message });

  const zones = REGION_AZ_COUNTS[c.region];
  if (zones === undefined) {
    fail(
      `has no availability-zone count in REGION_AZ_COUNTS (packages/env-config/src/guardrails.ts); known regions: ${Object.keys(REGION_AZ_COUNTS).join(", ")} (add the region there after checking its count)`,
      "region",
    );
  } else if (c.network.azCount > zones) {
    fail(`must be at most ${zones}, the availability zones of ${c.region}`, "network", "azCount");
  }

  const db = c.database;
  if (db && !(DATABASE_INSTANCE_CLASSES as readonly string[]).includes(db.instanceClass)) {
    fail(`must be one of ${DATABASE_INSTANCE_CLASSES.join(", ")}`, "database", "instanceClass");
  }
  if (db && !(DATABASE_ENGINE_VERSIONS as readonly string[]).includes(db.engineVersion)) {
    fail(`must be one of ${DATABASE_ENGINE_VERSIONS.join(", ")}`, "database", "engineVersion");
  }

  if (!c.production) return problems;
  if (c.accountId === undefined) {
    fail(`is required ${PRODUCTION}: the 12-digit AWS account the stacks may run against`, "accountId");
  }
  if (c.certificateArn === undefined && c.dns === undefined) {
    fail(
      `(with domain) or certificateArn is required ${PRODUCTION}: HTTPS needs a certificate, DNS-validated in dns.zoneName or an existing ACM one (arn:aws:acm:<region>:<account>:certificate/<id>)`,
      "dns",
    );
  }
  if (c.network.natGateways !== "perAz") {
    fail(`must be "perAz" ${PRODUCTION}: one NAT gateway per AZ`, "network", "natGateways");
  }
  if (db) {
    if (!db.multiAz) fail(`must be true ${PRODUCTION}`, "database", "multiAz");
    if (!db.deletionProtection) fail(`must be true ${PRODUCTION}`, "database", "deletionProtection");
    if (db.backupRetentionDays < PRODUCTION_MIN_BACKUP_RETENTION_DAYS) {
      fail(
        `must be from ${PRODUCTION_MIN_BACKUP_RETENTION_DAYS} to 35 (days) ${PRODUCTION}`,
        "database",
        "backupRetentionDays",
      );
    }
  }
  return problems;
}
