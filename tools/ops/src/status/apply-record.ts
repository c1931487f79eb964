import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { awsClientConfig, errorMessage, errorName } from "../lib/aws";

/**
 * Who applied an environment last, stored next to its state: `s3://<state bucket>/<env>/deployments/last-apply.json`.
 * Terraform state records when it was written but not from which commit; CI writes this after each
 * successful deploy (`nx run ops:record-apply -- --env <env>`), and status shows it.
 */
export interface ApplyRecord {
  readonly environment: string;
  readonly commit: string;
  readonly appliedAt: string;
  /** What each service runs after the apply (`<repository>@sha256:...` by service name), when known. */
  readonly images?: Readonly<Record<string, string>>;
  /** The one service's image, in records written before services were data (read, never written). */
  readonly image?: string;
  /** CI run URL or `user@host`. */
  readonly by?: string;
}

export function applyRecordKey(env: string): string {
  return `${env}/deployments/last-apply.json`;
}

export async function writeApplyRecord(
  bucket: string,
  region: string,
  record: ApplyRecord,
  environ: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const s3 = new S3Client(awsClientConfig(region, environ));
  const key = applyRecordKey(record.environment);
  try {
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: `${JSON.stringify(record, null, 2)}\n`,
        ContentType: "application/json",
        ServerSideEncryption: "AES256",
      }),
    );
    return `s3://${bucket}/${key}`;
  } finally {
    s3.destroy();
  }
}

export async function readApplyRecord(
  bucket: string,
  region: string,
  env: string,
  environ: NodeJS.ProcessEnv = process.env,
): Promise<ApplyRecord | undefined> {
  const s3 = new S3Client(awsClientConfig(region, environ));
  try {
    const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: applyRecordKey(env) }));
    return JSON.parse((await res.Body?.transformToString("utf8")) ?? "{}") as ApplyRecord;
  } catch (err) {
    if (errorName(err) === "NoSuchKey" || errorName(err) === "NoSuchBucket") return undefined;
    throw new Error(`Reading s3://${bucket}/${applyRecordKey(env)} failed: ${errorMessage(err)}`);
  } finally {
    s3.destroy();
  }
}
