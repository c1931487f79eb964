/**
 * Deploy history per service per environment: one entry per apply of a service (deploy or rollback,
 * succeeded or failed), oldest first. The apply executor appends to it, the rollback executor chooses
 * its target from it and `ops status` shows its tail.
 *
 * Where it lives: the `local` environment keeps it beside its Terraform state, in the machine-level
 * state dir (`<local state dir>/<env>/deploy-history/<service>.json`), because that environment outlives
 * any checkout and `dist/` cleanups; the AWS environments keep it in the Terraform state bucket, which
 * outlives the CI runner that deployed (deploy-history-store.ts).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { DIGEST_PATTERN } from "@platform/env-config";
import { type ImageRecord, writeJsonFile } from "./deploy-records";

export const DEPLOY_RESULTS = ["succeeded", "failed"] as const;
export type DeployResult = (typeof DEPLOY_RESULTS)[number];
export const DEPLOY_KINDS = ["deploy", "rollback"] as const;
export type DeployKind = (typeof DEPLOY_KINDS)[number];

/** One apply of one service's image in one environment. */
export interface DeployHistoryEntry {
  readonly digest: string;
  /** Repository the image was deployed from (the image record's `repository`). */
  readonly repository: string;
  /** `<repository>@<digest>`. */
  readonly reference: string;
  readonly gitSha: string;
  readonly version: string;
  readonly tag: string;
  /** The image record's `pushedTo` (kept so a rollback writes back the same record). */
  readonly pushedTo: string;
  /** When the apply finished (ISO 8601). */
  readonly deployedAt: string;
  readonly result: DeployResult;
  readonly kind: DeployKind;
  /** For a rollback: the digest that ran before it. */
  readonly rolledBackFrom?: string;
  /** Migration file names the image ships (its service's migrations/ folder when it was deployed). */
  readonly migrations: readonly string[];
  /** First line of the failure, for a failed entry. */
  readonly error?: string;
}

/** Entries kept per service and environment; older ones are dropped on append. */
export const DEPLOY_HISTORY_LIMIT = 100;

/** The step that writes the history, named in errors about a bad file. */
const HISTORY_PRODUCER = "nx run <service>:apply -c <env>";

/**
 * The local environments' machine-level state dir, as the stacks resolve it (stacks/src/settings.ts):
 * `PLATFORM_LOCAL_STATE_DIR` (relative to the repo root), else
 * `${PLATFORM_LOCAL_SECRETS_DIR:-${XDG_STATE_HOME:-~/.local/state}/fargate-platform}/state`.
 */
export function localStateDir(repoRoot: string, environ: NodeJS.ProcessEnv = process.env): string {
  const explicit = environ.PLATFORM_LOCAL_STATE_DIR?.trim();
  if (explicit) return resolve(repoRoot, explicit);
  const secrets = environ.PLATFORM_LOCAL_SECRETS_DIR?.trim();
  if (secrets) return join(resolve(secrets), "state");
  const home = environ.HOME?.trim() || homedir();
  const state = environ.XDG_STATE_HOME?.trim() || join(home, ".local", "state");
  return join(resolve(state), "fargate-platform", "state");
}

/** The `local` environment's history file of a service (AWS environments: deployHistoryKey). */
export function deployHistoryFile(
  repoRoot: string,
  env: string,
  service: string,
  environ: NodeJS.ProcessEnv = process.env,
): string {
  return join(localStateDir(repoRoot, environ), env, "deploy-history", `${service}.json`);
}

/** A history (file or S3 object) that is not a JSON object of valid entries. */
export class MalformedDeployHistoryError extends Error {
  override readonly name = "MalformedDeployHistoryError";
}

function checkEntry(value: unknown, file: string, index: number): DeployHistoryEntry {
  const where = `${file}: entries[${index}]`;
  const fail = (why: string) => new MalformedDeployHistoryError(`${where}${why}`);
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw fail(" must be an object.");
  const e = value as Record<string, unknown>;
  for (const key of ["digest", "reference", "gitSha", "deployedAt"]) {
    if (typeof e[key] !== "string" || (e[key] as string).length === 0)
      throw fail(` lacks the string field "${key}".`);
  }
  if (!DIGEST_PATTERN.test(e.digest as string))
    throw fail(`: "digest" must look like sha256:<64 hex> (got ${JSON.stringify(e.digest)}).`);
  if (!(DEPLOY_RESULTS as readonly unknown[]).includes(e.result))
    throw fail(`: "result" must be one of ${DEPLOY_RESULTS.join(", ")} (got ${JSON.stringify(e.result)}).`);
  if (!(DEPLOY_KINDS as readonly unknown[]).includes(e.kind))
    throw fail(`: "kind" must be one of ${DEPLOY_KINDS.join(", ")} (got ${JSON.stringify(e.kind)}).`);
  if (!Array.isArray(e.migrations) || !e.migrations.every((m) => typeof m === "string"))
    throw fail(`: "migrations" must be a list of file names.`);
  return e as unknown as DeployHistoryEntry;
}

/**
 * Parses a history's text (`{ "entries": [...] }`, oldest first); `where` (its file or s3:// URL) is
 * named in every error, with the field at fault.
 */
export function parseDeployHistory(text: string, where: string): DeployHistoryEntry[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new MalformedDeployHistoryError(
      `${where} is not valid JSON (${err instanceof Error ? err.message : err}); it is written by \`${HISTORY_PRODUCER}\`: fix or remove it.`,
    );
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw new MalformedDeployHistoryError(`${where} must hold a JSON object ({ "entries": [...] }).`);
  const entries = (parsed as Record<string, unknown>).entries;
  if (!Array.isArray(entries)) throw new MalformedDeployHistoryError(`${where}: "entries" must be a list.`);
  return entries.map((e, i) => checkEntry(e, where, i));
}

/** The history in `file`, oldest first; none yet = []. A malformed file throws naming the file and field. */
export function readDeployHistory(file: string): DeployHistoryEntry[] {
  if (!existsSync(file)) return [];
  return parseDeployHistory(readFileSync(file, "utf8"), file);
}

/** Appends `entry` (keeping the newest `limit`) and returns the history written. */
export function appendDeployHistory(
  file: string,
  entry: DeployHistoryEntry,
  limit = DEPLOY_HISTORY_LIMIT,
): DeployHistoryEntry[] {
  const entries = [...readDeployHistory(file), entry].slice(-limit);
  writeJsonFile(file, { entries });
  return entries;
}

/** What a history entry says beyond the image it deployed. */
export interface DeployOutcome {
  readonly result: DeployResult;
  readonly kind: DeployKind;
  readonly migrations: readonly string[];
  readonly rolledBackFrom?: string;
  readonly error?: string;
  /** @default now */
  readonly deployedAt?: Date;
}

/** The history entry of deploying `image`. */
export function historyEntry(image: ImageRecord, outcome: DeployOutcome): DeployHistoryEntry {
  return {
    digest: image.digest,
    repository: image.repository,
    reference: image.reference,
    gitSha: image.gitSha,
    version: image.version ?? "",
    tag: image.tag ?? "",
    pushedTo: image.pushedTo ?? image.repository,
    deployedAt: (outcome.deployedAt ?? new Date()).toISOString(),
    result: outcome.result,
    kind: outcome.kind,
    ...(outcome.rolledBackFrom ? { rolledBackFrom: outcome.rolledBackFrom } : {}),
    migrations: [...outcome.migrations],
    ...(outcome.error ? { error: outcome.error.split("\n")[0].slice(0, 500) } : {}),
  };
}

/** The image record that redeploys an entry's image (what a rollback writes for apply and smoke). */
export function imageRecordOf(entry: DeployHistoryEntry, environment: string): ImageRecord {
  return {
    repository: entry.repository,
    digest: entry.digest,
    reference: entry.reference,
    gitSha: entry.gitSha,
    version: entry.version,
    tag: entry.tag,
    pushedAt: entry.deployedAt,
    pushedTo: entry.pushedTo,
    environment,
  };
}

/** Migration file names (`*.sql`, sorted) in a service's migrations folder; no folder = none. */
export function migrationFileNames(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .sort();
}

/** Each migration file's text by file name (what the rollback's compatibility check reads). */
export function readMigrationFiles(dir: string): Map<string, string> {
  return new Map(migrationFileNames(dir).map((f) => [f, readFileSync(join(dir, f), "utf8")]));
}
