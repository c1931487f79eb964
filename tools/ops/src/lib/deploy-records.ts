import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { DIGEST_PATTERN } from "./image-reference";

/**
 * `dist/deploy/<env>/image.json`: written by `sample-service:push` (and by `ops:promote`), read by
 * `sample-service:migrate`, `stacks:apply` and the smoke check. Same shape as the deploy chain's
 * PushedImage (tools/nx-plugin/src/lib/deploy-files.ts), so a promoted record deploys like a pushed one.
 */
export interface ImageRecord {
  /** Repository the task definition pulls from. */
  readonly repository: string;
  readonly digest: string;
  /** `<repository>@<digest>`. */
  readonly reference: string;
  readonly gitSha: string;
  readonly version: string;
  readonly tag: string;
  readonly pushedAt: string;
  /** Where the bytes are when that differs from `repository` (emulated ECR -> loopback registry). */
  readonly pushedTo: string;
  readonly environment: string;
  /** Set by a promotion: where the digest came from and when. */
  readonly promotedFrom?: {
    readonly environment: string;
    readonly taskDefinitionArn?: string;
    readonly at: string;
  };
}

/** `dist/deploy/<env>/migration.json` as the migrate step writes it (fields this package reads). */
export interface MigrationRecord {
  readonly environment?: string;
  readonly reference?: string;
  readonly runId?: string;
  readonly taskDefinitionArn?: string;
  readonly exitCode?: number | null;
  readonly succeeded?: boolean;
  readonly durationSeconds?: number;
  readonly startedAt?: string;
  readonly stoppedReason?: string;
}

export function deployDir(repoRoot: string, env: string): string {
  return join(repoRoot, "dist", "deploy", env);
}

export function imageRecordFile(repoRoot: string, env: string): string {
  return join(deployDir(repoRoot, env), "image.json");
}

export function migrationRecordFile(repoRoot: string, env: string): string {
  return join(deployDir(repoRoot, env), "migration.json");
}

function readObject(file: string): Record<string, unknown> | undefined {
  if (!existsSync(file)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`${file} is not valid JSON (${err instanceof Error ? err.message : err}).`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new Error(`${file} must hold a JSON object.`);
  }
  return parsed as Record<string, unknown>;
}

/** The image record of an environment, or undefined when none was written; a malformed one throws. */
export function readImageRecord(file: string): ImageRecord | undefined {
  const obj = readObject(file);
  if (!obj) return undefined;
  for (const k of ["repository", "digest", "reference"] as const) {
    if (typeof obj[k] !== "string" || obj[k] === "")
      throw new Error(`${file} lacks the string field "${k}".`);
  }
  if (!DIGEST_PATTERN.test(obj.digest as string)) {
    throw new Error(`${file}: "digest" must look like sha256:<64 hex> (got ${JSON.stringify(obj.digest)}).`);
  }
  return obj as unknown as ImageRecord;
}

export function readMigrationRecord(file: string): MigrationRecord | undefined {
  return readObject(file) as MigrationRecord | undefined;
}

/** Writes JSON atomically (temp file + rename) so a concurrent reader never sees half a file. */
export function writeJsonFile(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(tmp, file);
}
