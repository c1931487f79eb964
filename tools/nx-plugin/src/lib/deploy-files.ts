import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/** What `dockerize` records (its declared output file). */
export interface BuiltImage {
  /** Engine image id (sha256:...). */
  readonly imageId: string;
  /** Local reference `<name>:<tag>`. */
  readonly image: string;
  readonly name: string;
  /** `<git-sha>` or `<git-sha>-dirty`. */
  readonly tag: string;
  /** The GIT_SHA build arg the image reports on /version (same as `tag`). */
  readonly gitSha: string;
  readonly dirty: boolean;
  readonly version: string;
  readonly buildTime: string;
  readonly dockerfile: string;
}

/** What `push` records in dist/deploy/<env>/image.json; the stacks deploy `reference`. */
export interface PushedImage {
  /** Repository the task definition / container pulls from. */
  readonly repository: string;
  readonly digest: string;
  /** `<repository>@<digest>`. */
  readonly reference: string;
  readonly gitSha: string;
  readonly version: string;
  readonly tag: string;
  readonly pushedAt: string;
  /** Where the bytes went when that differs from `repository` (emulated ECR -> loopback registry). */
  readonly pushedTo: string;
  readonly environment: string;
}

/** What `migrate` records in dist/deploy/<env>/migration.json. */
export interface MigrationRecord {
  readonly environment: string;
  readonly reference: string;
  /** ECS task ARN (AWS) or container name/id (local). */
  readonly runId: string;
  readonly taskDefinitionArn?: string;
  readonly exitCode: number | null;
  readonly succeeded: boolean;
  readonly durationSeconds: number;
  readonly startedAt: string;
  readonly stoppedReason?: string;
}

/** Writes JSON atomically (temp file + rename) so a reader never sees half a file. */
export function writeJsonFile(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(tmp, file);
}

function readJsonObject(file: string, producedBy: string): Record<string, unknown> {
  if (!existsSync(file)) {
    throw new Error(`${file} does not exist; it is written by \`${producedBy}\`, run that first.`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(
      `${file} is not valid JSON (${err instanceof Error ? err.message : err}); re-run \`${producedBy}\`.`,
    );
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new Error(`${file} must hold a JSON object; re-run \`${producedBy}\`.`);
  }
  return parsed as Record<string, unknown>;
}

function requireStrings<K extends string>(
  obj: Record<string, unknown>,
  keys: readonly K[],
  file: string,
  producedBy: string,
): void {
  for (const k of keys) {
    if (typeof obj[k] !== "string" || (obj[k] as string).length === 0) {
      throw new Error(`${file} lacks the string field "${k}"; re-run \`${producedBy}\`.`);
    }
  }
}

export const DIGEST_PATTERN = /^sha256:[a-f0-9]{64}$/;

export function readBuiltImage(file: string): BuiltImage {
  const by = "nx run sample-service:dockerize";
  const obj = readJsonObject(file, by);
  requireStrings(obj, ["imageId", "image", "name", "tag", "gitSha", "version", "buildTime"], file, by);
  return obj as unknown as BuiltImage;
}

export function readPushedImage(file: string): PushedImage {
  const by = "nx run sample-service:push -c <env>";
  const obj = readJsonObject(file, by);
  requireStrings(obj, ["repository", "digest", "reference", "gitSha"], file, by);
  if (!DIGEST_PATTERN.test(obj.digest as string)) {
    throw new Error(`${file}: "digest" must look like sha256:<64 hex> (got ${JSON.stringify(obj.digest)}).`);
  }
  if (obj.reference !== `${obj.repository}@${obj.digest}`) {
    throw new Error(
      `${file}: "reference" must be "<repository>@<digest>" (got ${JSON.stringify(obj.reference)}).`,
    );
  }
  return obj as unknown as PushedImage;
}
