import type { AwsProviderConfig } from "@cdktf/provider-aws/lib/provider";
import type { S3BackendConfig } from "cdktf";

/**
 * AWS API services the stacks use, as the provider's `endpoints` keys. With an endpoint override each
 * one is pointed at the emulator; a service missing here would silently go to real AWS, so a unit
 * test checks every synthesized resource type maps to one of these.
 */
export const AWS_SERVICES_USED = [
  "acm",
  "applicationautoscaling",
  "cloudwatch",
  "cloudwatchlogs",
  "dynamodb",
  "ec2",
  "ecr",
  "ecs",
  "elbv2",
  "iam",
  "kms",
  "rds",
  "route53",
  "s3",
  "secretsmanager",
  "sns",
  "ssm",
  "sts",
] as const;

export type AwsService = (typeof AWS_SERVICES_USED)[number];

/** Resource type prefix -> provider endpoint key; longest prefix wins. */
const RESOURCE_PREFIX_SERVICE: ReadonlyArray<readonly [string, AwsService]> = [
  ["aws_acm_", "acm"],
  ["aws_appautoscaling_", "applicationautoscaling"],
  ["aws_route53_", "route53"],
  ["aws_cloudwatch_log_", "cloudwatchlogs"],
  ["aws_cloudwatch_metric_alarm", "cloudwatch"],
  ["aws_db_", "rds"],
  ["aws_rds_", "rds"],
  ["aws_ecr_", "ecr"],
  ["aws_ecs_", "ecs"],
  ["aws_lb", "elbv2"],
  ["aws_alb", "elbv2"],
  ["aws_iam_", "iam"],
  ["aws_kms_", "kms"],
  ["aws_s3_", "s3"],
  ["aws_secretsmanager_", "secretsmanager"],
  ["aws_ssm_", "ssm"],
  ["aws_sns_", "sns"],
  ["aws_dynamodb_", "dynamodb"],
  ["aws_caller_identity", "sts"],
  ["aws_vpc", "ec2"],
  ["aws_subnet", "ec2"],
  ["aws_route", "ec2"],
  ["aws_internet_gateway", "ec2"],
  ["aws_egress_only_internet_gateway", "ec2"],
  ["aws_nat_gateway", "ec2"],
  ["aws_eip", "ec2"],
  ["aws_security_group", "ec2"],
  ["aws_network_acl", "ec2"],
  ["aws_default_", "ec2"],
  ["aws_flow_log", "ec2"],
  ["aws_availability_zones", "ec2"],
  ["aws_region", "ec2"],
  // No API call (the partition comes from the provider config); mapped so every type is accounted for.
  ["aws_partition", "sts"],
  // A table in the provider (the region's ELB account), no API call.
  ["aws_elb_service_account", "elbv2"],
];

/** The provider endpoint key an `aws_*` resource or data source type talks to, if known. */
export function serviceOfResourceType(type: string): AwsService | undefined {
  let best: readonly [string, AwsService] | undefined;
  for (const entry of RESOURCE_PREFIX_SERVICE) {
    if (type.startsWith(entry[0]) && (!best || entry[0].length > best[0].length)) best = entry;
  }
  return best?.[1];
}

/** Where AWS calls go: real AWS (no override) or an emulator such as moto. */
export interface AwsTarget {
  /** `AWS_ENDPOINT_URL` (the SDKs' standard variable); unset = real AWS. */
  readonly endpointUrl?: string;
  /** Static credentials used only with an endpoint override when the environment has none. */
  readonly staticCredentials?: { readonly accessKey: string; readonly secretKey: string };
}

/** Static keys an emulator accepts (moto accepts any). */
export const EMULATOR_CREDENTIALS = { accessKey: "test", secretKey: "test" } as const;

/**
 * Reads the endpoint override from the environment. With `AWS_ENDPOINT_URL` set and no
 * `AWS_ACCESS_KEY_ID`/`AWS_PROFILE`, static test credentials are used so no real ones are looked up.
 */
export function awsTargetFromEnv(env: NodeJS.ProcessEnv = process.env): AwsTarget {
  const endpointUrl = env.AWS_ENDPOINT_URL?.trim();
  if (!endpointUrl) return {};
  if (!/^https?:\/\/[^\s/]+(:\d+)?\/?$/.test(endpointUrl)) {
    throw new Error(
      `AWS_ENDPOINT_URL must be a URL such as http://127.0.0.1:4566 (got ${JSON.stringify(endpointUrl)})`,
    );
  }
  const hasCredentials = !!(env.AWS_ACCESS_KEY_ID || env.AWS_PROFILE);
  return {
    endpointUrl: endpointUrl.replace(/\/$/, ""),
    staticCredentials: hasCredentials ? undefined : EMULATOR_CREDENTIALS,
  };
}

/** AWS provider settings for a region and target: plain for real AWS, endpoints + skip flags for an emulator. */
export function awsProviderConfig(
  region: string,
  target: AwsTarget,
  extra: { readonly allowedAccountIds?: string[]; readonly tags?: Record<string, string> } = {},
): AwsProviderConfig {
  const base: AwsProviderConfig = {
    region,
    defaultTags: extra.tags && Object.keys(extra.tags).length > 0 ? [{ tags: extra.tags }] : undefined,
  };
  if (!target.endpointUrl) {
    // Terraform checks the caller's account against this list before any change.
    return { ...base, allowedAccountIds: extra.allowedAccountIds };
  }
  const url = target.endpointUrl;
  return {
    ...base,
    endpoints: [Object.fromEntries(AWS_SERVICES_USED.map((s) => [s, url]))],
    s3UsePathStyle: true,
    skipCredentialsValidation: true,
    skipMetadataApiCheck: "true",
    skipRequestingAccountId: true,
    skipRegionValidation: true,
    accessKey: target.staticCredentials?.accessKey,
    secretKey: target.staticCredentials?.secretKey,
  };
}

/** Where the remote state lives. */
export interface StateBackendSettings {
  /** S3 bucket created by the bootstrap stack. */
  readonly bucket: string;
  /** Region of the bucket. */
  readonly region: string;
}

/**
 * S3 backend settings for one state key: encrypted; for an emulator also endpoints {s3, sts, iam,
 * dynamodb}, path-style and the skip flags. `use_lockfile` is not a cdktf 0.21 prop: see
 * {@link S3_BACKEND_LOCKFILE_OVERRIDE}.
 */
export function s3BackendConfig(
  state: StateBackendSettings,
  key: string,
  target: AwsTarget,
): S3BackendConfig {
  const base: S3BackendConfig = { bucket: state.bucket, key, region: state.region, encrypt: true };
  if (!target.endpointUrl) return base;
  const url = target.endpointUrl;
  return {
    ...base,
    endpoints: { s3: url, sts: url, iam: url, dynamodb: url },
    usePathStyle: true,
    skipCredentialsValidation: true,
    skipMetadataApiCheck: true,
    skipRequestingAccountId: true,
    skipRegionValidation: true,
    accessKey: target.staticCredentials?.accessKey,
    secretKey: target.staticCredentials?.secretKey,
  };
}

/** Override path that turns on S3-native state locking (Terraform >= 1.10; no DynamoDB table needed). */
export const S3_BACKEND_LOCKFILE_OVERRIDE = "terraform.backend.s3.use_lockfile";
