import { DIGEST_PATTERN } from "@platform/env-config";
import type { DeployedService } from "../lib/deployed-service";
import type { AwsEnvironmentName } from "../lib/environments";
import { PROMOTION_ORDER } from "../lib/environments";
import type { ImageReference } from "../lib/image-reference";

/**
 * Refuses any promotion but one step along dev -> staging -> prod, before anything is read or written:
 * prod only ever receives what staging runs.
 */
export function assertPromotionPath(from: AwsEnvironmentName, to: AwsEnvironmentName): void {
  const i = PROMOTION_ORDER.indexOf(from);
  const j = PROMOTION_ORDER.indexOf(to);
  if (i === j) throw new Error(`--from and --to are both ${from}: nothing to promote.`);
  if (j < i) {
    throw new Error(
      `Refusing to promote backwards (${from} -> ${to}): promotion follows ${PROMOTION_ORDER.join(" -> ")}; to roll ${to} back, promote from its predecessor or deploy a digest to it.`,
    );
  }
  if (j > i + 1) {
    const skipped = PROMOTION_ORDER.slice(i + 1, j);
    throw new Error(
      `Refusing to skip ${skipped.join(", ")} (${from} -> ${to}): ${to} only accepts the digest currently running in ${PROMOTION_ORDER[j - 1]}. Promote ${from} -> ${PROMOTION_ORDER[i + 1]} first.`,
    );
  }
}

export function assertDigest(value: string, field: string): string {
  if (!DIGEST_PATTERN.test(value)) {
    throw new Error(`${field} must be sha256:<64 lowercase hex digits> (got ${JSON.stringify(value)}).`);
  }
  return value;
}

/** The digest an environment runs, and the task definition that runs it. */
export interface RunningImage {
  readonly image: ImageReference;
  readonly taskDefinitionArn: string;
  readonly rolloutState?: string;
  readonly gitSha?: string;
}

/**
 * What an environment runs according to ECS: the image of the application container in the service's
 * current task definition (the definition ECS converges to; a circuit-breaker rollback resets it).
 * Refuses a service that does not exist, runs an image not pinned by digest, or whose current deployment
 * failed. An IN_PROGRESS rollout is accepted: the deploy job that started it waited for stability before
 * the promotion job could start, and the emulator never reports COMPLETED. The service's task definition,
 * not the PRIMARY deployment's, is read: real ECS keeps them equal (a rollback resets both), while the
 * emulator never adds a deployment on UpdateService.
 */
export function runningImage(env: string, service: DeployedService | undefined): RunningImage {
  if (!service) {
    throw new Error(`${env} has no ECS service (cluster or service missing): nothing runs there to promote.`);
  }
  if (!service.image) {
    throw new Error(
      `${env}'s task definition ${service.taskDefinitionArn} runs ${JSON.stringify(service.imageUri)}, which is not pinned by digest; only digests are promoted.`,
    );
  }
  const failed = service.deployments.find((d) => d.rolloutState === "FAILED");
  if (failed) {
    throw new Error(
      `${env}'s deployment ${failed.id} (${failed.taskDefinitionArn}) FAILED: ${failed.rolloutStateReason ?? "circuit breaker"}. Refusing to promote from an environment whose rollout failed.`,
    );
  }
  return {
    image: service.image,
    taskDefinitionArn: service.taskDefinitionArn,
    rolloutState: service.primary?.rolloutState,
    gitSha: service.gitSha,
  };
}

/** Refuses when the caller pinned a digest (e.g. the one the staging job promoted) and the source moved on. */
export function assertExpectedDigest(env: string, running: RunningImage, expected: string | undefined): void {
  if (expected && running.image.digest !== expected) {
    throw new Error(
      `${env} runs ${running.image.digest}, not the expected ${expected}: it changed since; refusing to promote a digest nobody asked for.`,
    );
  }
}

/** One place that says which commit an image was built from. */
export interface RevisionEvidence {
  /** Where it was read ("ECS task definition GIT_SHA", "registry label", "dev deploy record"). */
  readonly source: string;
  readonly gitSha: string;
}

const FULL_OR_SHORT_SHA = /^[0-9a-f]{7,40}$/;

export function assertRevision(value: string, field: string): string {
  if (!FULL_OR_SHORT_SHA.test(value))
    throw new Error(
      `${field} must be a git commit sha (7-40 lowercase hex digits; got ${JSON.stringify(value)}).`,
    );
  return value;
}

/** Same commit: equal, or one an abbreviation (>= 7 hex) of the other; a `-dirty` build matches nothing. */
export function sameRevision(a: string, b: string): boolean {
  if (!FULL_OR_SHORT_SHA.test(a) || !FULL_OR_SHORT_SHA.test(b)) return false;
  return a.startsWith(b) || b.startsWith(a);
}

/**
 * Two records name the same build: the same commit, and both or neither from a dirty work tree. A
 * `-dirty` image can still be promoted between environments (its records agree), never as a release.
 */
export function sameBuild(a: string, b: string): boolean {
  const dirty = /-dirty$/;
  if (dirty.test(a) !== dirty.test(b)) return false;
  return sameRevision(a.replace(dirty, ""), b.replace(dirty, ""));
}

/**
 * Refuses to promote `digest` when the places that record its commit disagree, or, with `expected`
 * (the commit a release tag points to), when none records it or any names another commit. Runs before
 * anything is written.
 */
export function assertProvenance(
  digest: string,
  evidence: readonly RevisionEvidence[],
  expected: string | undefined,
): void {
  const described = evidence.map((e) => `${e.gitSha} (${e.source})`).join(", ");
  for (const e of evidence.slice(1)) {
    if (!sameBuild(e.gitSha, evidence[0].gitSha)) {
      throw new Error(
        `Refusing to promote ${digest}: its recorded origins disagree: ${described}. Nothing was written.`,
      );
    }
  }
  if (expected === undefined) return;
  assertRevision(expected, "--expect-revision");
  if (evidence.length === 0) {
    throw new Error(
      `Refusing to promote ${digest}: nothing records which commit it was built from (no GIT_SHA in the task definition, no revision label or git-sha tag in the registry, no deploy record), so it cannot be shown to be built from ${expected}. Nothing was written.`,
    );
  }
  const other = evidence.find((e) => !sameRevision(e.gitSha, expected));
  if (other) {
    throw new Error(
      `Refusing to promote ${digest}: it was built from ${other.gitSha} (${other.source}), not from ${expected}, the commit the release points to. Deploy ${expected} to the source environment first. Nothing was written.`,
    );
  }
}
