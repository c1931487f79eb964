/**
 * Where a service's deploy history of one environment is kept: a file for `local` (see deploy-history.ts),
 * an object in the Terraform state bucket for the AWS environments, so it outlives the CI runner that
 * deployed (`s3://<state bucket>/deploy-history/<env>/<service>.json`, the file's JSON shape).
 */
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { type AwsClientConfig, awsClientConfig } from "./aws-client-config";
import {
  appendDeployHistory,
  DEPLOY_HISTORY_LIMIT,
  type DeployHistoryEntry,
  deployHistoryFile,
  parseDeployHistory,
  readDeployHistory,
} from "./deploy-history";

/** A service's deploy history in one environment, oldest first. */
export interface DeployHistoryStore {
  /** Where it is kept (a file path or `s3://bucket/key`), for logs and errors. */
  readonly where: string;
  /** The entries, oldest first; none yet = []. A malformed history throws naming `where`. */
  read(): Promise<DeployHistoryEntry[]>;
  /** Appends `entry`, keeping the newest {@link DEPLOY_HISTORY_LIMIT}. */
  append(entry: DeployHistoryEntry): Promise<void>;
}

/** The history in a local file (the `local` environment, or an explicit `historyFile` option). */
export function fileHistoryStore(file: string, limit = DEPLOY_HISTORY_LIMIT): DeployHistoryStore {
  return {
    where: file,
    read: async () => readDeployHistory(file),
    append: async (entry) => {
      appendDeployHistory(file, entry, limit);
    },
  };
}

/** Object key of a service's history of an AWS environment in the state bucket. */
export function deployHistoryKey(env: string, service: string): string {
  return `deploy-history/${env}/${service}.json`;
}

/** Where an S3 history lives and how to reach it. */
export interface S3HistoryLocation {
  readonly bucket: string;
  readonly key: string;
  /** `awsClientConfig(<state bucket region>)`. */
  readonly clientConfig: AwsClientConfig;
  /** @default DEPLOY_HISTORY_LIMIT */
  readonly limit?: number;
}

/** Another writer kept changing the object between our read and write. */
export class DeployHistoryConflictError extends Error {
  override readonly name = "DeployHistoryConflictError";
}

/** Read-modify-write attempts before a conflicting writer is reported instead of retried. */
const APPEND_ATTEMPTS = 5;

const errorName = (err: unknown): string => (err instanceof Error ? err.name : "");
const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** The history in an S3 object; append is a read-modify-write made safe by conditional puts. */
export function s3HistoryStore(location: S3HistoryLocation): DeployHistoryStore {
  const { bucket, key, clientConfig } = location;
  const limit = location.limit ?? DEPLOY_HISTORY_LIMIT;
  const where = `s3://${bucket}/${key}`;

  /** The entries and the ETag they were read at; no object = [] and no ETag. */
  async function get(s3: S3Client): Promise<{ entries: DeployHistoryEntry[]; etag?: string }> {
    let text: string;
    let etag: string | undefined;
    try {
      const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      text = (await res.Body?.transformToString("utf8")) ?? "";
      etag = res.ETag;
    } catch (err) {
      if (errorName(err) === "NoSuchKey") return { entries: [] };
      throw new Error(`Reading the deploy history ${where} failed: ${errorName(err)}: ${errorText(err)}`);
    }
    return { entries: parseDeployHistory(text, where), etag };
  }

  async function withClient<T>(use: (s3: S3Client) => Promise<T>): Promise<T> {
    const s3 = new S3Client(clientConfig);
    try {
      return await use(s3);
    } finally {
      s3.destroy();
    }
  }

  return {
    where,
    read: () => withClient(async (s3) => (await get(s3)).entries),
    append: (entry) =>
      withClient(async (s3) => {
        for (let attempt = 1; attempt <= APPEND_ATTEMPTS; attempt++) {
          const { entries, etag } = await get(s3);
          const body = `${JSON.stringify({ entries: [...entries, entry].slice(-limit) }, null, 2)}\n`;
          try {
            // Conditional write: a concurrent apply's entry is re-read and kept, not overwritten.
            await s3.send(
              new PutObjectCommand({
                Bucket: bucket,
                Key: key,
                Body: body,
                ContentType: "application/json",
                ServerSideEncryption: "AES256",
                ...(etag ? { IfMatch: etag } : { IfNoneMatch: "*" }),
              }),
            );
            return;
          } catch (err) {
            // 409 ConditionalRequestConflict: another conditional write to the key was in flight.
            const name = errorName(err);
            if (name === "PreconditionFailed" || name === "ConditionalRequestConflict") continue;
            throw new Error(`Writing the deploy history ${where} failed: ${name}: ${errorText(err)}`);
          }
        }
        throw new DeployHistoryConflictError(
          `${where} changed under each of ${APPEND_ATTEMPTS} attempts to append to it (concurrent deploys of the service?); the entry for ${entry.digest} was not recorded.`,
        );
      }),
  };
}

/** The Terraform state bucket of the AWS environments (stacks/src/settings.ts resolves it). */
export interface StateBucket {
  readonly bucket: string;
  readonly region: string;
}

/**
 * A service's history in `env`: the local state dir's file for `local`, else the object
 * {@link deployHistoryKey} in `stateBucket` (required then).
 */
export function deployHistoryStore(o: {
  readonly repoRoot: string;
  readonly env: string;
  readonly service: string;
  /** Needed for an AWS environment; unused for `local`. */
  readonly stateBucket?: StateBucket;
  readonly environ?: NodeJS.ProcessEnv;
}): DeployHistoryStore {
  const environ = o.environ ?? process.env;
  if (o.env === "local") return fileHistoryStore(deployHistoryFile(o.repoRoot, o.env, o.service, environ));
  if (!o.stateBucket)
    throw new Error(
      `The deploy history of ${o.service} in ${o.env} lives in the state bucket, but none was given.`,
    );
  return s3HistoryStore({
    bucket: o.stateBucket.bucket,
    key: deployHistoryKey(o.env, o.service),
    clientConfig: awsClientConfig(o.stateBucket.region, environ),
  });
}
