import type { AwsEnvironmentConfigInput } from "@platform/env-config";

/**
 * Production: three AZs with a NAT gateway each, Multi-AZ database with deletion protection and a
 * final snapshot, longer log and backup retention, HTTPS. `production: true` makes the guardrails
 * (packages/env-config/src/guardrails.ts) require all of that, plus `accountId`: Terraform refuses
 * to run against any other account (checked against the caller's credentials).
 *
 * PLACEHOLDERS: `accountId` and `certificateArn` hold AWS's documentation account (123456789012, also
 * the emulator's) until the real prod account and its ACM certificate are filled in. Until then, with
 * real credentials, Terraform refuses prod's layer stacks (all but the shared bootstrap stack, which
 * has no account check) at the account check, before changing anything.
 */
export const prod = {
  name: "prod",
  kind: "aws",
  region: "eu-west-1",
  production: true,
  accountId: "123456789012",
  certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-0000-0000-000000000000",
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
    backupRetentionDays: 30,
  },
  loadBalancer: { deletionProtection: true, accessLogRetentionDays: 90 },
  logRetentionDays: 365,
  tags: { CostCenter: "platform-prod" },
} satisfies AwsEnvironmentConfigInput;
