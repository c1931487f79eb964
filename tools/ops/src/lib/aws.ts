// One client configuration for tools/ops and the deploy chain (endpoint override, emulator keys, path-style
// S3, retries).
export { awsClientConfig, awsEndpointFromEnv, regionFrom } from "@platform/toolchain";

/** The error's name (AWS SDK exceptions carry the service's error code there). */
export function errorName(err: unknown): string {
  return err instanceof Error ? err.name : "";
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
