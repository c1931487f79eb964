import type { AwsEnvironmentConfigInput } from "@platform/env-config";

/**
 * Staging: prod's shape (NAT per AZ, two tasks, HTTPS by name) at smaller sizes; database without
 * Multi-AZ. PLACEHOLDER: `dns`/`domain` use the documentation domain until the real zone is filled in.
 */
export const staging = {
  name: "staging",
  kind: "aws",
  region: "eu-west-1",
  /** Not production-class: the database is single-AZ (see guardrails.ts for what production requires). */
  production: false,
  dns: { zoneName: "staging.example.com" },
  domain: "app.staging.example.com",
  network: { vpcCidr: "10.20.0.0/16", azCount: 2, natGateways: "perAz" },
  serviceDefaults: {
    cpu: 512,
    memoryMiB: 1024,
    desiredCount: 2,
    autoscaling: { minTasks: 2, maxTasks: 4, cpuTargetPercent: 60, requestsPerTarget: 1000 },
  },
  database: {
    instanceClass: "db.t4g.small",
    allocatedStorageGiB: 20,
    multiAz: false,
    deletionProtection: true,
    backupRetentionDays: 7,
  },
  loadBalancer: { deletionProtection: true, accessLogRetentionDays: 30 },
  logRetentionDays: 30,
  // ECS Exec for debugging: sessions are logged (KMS-encrypted).
  exec: { enabled: true },
  tags: { CostCenter: "platform-staging" },
} satisfies AwsEnvironmentConfigInput;
