import type { AwsEnvironmentConfigInput } from "@platform/env-config";

/** Development: smallest sizes, one NAT gateway, throw-away database. */
export const dev = {
  name: "dev",
  kind: "aws",
  region: "eu-west-1",
  production: false,
  network: { vpcCidr: "10.10.0.0/16", azCount: 2, natGateways: "single" },
  serviceDefaults: {
    cpu: 256,
    memoryMiB: 512,
    desiredCount: 1,
    autoscaling: { minTasks: 1, maxTasks: 2, cpuTargetPercent: 70, requestsPerTarget: 1000 },
  },
  database: {
    instanceClass: "db.t4g.micro",
    allocatedStorageGiB: 20,
    multiAz: false,
    deletionProtection: false,
    backupRetentionDays: 1,
    skipFinalSnapshot: true,
  },
  logRetentionDays: 7,
  // ECS Exec for debugging: sessions are logged (KMS-encrypted).
  exec: { enabled: true },
  tags: { CostCenter: "platform-dev" },
} satisfies AwsEnvironmentConfigInput;
