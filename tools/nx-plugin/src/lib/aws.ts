import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { errorMessage } from "./log";

/** Static keys an emulator accepts; used only with an endpoint override and no credentials of one's own. */
const EMULATOR_CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" } as const;

export interface AwsClientConfig {
  readonly region: string;
  readonly endpoint?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly maxAttempts: number;
  readonly requestHandler: { readonly connectionTimeout: number; readonly requestTimeout: number };
}

/**
 * The endpoint override (`AWS_ENDPOINT_URL`, the SDKs' standard variable, as the stacks read it):
 * set = an emulator such as moto, unset = real AWS.
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
    credentials: endpoint && !ownCredentials ? EMULATOR_CREDENTIALS : undefined,
    // Fail fast on an unreachable endpoint instead of retrying for minutes.
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 5000, requestTimeout: 60000 },
  };
}

/** Region inside an ARN (arn:aws:ecs:<region>:...) or an ECR host (<acct>.dkr.ecr.<region>.amazonaws.com). */
export function regionFrom(value: string): string | undefined {
  const arn = /^arn:aws[a-z-]*:[a-z0-9-]+:([a-z0-9-]+):/.exec(value);
  if (arn?.[1]) return arn[1];
  const ecr = /\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com/.exec(value);
  return ecr?.[1];
}

export function regionFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim() || undefined;
}

/**
 * Fails with one clear message when AWS (or the emulator) cannot be reached or no credentials are
 * found, before anything changes. Returns the caller's account and ARN.
 */
export async function assertAwsAccess(
  region: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ readonly account: string; readonly arn: string }> {
  const config = awsClientConfig(region, env);
  const sts = new STSClient(config);
  try {
    const id = await sts.send(new GetCallerIdentityCommand({}));
    return { account: id.Account ?? "", arn: id.Arn ?? "" };
  } catch (err) {
    const name = err instanceof Error ? err.name : "";
    if (config.endpoint) {
      throw new Error(
        `The AWS endpoint ${config.endpoint} (AWS_ENDPOINT_URL) does not answer STS GetCallerIdentity: ${errorMessage(err)}. ` +
          "Start the emulator with `npx nx run toolchain:ensure`, or unset AWS_ENDPOINT_URL to use real AWS.",
      );
    }
    if (name === "CredentialsProviderError" || /credential/i.test(errorMessage(err))) {
      throw new Error(
        "No AWS credentials found (checked AWS_ACCESS_KEY_ID, AWS_PROFILE, web identity, instance role). " +
          "Configure credentials for the target account, or set AWS_ENDPOINT_URL to run against the emulator.",
      );
    }
    throw new Error(`AWS STS GetCallerIdentity failed in ${region}: ${errorMessage(err)}`);
  } finally {
    sts.destroy();
  }
}
