import { splitDigestReference } from "@platform/env-config";

/** An image addressed by digest: `<registry-host>/<path>@sha256:<64 hex>`. */
export interface ImageReference {
  /** `<registry-host>/<path>`. */
  readonly repository: string;
  /** Registry host (with port), e.g. `123456789012.dkr.ecr.eu-west-1.amazonaws.com` or `127.0.0.1:5001`. */
  readonly registry: string;
  /** Repository path inside the registry, e.g. the service's name. */
  readonly path: string;
  /** `sha256:<64 hex>`. */
  readonly digest: string;
  /** `<repository>@<digest>`. */
  readonly reference: string;
}

// `<registry>/<path>`: the registry host is everything before the first `/`.
const REGISTRY_AND_PATH = /^([^@\s/]+)\/([^@\s]+)$/;

/** Parses `<host>/<path>@sha256:<64 hex>`; anything else (a tag, no host) throws naming `what`. */
export function parseImageReference(value: string, what = "image"): ImageReference {
  const split = splitDigestReference(value.trim());
  const m = split ? REGISTRY_AND_PATH.exec(split.repository) : null;
  if (!split || !m || /:[^/]*$/.test(m[2])) {
    throw new Error(
      `${what} must be "<registry>/<repository>@sha256:<64 hex digits>" (got ${JSON.stringify(value)}); environments run images by digest, never by tag.`,
    );
  }
  const [, registry, path] = m;
  const { digest } = split;
  return {
    registry,
    path,
    digest,
    repository: `${registry}/${path}`,
    reference: `${registry}/${path}@${digest}`,
  };
}

/** ECR registry facts from a host like `123456789012.dkr.ecr.eu-west-1.amazonaws.com`; undefined otherwise. */
export function ecrRegistry(
  host: string,
): { readonly accountId: string; readonly region: string } | undefined {
  const m = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/.exec(host);
  return m ? { accountId: m[1], region: m[2] } : undefined;
}

/** Loopback registries speak plain HTTP (docker allows it for 127.0.0.0/8 and localhost); others HTTPS. */
export function registryBaseUrl(host: string): string {
  const loopback = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/.test(host);
  return `${loopback ? "http" : "https"}://${host}`;
}

/**
 * The git sha an image tag carries: the push step tags `<git-sha>`, `<git-sha>-dirty`, or
 * `<git-sha>-<image-id-12>` when an immutable tag was taken by another build of the same commit.
 */
export function gitShaFromTag(tag: string): string | undefined {
  const m = /^([0-9a-f]{7,40})(-dirty)?(?:-[0-9a-f]{12})?$/.exec(tag);
  return m ? `${m[1]}${m[2] ?? ""}` : undefined;
}
