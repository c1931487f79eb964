import { existsSync } from "node:fs";
import { join } from "node:path";
import { loadToolchainEnv, toolchainCacheDir } from "@platform/toolchain";

export interface TestToolchain {
  /** moto, e.g. http://127.0.0.1:4566 */
  readonly awsEndpoint: string;
  /** Loopback registry host:port, e.g. 127.0.0.1:5001 */
  readonly registry: string;
  readonly vars: Readonly<Record<string, string>>;
  /** Environment for the code under test: AWS at moto with its static keys, nothing from the caller's AWS setup. */
  readonly environ: NodeJS.ProcessEnv;
}

/**
 * Waits for toolchain.env (written by `toolchain:ensure`, which the integration target depends on; a
 * concurrent ensure may still be writing it) and reads moto's and the registry's addresses. Never starts
 * a moto or a registry of its own.
 */
export async function waitForToolchain(timeoutSeconds = 600): Promise<TestToolchain> {
  const cacheDir = toolchainCacheDir();
  const file = join(cacheDir, "toolchain.env");
  const deadline = Date.now() + timeoutSeconds * 1000;
  while (!existsSync(file)) {
    if (Date.now() > deadline)
      throw new Error(`${file} did not appear within ${timeoutSeconds} s: run npx nx run toolchain:ensure`);
    await new Promise((r) => setTimeout(r, 2000));
  }
  // ensure.sh writes the file by rename, so once it exists it is whole; a stale one throws naming the fix.
  const { vars, awsEndpoint, registry } = loadToolchainEnv({ cacheDir });
  const environ: NodeJS.ProcessEnv = { ...process.env, ...vars, AWS_ENDPOINT_URL: awsEndpoint };
  for (const k of [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_PROFILE",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
  ]) {
    delete environ[k];
  }
  return { awsEndpoint, registry, vars, environ };
}

export const REGION = "eu-west-1";
export const STATIC = { accessKeyId: "test", secretAccessKey: "test" };

/** A short random suffix so tests sharing the emulator never collide. */
export function uniqueSuffix(): string {
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}
