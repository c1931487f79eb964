import { GetObjectCommand, NoSuchKey, S3Client } from "@aws-sdk/client-s3";
import { awsClientConfig, errorMessage, errorName } from "./aws";
import type { StateObject } from "./synthesized-environment";

/** One stack's remote state as stored: when it was last written and what it exports. */
export interface StateSnapshot {
  readonly stack: string;
  readonly key: string;
  /** False when the state object does not exist (the stack was never applied). */
  readonly exists: boolean;
  /** S3 LastModified: the end of the last apply (or destroy) that changed the state. */
  readonly lastModified?: string;
  readonly serial?: number;
  readonly terraformVersion?: string;
  readonly resourceCount?: number;
  readonly outputs: Readonly<Record<string, unknown>>;
}

interface StateJson {
  readonly serial?: number;
  readonly terraform_version?: string;
  readonly outputs?: Record<string, { readonly value: unknown }>;
  readonly resources?: ReadonlyArray<{ readonly mode?: string }>;
}

/** Reads a state object from S3 (read only: never takes the lock, never writes). */
export async function readStateObject(
  obj: StateObject,
  env: NodeJS.ProcessEnv = process.env,
): Promise<StateSnapshot> {
  const s3 = new S3Client(awsClientConfig(obj.region, env));
  try {
    const res = await s3.send(new GetObjectCommand({ Bucket: obj.bucket, Key: obj.key }));
    const text = (await res.Body?.transformToString("utf8")) ?? "";
    const state = JSON.parse(text) as StateJson;
    return {
      stack: obj.stack,
      key: obj.key,
      exists: true,
      lastModified: res.LastModified?.toISOString(),
      serial: state.serial,
      terraformVersion: state.terraform_version,
      resourceCount: (state.resources ?? []).filter((r) => r.mode === "managed").length,
      outputs: Object.fromEntries(Object.entries(state.outputs ?? {}).map(([k, v]) => [k, v.value])),
    };
  } catch (err) {
    if (err instanceof NoSuchKey || errorName(err) === "NoSuchKey" || errorName(err) === "NoSuchBucket") {
      return { stack: obj.stack, key: obj.key, exists: false, outputs: {} };
    }
    throw new Error(`Reading state s3://${obj.bucket}/${obj.key} failed: ${errorMessage(err)}`);
  } finally {
    s3.destroy();
  }
}
