import { createHash } from "node:crypto";
import {
  BatchGetImageCommand,
  type BatchGetImageCommandOutput,
  DescribeImagesCommand,
  ECRClient,
  PutImageCommand,
} from "@aws-sdk/client-ecr";
import { digestHex } from "@platform/env-config";
import { splitRepositoryUrl } from "../executors/push/push-plan";
import { awsClientConfig, regionFrom, regionFromEnv } from "./aws";
import type { PushedImage } from "./deploy-files";
import { type EnvironmentName, environmentKind } from "./environment";
import { errorMessage, type StepLog } from "./log";
import { OUTPUTS, outputsProducer } from "./output-names";
import { StackOutputs } from "./stack-outputs";

/**
 * Tag prefix of images an environment runs or ran. The registry's lifecycle policy never expires them:
 * it must equal `ContainerRegistry`'s `deployedTagPrefix` (default `DEFAULT_DEPLOYED_TAG_PREFIX`,
 * packages/registry/src/container-registry/container-registry.ts).
 */
export const DEPLOYED_TAG_PREFIX = "deployed-";

/** Hex characters of the digest a deployed tag carries. */
export const DEPLOYED_TAG_DIGEST_CHARS = 12;

// The environment becomes part of a tag: lower-case letters, digits and inner dashes.
const ENV_IN_TAG = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

// Ask ECR for the manifest as stored: without these it may convert it, and the copy would hash to another digest.
const MANIFEST_MEDIA_TYPES = [
  "application/vnd.docker.distribution.manifest.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.index.v1+json",
];

/** A digest that is not `sha256:<64 lower-case hex>`. */
export class InvalidImageDigestError extends Error {
  override readonly name = "InvalidImageDigestError";

  constructor(readonly digest: unknown) {
    super(`An image digest must be sha256:<64 lower-case hex> (got ${JSON.stringify(digest)}).`);
  }
}

/** `deployed-<env>-<first 12 hex of the digest>`: the tag that marks `digest` as deployed to `env`. */
export function deployedTag(env: string, digest: string): string {
  const hex = digestHex(digest);
  if (!hex) throw new InvalidImageDigestError(digest);
  if (typeof env !== "string" || !ENV_IN_TAG.test(env)) {
    throw new Error(
      `An environment name in a deployed tag must be 1-64 lower-case letters, digits or inner "-" (got ${JSON.stringify(env)}).`,
    );
  }
  return `${DEPLOYED_TAG_PREFIX}${env}-${hex.slice(0, DEPLOYED_TAG_DIGEST_CHARS)}`;
}

export interface TagDeployedImageInput {
  readonly client: ECRClient;
  readonly repositoryName: string;
  readonly digest: string;
  readonly env: string;
  /** The account that owns the repository; defaults to the caller's. */
  readonly registryId?: string;
}

export interface DeployedImageTag {
  readonly tag: string;
  readonly repositoryName: string;
  readonly digest: string;
  /** The tag already named this digest (a re-deploy of the same image): nothing changed. */
  readonly alreadyTagged: boolean;
}

/**
 * Adds `deployedTag(env, digest)` to the image `digest` in ECR: BatchGetImage for its manifest, then
 * PutImage of that manifest under the tag (no bytes move; immutable tags allow adding a new tag).
 * Idempotent: the tag already on this digest is success. Any failure names the tag and repository.
 */
export async function tagDeployedImage(input: TagDeployedImageInput): Promise<DeployedImageTag> {
  const { client, repositoryName, digest, registryId } = input;
  const tag = deployedTag(input.env, digest);
  const fail = (why: string): never => {
    throw new Error(`Could not tag image ${digest} as ${tag} in ECR repository ${repositoryName}: ${why}`);
  };
  let got: BatchGetImageCommandOutput | undefined;
  try {
    got = await client.send(
      new BatchGetImageCommand({
        repositoryName,
        registryId,
        imageIds: [{ imageDigest: digest }],
        acceptedMediaTypes: MANIFEST_MEDIA_TYPES,
      }),
    );
  } catch (err) {
    fail(`BatchGetImage failed: ${errorName(err)}: ${errorMessage(err)}`);
  }
  const image = got?.images?.find((i) => i.imageId?.imageDigest === digest) ?? got?.images?.[0];
  const manifest = image?.imageManifest;
  const mediaType = image?.imageManifestMediaType;
  if (!manifest) {
    const f = got?.failures?.[0];
    return fail(
      `BatchGetImage returned no manifest for the digest${f ? ` (${f.failureCode}: ${f.failureReason})` : ""}.`,
    );
  }
  const actual = `sha256:${createHash("sha256").update(manifest).digest("hex")}`;
  if (actual !== digest) {
    fail(`the manifest BatchGetImage returned hashes to ${actual}; PutImage of it would not tag ${digest}.`);
  }
  try {
    await client.send(
      new PutImageCommand({
        repositoryName,
        registryId,
        imageManifest: manifest,
        imageManifestMediaType: mediaType,
        imageDigest: digest,
        imageTag: tag,
      }),
    );
    return { tag, repositoryName, digest, alreadyTagged: false };
  } catch (err) {
    const name = errorName(err);
    // Same tag on the same digest: ImageAlreadyExists (ECR; moto also for an immutable tag on another
    // digest), ImageTagAlreadyExists (ECR, immutable tag): either way, check what the tag names.
    if (name !== "ImageAlreadyExistsException" && name !== "ImageTagAlreadyExistsException") {
      fail(`PutImage failed: ${name}: ${errorMessage(err)}`);
    }
    const named = await digestOfTag(client, repositoryName, tag, registryId).catch((e: unknown) =>
      fail(`PutImage answered ${name}, and DescribeImages of the tag failed: ${errorMessage(e)}`),
    );
    if (named !== digest) {
      fail(`the immutable tag already names ${named ?? "another image"} (PutImage answered ${name}).`);
    }
    return { tag, repositoryName, digest, alreadyTagged: true };
  }
}

async function digestOfTag(
  client: ECRClient,
  repositoryName: string,
  imageTag: string,
  registryId: string | undefined,
): Promise<string | undefined> {
  const res = await client.send(
    new DescribeImagesCommand({ repositoryName, registryId, imageIds: [{ imageTag }] }),
  );
  return res.imageDetails?.[0]?.imageDigest;
}

function errorName(err: unknown): string {
  return err instanceof Error ? err.name : "Error";
}

export interface TagStableDeployInput {
  readonly environment: EnvironmentName;
  /** The service deployed: its repository is `<service>_repository_url` of the registry stack. */
  readonly service?: string;
  /** The stacks' outputs after the apply (the registry stack's `repository_url`). */
  readonly outputsFile: string;
  /** Whether the wait checked that the service's task definition runs `image` (apply's requirePushedImage). */
  readonly requirePushedImage: boolean;
}

/**
 * The apply step's last act on AWS: once the service is stable on the pushed image, tag that image
 * deployed (`deployedTag`) in the registry stack's repository, so the lifecycle policy keeps it for as
 * long as the environment may run or roll back to it. No-op for local, without a pushed image, or when
 * the wait did not check the service runs it (requirePushedImage off).
 */
export async function tagStableDeploy(
  o: TagStableDeployInput,
  image: PushedImage | undefined,
  log: StepLog,
  env: NodeJS.ProcessEnv = process.env,
): Promise<DeployedImageTag | undefined> {
  if (environmentKind(o.environment) === "local") return undefined;
  if (!image) {
    log.info("no image pushed in this checkout: no deployed tag to add");
    return undefined;
  }
  if (!o.requirePushedImage) {
    log.info(
      `requirePushedImage is off, so the wait did not check the service runs ${image.reference}: not tagging it deployed`,
    );
    return undefined;
  }
  const outputs = StackOutputs.load(
    o.outputsFile,
    outputsProducer(o.environment, false),
    o.service ? { service: o.service, environment: o.environment } : undefined,
  );
  const repositoryUrl = outputs.string(OUTPUTS.repositoryUrl);
  const tag = deployedTag(o.environment, image.digest);
  const { host, path: repositoryName } = splitRepositoryUrl(repositoryUrl);
  if (image.repository !== repositoryUrl) {
    throw new Error(
      `Could not tag image ${image.digest} as ${tag} in ECR repository ${repositoryName}: the pushed image is in ${image.repository}, not the registry stack's ${repositoryUrl} (${outputs.file}).`,
    );
  }
  const region = regionFrom(repositoryUrl) ?? regionFromEnv(env);
  if (!region) {
    throw new Error(
      `Could not tag image ${image.digest} as ${tag} in ECR repository ${repositoryName}: no AWS region (${repositoryUrl} names none and AWS_REGION is unset).`,
    );
  }
  const registryId = /^(\d{12})\.dkr\.ecr\./.exec(host)?.[1];
  const client = new ECRClient(awsClientConfig(region, env));
  try {
    const done = await tagDeployedImage({
      client,
      repositoryName,
      registryId,
      digest: image.digest,
      env: o.environment,
    });
    log.info(
      done.alreadyTagged
        ? `${repositoryName}@${image.digest} is already tagged ${done.tag}`
        : `tagged ${repositoryName}@${image.digest} ${done.tag} (the lifecycle policy keeps ${DEPLOYED_TAG_PREFIX}* images)`,
    );
    return done;
  } finally {
    client.destroy();
  }
}
