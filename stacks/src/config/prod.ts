import type { AwsEnvironmentConfigInput } from "@platform/env-config";

/**
 * Production: three AZs with a NAT gateway each, Multi-AZ database with deletion protection and a
 * final snapshot, longer log and backup retention, HTTPS. `production: true` makes the guardrails
 * (packages/env-config/src/guardrails.ts) require all of that, plus `accountId`: Terraform refuses
 * to run against any other account (checked against the caller's credentials).
 *
 * HTTPS by name: the platform requests an ACM certificate for `domain`, validated by DNS records in
 * the public zone `dns.zoneName` (which must exist in the account), and points `domain` at the load
 * balancer.
 *
 * PLACEHOLDERS: `accountId` holds AWS's documentation account (123456789012, also the emulator's) and
 * `dns`/`domain` the documentation domain until the real prod account and zone are filled in. Until
 * then, with real credentials, Terraform refuses prod's layer stacks (all but the shared bootstrap
 * stack, which has no account check) at the account check, before changing anything.
 */
export const prod = {
  name: "prod",
  kind: "aws",
  region: "eu-west-1",
  production: true,
  accountId: "123456789012",
  dns: { zoneName: "example.com" },
  domain: "app.example.com",
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
  // No ECS Exec in production unless someone decides to turn it on here.
  exec: { enabled: false },
  tags: { CostCenter: "platform-prod" },
} satisfies AwsEnvironmentConfigInput;
