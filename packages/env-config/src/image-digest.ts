/**
 * The one definition of an image content digest: `sha256:` followed by 64 lower-case hex characters,
 * as registries and `docker push` print it. Images are deployed by digest, never by tag; every check
 * of a digest or of a `<repository>@<digest>` reference builds on this.
 */

/** Regular-expression source of a digest, unanchored and without groups, for composing larger patterns. */
export const DIGEST_SOURCE = "sha256:[a-f0-9]{64}";

/** A whole string that is a digest. */
export const DIGEST_PATTERN = new RegExp(`^${DIGEST_SOURCE}$`);

/** `<repository>@<digest>`, the repository without white space or `@`: group 1 the repository, group 2 the digest. */
export const IMAGE_REFERENCE_WITH_DIGEST = new RegExp(`^([^@\\s]+)@(${DIGEST_SOURCE})$`);

const DIGEST_SUFFIX = new RegExp(`@${DIGEST_SOURCE}$`);

const ALGORITHM_PREFIX = "sha256:";

/** True when `value` is a digest (`sha256:<64 lower-case hex>`). */
export function isDigest(value: unknown): value is string {
  return typeof value === "string" && DIGEST_PATTERN.test(value);
}

/** The 64 hex characters of a digest; undefined when `value` is not a digest. */
export function digestHex(value: unknown): string | undefined {
  return isDigest(value) ? value.slice(ALGORITHM_PREFIX.length) : undefined;
}

/** True when `reference` ends in `@<digest>`, whatever precedes it. */
export function endsWithDigest(reference: string): boolean {
  return DIGEST_SUFFIX.test(reference);
}

/** Splits `<repository>@<digest>` (see `IMAGE_REFERENCE_WITH_DIGEST`); undefined for anything else. */
export function splitDigestReference(
  reference: string,
): { readonly repository: string; readonly digest: string } | undefined {
  const m = IMAGE_REFERENCE_WITH_DIGEST.exec(reference);
  return m ? { repository: m[1], digest: m[2] } : undefined;
}
