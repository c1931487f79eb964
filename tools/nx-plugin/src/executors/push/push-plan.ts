import { DIGEST_SOURCE } from "@platform/env-config";
import type { EnvironmentKind } from "../../lib/environment";

/** Where push sends the image and what it records. */
export interface PushPlan {
  /** Registry host docker logs in and pushes to. */
  readonly registryHost: string;
  /** `<registryHost>/<path>`: what docker tags and pushes. */
  readonly pushRepository: string;
  /** Repository written to image.json (what the task definition / container pulls). */
  readonly recordRepository: string;
  /** Get an ECR token and `docker login` with it. */
  readonly ecrLogin: boolean;
  /** Emulated ECR has no /v2/ registry: the bytes go to the loopback registry and the manifest to ECR via PutImage. */
  readonly mirrorManifestToEcr: boolean;
  /** ECR repository name (AWS only). */
  readonly ecrRepositoryName?: string;
}

export interface PushPlanInput {
  readonly kind: EnvironmentKind;
  readonly emulated: boolean;
  /** Loopback registry host:port from the toolchain. */
  readonly loopbackRegistry: string;
  /** Repository path in the loopback registry. */
  readonly repositoryName: string;
  /** The registry stack's ECR repository URL (AWS only). */
  readonly ecrRepositoryUrl?: string;
}

export function splitRepositoryUrl(url: string): { readonly host: string; readonly path: string } {
  const slash = url.indexOf("/");
  if (slash <= 0 || slash === url.length - 1 || /[@:]/.test(url.slice(slash)) || /\s/.test(url)) {
    throw new Error(
      `Not a repository URL (<registry-host>/<path>, no tag or digest): ${JSON.stringify(url)}`,
    );
  }
  return { host: url.slice(0, slash), path: url.slice(slash + 1) };
}

export function planPush(input: PushPlanInput): PushPlan {
  if (input.kind === "local") {
    return {
      registryHost: input.loopbackRegistry,
      pushRepository: `${input.loopbackRegistry}/${input.repositoryName}`,
      recordRepository: `${input.loopbackRegistry}/${input.repositoryName}`,
      ecrLogin: false,
      mirrorManifestToEcr: false,
    };
  }
  if (!input.ecrRepositoryUrl) throw new Error("An AWS push needs the registry stack's repository URL.");
  const ecr = splitRepositoryUrl(input.ecrRepositoryUrl);
  if (input.emulated) {
    return {
      registryHost: input.loopbackRegistry,
      pushRepository: `${input.loopbackRegistry}/${ecr.path}`,
      recordRepository: input.ecrRepositoryUrl,
      ecrLogin: true,
      mirrorManifestToEcr: true,
      ecrRepositoryName: ecr.path,
    };
  }
  return {
    registryHost: ecr.host,
    pushRepository: input.ecrRepositoryUrl,
    recordRepository: input.ecrRepositoryUrl,
    ecrLogin: true,
    mirrorManifestToEcr: false,
    ecrRepositoryName: ecr.path,
  };
}

const PUSHED_DIGEST = new RegExp(`digest: (${DIGEST_SOURCE})`);

/** The manifest digest docker prints at the end of a push (`<tag>: digest: sha256:... size: N`). */
export function parsePushedDigest(output: string, tag: string): string {
  const lines = output.split("\n").filter((l) => l.includes("digest: sha256:"));
  const mine = lines.find((l) => l.startsWith(`${tag}: `)) ?? lines[lines.length - 1];
  const m = mine ? PUSHED_DIGEST.exec(mine) : null;
  if (!m)
    throw new Error(`docker push printed no manifest digest for tag ${tag}. Its output:\n${output.trim()}`);
  return m[1];
}

/** ECR tokens are base64("AWS:<password>"). */
export function decodeEcrToken(token: string): { readonly username: string; readonly password: string } {
  const decoded = Buffer.from(token, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon <= 0 || colon === decoded.length - 1)
    throw new Error("The ECR authorization token is not <user>:<password>.");
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export interface RemoteTagInput {
  /** dockerize's tag: `<sha>` or `<sha>-dirty`. */
  readonly tag: string;
  readonly imageId: string;
  /** Digest the repository already holds under `tag`, if any (ECR tags are immutable). */
  readonly existingDigest?: string;
  /** Manifest digests this image is known by in the push repository (`docker image inspect` RepoDigests). */
  readonly knownDigests: readonly string[];
}

export type RemoteTag = { readonly tag: string; readonly alreadyPushed: boolean };

/**
 * The tag to push under an immutable-tag repository: the git-SHA tag when it is free or already holds
 * this very image; otherwise (a rebuild of the same commit, a second dirty build) the tag plus the
 * image id's first 12 hex digits, so a tag never moves and never becomes `latest`.
 */
export function chooseRemoteTag(input: RemoteTagInput): RemoteTag {
  if (!input.existingDigest) return { tag: input.tag, alreadyPushed: false };
  if (input.knownDigests.includes(input.existingDigest)) return { tag: input.tag, alreadyPushed: true };
  const id = input.imageId.replace(/^sha256:/, "").slice(0, 12);
  if (!/^[a-f0-9]{12}$/.test(id)) throw new Error(`Not an image id: ${JSON.stringify(input.imageId)}`);
  return { tag: `${input.tag}-${id}`, alreadyPushed: false };
}
