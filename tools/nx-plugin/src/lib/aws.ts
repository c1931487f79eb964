import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { awsClientConfig } from "@platform/toolchain";
import { errorMessage } from "./log";

// One client configuration for the deploy chain and tools/ops (endpoint override, emulator keys, retries).
export { awsClientConfig, isEmulated, regionFrom, regionFromEnv } from "@platform/toolchain";

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
