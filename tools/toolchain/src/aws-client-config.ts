/**
 * Settings for AWS SDK v3 clients, shared by the deploy chain (tools/nx-plugin) and the operator
 * commands (tools/ops): real AWS, or the emulator (moto) when `AWS_ENDPOINT_URL` is set.
 */

/**
 * Static keys an emulator accepts; used only with an endpoint override and no credentials of one's own.
 * A new object per client: the SDK writes bookkeeping (`$source`) onto the credentials it is given.
 */
function emulatorCredentials(): { readonly accessKeyId: string; readonly secretAccessKey: string } {
  return { accessKeyId: "test", secretAccessKey: "test" };
}

/** What every SDK client (ECS, ECR, S3, STS, CloudWatch Logs) is built with. */
export interface AwsClientConfig {
  readonly region: string;
  /** The emulator's URL when `AWS_ENDPOINT_URL` is set; undefined = real AWS. */
  readonly endpoint?: string;
  /** The emulator's static keys, only when no credentials of one's own are configured; else the SDK's chain. */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** S3 against an emulator on 127.0.0.1 needs path-style addressing (no bucket subdomains); other clients ignore it. */
  readonly forcePathStyle?: boolean;
  readonly maxAttempts: number;
  /** Milliseconds (the SDK's option names): fail on an unreachable endpoint instead of hanging. */
  readonly requestHandler: { readonly connectionTimeout: number; readonly requestTimeout: number };
}

/** How long the chain and the operator commands wait for AWS before failing. */
const AWS_CONNECTION_TIMEOUT_MS = 5_000;
const AWS_REQUEST_TIMEOUT_MS = 60_000;
/** One retry: an unreachable endpoint should fail in seconds, not after minutes of backoff. */
const AWS_MAX_ATTEMPTS = 2;

/**
 * The endpoint override (`AWS_ENDPOINT_URL`, the SDKs' standard variable, as the stacks read it; the ops
 * CLI's `--emulator` copies toolchain.env's PLATFORM_AWS_ENDPOINT into it): set = an emulator such as moto,
 * unset = real AWS. A trailing slash is dropped; anything but an http(s) origin is refused.
 */
export function awsEndpointFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const url = env.AWS_ENDPOINT_URL?.trim();
  if (!url) return undefined;
  if (!/^https?:\/\/[^\s/]+\/?$/.test(url)) {
    throw new Error(
      `AWS_ENDPOINT_URL must be a URL such as http://127.0.0.1:4566 (got ${JSON.stringify(url)}).`,
    );
  }
  return url.replace(/\/$/, "");
}

export function isEmulated(env: NodeJS.ProcessEnv = process.env): boolean {
  return awsEndpointFromEnv(env) !== undefined;
}

export function awsClientConfig(region: string, env: NodeJS.ProcessEnv = process.env): AwsClientConfig {
  const endpoint = awsEndpointFromEnv(env);
  const ownCredentials = !!(env.AWS_ACCESS_KEY_ID || env.AWS_PROFILE || env.AWS_WEB_IDENTITY_TOKEN_FILE);
  return {
    region,
    endpoint,
    credentials: endpoint && !ownCredentials ? emulatorCredentials() : undefined,
    forcePathStyle: endpoint ? true : undefined,
    maxAttempts: AWS_MAX_ATTEMPTS,
    requestHandler: { connectionTimeout: AWS_CONNECTION_TIMEOUT_MS, requestTimeout: AWS_REQUEST_TIMEOUT_MS },
  };
}

/** Region inside an ARN (arn:aws:ecs:<region>:...) or an ECR host (<acct>.dkr.ecr.<region>.amazonaws.com). */
export function regionFrom(value: string): string | undefined {
  const arn = /^arn:aws[a-z-]*:[a-z0-9-]+:([a-z0-9-]+):/.exec(value);
  if (arn?.[1]) return arn[1];
  return /\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com/.exec(value)?.[1];
}

export function regionFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim() || undefined;
}
