/**
 * The deploy chain's record files under `dist/deploy/<env>/<service>/`, and the names derived from a
 * service that several tools must agree on (its Terraform stack, its image variable), shared by their writers and readers: the
 * chain's executors (tools/nx-plugin: dockerize, push, migrate, apply, smoke, summary) and the operator
 * commands (tools/ops: promote writes image.json, status and release read it). One definition, so a
 * promoted record deploys exactly like a pushed one.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { DIGEST_PATTERN } from "@platform/env-config";

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

/**
 * `dist/deploy/<env>/<service>/image.json`: written by `<service>:push` (and by `ops:promote`), read by
 * `<service>:migrate`, `stacks:apply`, the smoke check and `ops:status`/`ops:release`.
 */
export interface ImageRecord {
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
  /** Set by a promotion (`ops:promote`): where the digest came from, who promoted it, when; absent after a push. */
  readonly promotedFrom?: {
    readonly environment: string;
    readonly taskDefinitionArn?: string;
    readonly at: string;
    /** Who promoted: the CI actor (GITHUB_ACTOR) or the local user. */
    readonly by?: string;
    /** What promoted: the workflow run (`<workflow> run <id>`) or `ops promote` from a shell. */
    readonly via?: string;
    /** The commit the image was verified to be built from (`--expect-revision`), when one was asked for. */
    readonly verifiedRevision?: string;
    /** Where the image's revision was read from (ECS task definition, registry label or tag, deploy record). */
    readonly revisionSources?: readonly string[];
  };
}

/** The deploy chain's name for an image record (what `push` writes). */
export type PushedImage = ImageRecord;

/** What `migrate` records in dist/deploy/<env>/<service>/migration.json. */
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

/** A migration.json as read back: every field optional, since records of older chains lack some. */
export type StoredMigrationRecord = Partial<MigrationRecord>;

/** The step that writes image.json, named in errors about it. */
export const IMAGE_RECORD_PRODUCER = "nx run <service>:push -c <env>";

/** The digest the stacks plan with before a service's first push; never a deployed image. */
export const PLACEHOLDER_DIGEST = `sha256:${"0".repeat(64)}`;

/** `<repoRoot>/dist/deploy/<env>`: every service's records of one environment. */
export function deployDir(repoRoot: string, env: string): string {
  return join(repoRoot, "dist", "deploy", env);
}

/** `<repoRoot>/dist/deploy/<env>/<service>`: one service's records. */
export function serviceDeployDir(repoRoot: string, env: string, service: string): string {
  return join(deployDir(repoRoot, env), service);
}

export function imageRecordFile(repoRoot: string, env: string, service: string): string {
  return join(serviceDeployDir(repoRoot, env, service), "image.json");
}

export function migrationRecordFile(repoRoot: string, env: string, service: string): string {
  return join(serviceDeployDir(repoRoot, env, service), "migration.json");
}

/**
 * What a successful apply of a whole stack leaves in `dist/deploy/<env>/_stacks/<stack>.json` (`_`: no
 * service can be named so): a later `apply --skip-unchanged` skips the stack without a Terraform plan
 * while its synthesized JSON, its state and its upstream stacks' states are the ones recorded here.
 */
export interface StackApplyRecord {
  readonly stack: string;
  readonly environment: string;
  /** sha256 (hex) of the stack's synthesized `cdk.tf.json` that was applied. */
  readonly synthSha256: string;
  /** Commit of the checkout that applied it (`-dirty` on a changed tree). */
  readonly gitSha: string;
  /** `<lineage>/<serial>` of the stack's state after the apply. */
  readonly state: string;
  /** `<lineage>/<serial>` of each upstream stack's state the apply read, by stack name. */
  readonly upstreamStates: Readonly<Record<string, string>>;
  readonly appliedAt: string;
}

export function stackApplyRecordFile(repoRoot: string, env: string, stack: string): string {
  return join(deployDir(repoRoot, env), "_stacks", `${stack}.json`);
}

/** The stack's apply record, or undefined when there is none or it is unreadable (then the stack is planned). */
export function readStackApplyRecord(file: string): StackApplyRecord | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const obj = JSON.parse(readFileSync(file, "utf8")) as Partial<StackApplyRecord>;
    const complete =
      typeof obj.synthSha256 === "string" &&
      typeof obj.state === "string" &&
      typeof obj.gitSha === "string" &&
      typeof obj.upstreamStates === "object" &&
      obj.upstreamStates !== null;
    return complete ? (obj as StackApplyRecord) : undefined;
  } catch {
    return undefined;
  }
}

/** The Terraform stack of a service in an AWS environment: `service-<service>-<env>`. */
export function serviceStackName(service: string, env: string): string {
  return `service-${service}-${env}`;
}

/**
 * Name of a service's output in a stack shared by every service (the registry):
 * `<service with _ for ->_<key>`, e.g. `serviceOutputName("post-worker", "repository_url")` is
 * `post_worker_repository_url`.
 */
export function serviceOutputName(service: string, key: string): string {
  return `${service.replace(/-/g, "_")}_${key}`;
}

/**
 * The variable that overrides a service's image record for the stacks:
 * `PLATFORM_IMAGE_DIGEST_<NAME>` (upper case, `-` as `_`), e.g. `PLATFORM_IMAGE_DIGEST_POST_WORKER`.
 */
export function imageDigestVariable(service: string): string {
  return `PLATFORM_IMAGE_DIGEST_${service.toUpperCase().replace(/-/g, "_")}`;
}

/** Writes JSON atomically (temp file + rename) so a concurrent reader never sees half a file. */
export function writeJsonFile(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(tmp, file);
}

/** Parses `file` as a JSON object; a bad file fails naming it and the command that writes it. */
export function parseJsonObject(file: string, producedBy: string): Record<string, unknown> {
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

function readJsonObject(file: string, producedBy: string): Record<string, unknown> {
  if (!existsSync(file)) {
    throw new Error(`${file} does not exist; it is written by \`${producedBy}\`, run that first.`);
  }
  return parseJsonObject(file, producedBy);
}

function requireStrings(
  obj: Record<string, unknown>,
  keys: readonly string[],
  file: string,
  producedBy: string,
): void {
  for (const k of keys) {
    if (typeof obj[k] !== "string" || (obj[k] as string).length === 0) {
      throw new Error(`${file} lacks the string field "${k}"; re-run \`${producedBy}\`.`);
    }
  }
}

function checkImageRecord(obj: Record<string, unknown>, file: string, producedBy: string): ImageRecord {
  requireStrings(obj, ["repository", "digest", "reference", "gitSha"], file, producedBy);
  if (!DIGEST_PATTERN.test(obj.digest as string)) {
    throw new Error(`${file}: "digest" must look like sha256:<64 hex> (got ${JSON.stringify(obj.digest)}).`);
  }
  if (obj.reference !== `${obj.repository}@${obj.digest}`) {
    throw new Error(
      `${file}: "reference" must be "<repository>@<digest>" (got ${JSON.stringify(obj.reference)}).`,
    );
  }
  return obj as unknown as ImageRecord;
}

export function readBuiltImage(file: string): BuiltImage {
  const by = "nx run <service>:dockerize";
  const obj = readJsonObject(file, by);
  requireStrings(obj, ["imageId", "image", "name", "tag", "gitSha", "version", "buildTime"], file, by);
  return obj as unknown as BuiltImage;
}

/** The image record a deploy step needs: a missing or malformed file throws, naming the step that writes it. */
export function readPushedImage(file: string): PushedImage {
  return checkImageRecord(readJsonObject(file, IMAGE_RECORD_PRODUCER), file, IMAGE_RECORD_PRODUCER);
}

/** The image record of an environment, or undefined when none was written; a malformed one throws. */
export function readImageRecord(file: string): ImageRecord | undefined {
  if (!existsSync(file)) return undefined;
  return checkImageRecord(parseJsonObject(file, IMAGE_RECORD_PRODUCER), file, IMAGE_RECORD_PRODUCER);
}

/** The migrate step's record, or undefined when none was written; a file that is no JSON object throws. */
export function readMigrationRecord(file: string): StoredMigrationRecord | undefined {
  if (!existsSync(file)) return undefined;
  return parseJsonObject(file, "nx run <service>:migrate -c <env>") as StoredMigrationRecord;
}
