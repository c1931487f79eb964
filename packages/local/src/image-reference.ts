/**
 * Image references for the local twins. Containers run images by digest (the same reference the
 * AWS task definition gets), never by a moving tag, so a redeploy is an explicit change of digest.
 */

import { isDigest } from "@platform/env-config";

/** An image pinned by content digest, as recorded by the deploy chain's `push` step. */
export interface LocalImageDigest {
  /** Repository without tag or digest, e.g. `127.0.0.1:5001/sample-service`. */
  readonly repository: string;
  /** Content digest, `sha256:` followed by 64 lowercase hex characters. */
  readonly digest: string;
}

const HOST_COMPONENT = "[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?";
const PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const REPOSITORY = new RegExp(
  `^(?:${HOST_COMPONENT}(?:\\.${HOST_COMPONENT})*(?::[0-9]+)?/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`,
);
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** Splits `repo[:tag][@digest]`; the tag colon is the one after the last `/` (a registry port is not a tag). */
function splitReference(reference: string): { repository: string; tag?: string; digest?: string } {
  const [nameAndTag, digest, ...rest] = reference.split("@");
  if (rest.length > 0) return { repository: reference };
  const lastSlash = nameAndTag.lastIndexOf("/");
  const colon = nameAndTag.indexOf(":", lastSlash + 1);
  if (colon === -1) return { repository: nameAndTag, digest };
  return { repository: nameAndTag.slice(0, colon), tag: nameAndTag.slice(colon + 1), digest };
}

/**
 * Validates a digest-pinned image and returns `repository@digest`.
 * @param prop the prop name used in error messages, e.g. `image`
 */
export function digestReference(prop: string, image: LocalImageDigest): string {
  if (!REPOSITORY.test(image.repository)) {
    const hint = /[:@][^/]*$/.test(image.repository)
      ? ` (it must not carry a tag or digest: pass the digest in ${prop}.digest)`
      : "";
    throw new Error(
      `${prop}.repository must be a Docker repository name like "127.0.0.1:5001/sample-service" (lowercase path, optional registry host:port)${hint}; got "${image.repository}"`,
    );
  }
  if (!isDigest(image.digest)) {
    throw new Error(
      `${prop}.digest must be "sha256:" followed by 64 lowercase hex characters (deploys are pinned by digest, never by tag); got "${image.digest}"`,
    );
  }
  return `${image.repository}@${image.digest}`;
}

/**
 * Validates an image reference that carries an explicit tag or digest (`postgres:16-bookworm`,
 * `repo@sha256:...`). An untagged reference or the `latest` tag is refused: both move under you.
 * @param prop the prop name used in error messages
 */
export function pinnedReference(prop: string, reference: string): string {
  const { repository, tag, digest } = splitReference(reference);
  if (!REPOSITORY.test(repository)) {
    throw new Error(
      `${prop} must be an image reference like "postgres:16-bookworm" or "repo@sha256:<64 hex>"; got "${reference}"`,
    );
  }
  if (digest !== undefined && !isDigest(digest)) {
    throw new Error(
      `${prop} digest must be "sha256:" followed by 64 lowercase hex characters; got "${reference}"`,
    );
  }
  if (tag !== undefined && !TAG.test(tag)) {
    throw new Error(`${prop} tag must match [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}; got "${reference}"`);
  }
  if (tag === undefined && digest === undefined) {
    throw new Error(
      `${prop} must carry an explicit tag or digest (an untagged reference means "latest"); got "${reference}"`,
    );
  }
  if (tag === "latest") {
    throw new Error(
      `${prop} must not use the "latest" tag: pin a version tag or a digest; got "${reference}"`,
    );
  }
  return reference;
}
