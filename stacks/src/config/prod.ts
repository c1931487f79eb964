import type { AwsEnvironmentConfigInput } from "@platform/env-config";

/**
 * Production: three AZs with a NAT gateway each, Multi-AZ database with deletion protection and a
 * final snapshot, longer log and backup retention. Set `accountId` to have Terraform refuse to run
 * against any other account (checked against the caller's credentials).
 */
export const prod = {
  name: "prod",
  kind: "aws",
  region: "eu-west-1",
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
  logRetentionDays: 365,
  tags: { CostCenter: "platform-prod" },
} satisfies AwsEnvironmentConfigInput;
