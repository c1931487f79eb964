/** Static keys an emulator accepts; used only with an endpoint override and no credentials of one's own. */
const EMULATOR_CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" } as const;

/** Settings every AWS SDK client of this package is built with. */
export interface AwsClientConfig {
  readonly region: string;
  /** The emulator's URL when `AWS_ENDPOINT_URL` is set; unset = real AWS. */
  readonly endpoint?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** S3 against an emulator needs path-style addressing. */
  readonly forcePathStyle?: boolean;
  readonly maxAttempts: number;
}

/**
 * The endpoint override (`AWS_ENDPOINT_URL`, the SDKs' standard variable, as the stacks and the deploy
 * chain read it): set = an emulator such as moto, unset = real AWS.
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

export function awsClientConfig(region: string, env: NodeJS.ProcessEnv = process.env): AwsClientConfig {
  const endpoint = awsEndpointFromEnv(env);
  const ownCredentials = !!(env.AWS_ACCESS_KEY_ID || env.AWS_PROFILE || env.AWS_WEB_IDENTITY_TOKEN_FILE);
  return {
    region,
    endpoint,
    credentials: endpoint && !ownCredentials ? EMULATOR_CREDENTIALS : undefined,
    forcePathStyle: endpoint ? true : undefined,
    // An operator's command should fail fast on an unreachable endpoint, not retry for minutes.
    maxAttempts: 2,
  };
}

/** Region inside an ARN (arn:aws:ecs:<region>:...) or an ECR host (<acct>.dkr.ecr.<region>.amazonaws.com). */
export function regionFrom(value: string): string | undefined {
  const arn = /^arn:aws[a-z-]*:[a-z0-9-]+:([a-z0-9-]+):/.exec(value);
  if (arn?.[1]) return arn[1];
  return /\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com/.exec(value)?.[1];
}

/** The error's name (AWS SDK exceptions carry the service's error code there). */
export function errorName(err: unknown): string {
  return err instanceof Error ? err.name : "";
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
