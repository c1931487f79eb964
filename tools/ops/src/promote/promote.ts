import { type ImageRecord, imageRecordFile, readImageRecord, writeJsonFile } from "../lib/deploy-records";
import type { ServiceLocation } from "../lib/deployed-service";
import { describeDeployedService } from "../lib/deployed-service";
import type { AwsEnvironmentName } from "../lib/environments";
import { gitShaFromTag } from "../lib/image-reference";
import { lookUpImage, type RegistryImage } from "../lib/registry";
import {
  assertDigest,
  assertExpectedDigest,
  assertPromotionPath,
  assertProvenance,
  assertRevision,
  type RevisionEvidence,
  type RunningImage,
  runningImage,
} from "./promotion-rules";

export interface PromoteOptions {
  readonly from: AwsEnvironmentName;
  readonly to: AwsEnvironmentName;
  /** The service promoted (apps/<name>/service.json): its records and stack are its own. */
  readonly service: string;
  readonly repoRoot: string;
  /** Finds the service's ECS service in an environment (state outputs, outputs file, or a test's fixture). */
  readonly locate: (env: AwsEnvironmentName) => Promise<ServiceLocation>;
  /** Refuse unless the source runs exactly this digest. @default undefined (whatever it runs) */
  readonly expectDigest?: string;
  /**
   * Refuse unless the promoted image was built from this commit (the one the release tag points to),
   * per every place that records its origin. @default undefined - only refuses origins that disagree
   */
  readonly expectRevision?: string;
  /**
   * Registry that holds the bytes when it differs from the reference's registry (emulated ECR is
   * control plane only; the push step sends layers to the loopback registry). @default undefined
   */
  readonly bytesRegistry?: string;
  /** Check everything, write nothing. @default false */
  readonly dryRun?: boolean;
  /** Process environment for AWS clients. @default process.env */
  readonly environ?: NodeJS.ProcessEnv;
  /** Progress lines. @default no output */
  readonly log?: (line: string) => void;
}

export interface PromotionResult {
  readonly service: string;
  readonly from: AwsEnvironmentName;
  readonly to: AwsEnvironmentName;
  readonly source: RunningImage;
  readonly registry: RegistryImage;
  readonly record: ImageRecord;
  /** The target's image record, written unless dryRun. */
  readonly recordFile: string;
  readonly written: boolean;
}

/**
 * Promotes the digest one service runs in `from` to `to`: reads it from the live ECS service (not a
 * local file, not a rebuild), verifies the registry holds it, then writes
 * `dist/deploy/<to>/<service>/image.json` so that `<service>:migrate -c <to>` and `<service>:apply -c <to>`
 * (its stack only) deploy exactly that digest.
 */
export async function promote(options: PromoteOptions): Promise<PromotionResult> {
  const log = options.log ?? (() => {});
  const environ = options.environ ?? process.env;
  assertPromotionPath(options.from, options.to);
  if (options.expectDigest) assertDigest(options.expectDigest, "--expect-digest");
  if (options.expectRevision !== undefined) assertRevision(options.expectRevision, "--expect-revision");

  const location = await options.locate(options.from);
  log(
    `${options.service} in ${options.from}: ECS service ${location.service} in ${location.cluster} (${location.region}; from ${location.source})`,
  );
  const deployed = await describeDeployedService(location, environ);
  const source = runningImage(options.from, deployed);
  assertExpectedDigest(options.from, source, options.expectDigest);
  log(
    `${options.from} runs ${source.image.reference} (${source.taskDefinitionArn}, rollout ${source.rolloutState ?? "n/a"})`,
  );

  const registry = await lookUpImage(source.image, { env: environ, bytesRegistry: options.bytesRegistry });
  if (!registry.exists) {
    throw new Error(
      `Refusing to promote ${source.image.reference}: the registry does not hold it (${registry.where}: ${registry.reason ?? "not found"}). Nothing was written.`,
    );
  }
  log(
    `registry holds ${source.image.digest} (${registry.where}${registry.tags?.length ? `; tags ${registry.tags.join(", ")}` : ""})`,
  );

  const sourceRecord = readImageRecord(imageRecordFile(options.repoRoot, options.from, options.service));
  const sameDigest = sourceRecord?.digest === source.image.digest ? sourceRecord : undefined;
  const evidence: RevisionEvidence[] = [
    { source: `${options.from} ECS task definition`, gitSha: source.gitSha },
    { source: `registry (${registry.where})`, gitSha: registry.gitSha },
    { source: `${options.from} deploy record`, gitSha: sameDigest?.gitSha },
  ].flatMap((e) => (e.gitSha && e.gitSha !== "unknown" ? [{ source: e.source, gitSha: e.gitSha }] : []));
  assertProvenance(source.image.digest, evidence, options.expectRevision);
  if (options.expectRevision)
    log(`built from ${options.expectRevision}: ${evidence.map((e) => e.source).join(", ")} agree`);
  const gitSha = source.gitSha ?? registry.gitSha ?? sameDigest?.gitSha ?? "unknown";
  if (gitSha === "unknown")
    log(`warning: no git sha known for ${source.image.digest}; the smoke check cannot compare /version`);
  const tag = registry.tags?.find((t) => gitShaFromTag(t)) ?? sameDigest?.tag ?? "";
  const now = new Date().toISOString();
  const record: ImageRecord = {
    repository: source.image.repository,
    digest: source.image.digest,
    reference: source.image.reference,
    gitSha,
    version: sameDigest?.version ?? "",
    tag,
    pushedAt: registry.pushedAt ?? sameDigest?.pushedAt ?? "",
    pushedTo: options.bytesRegistry
      ? `${options.bytesRegistry}/${source.image.path}`
      : source.image.repository,
    environment: options.to,
    promotedFrom: {
      environment: options.from,
      taskDefinitionArn: source.taskDefinitionArn,
      at: now,
      by: environ.GITHUB_ACTOR || environ.USER || environ.LOGNAME || "unknown",
      via: environ.GITHUB_RUN_ID
        ? `${environ.GITHUB_WORKFLOW ?? "workflow"} run ${environ.GITHUB_RUN_ID}`
        : "ops promote (shell)",
      ...(options.expectRevision ? { verifiedRevision: options.expectRevision } : {}),
      revisionSources: evidence.map((e) => e.source),
    },
  };
  const recordFile = imageRecordFile(options.repoRoot, options.to, options.service);
  if (!options.dryRun) {
    writeJsonFile(recordFile, record);
    log(`wrote ${recordFile}: ${options.service} in ${options.to} will deploy ${record.reference}`);
  }
  return {
    service: options.service,
    from: options.from,
    to: options.to,
    source,
    registry,
    record,
    recordFile,
    written: !options.dryRun,
  };
}
