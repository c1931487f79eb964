import {
  DIGEST_PATTERN,
  DIGEST_SOURCE,
  digestHex,
  endsWithDigest,
  IMAGE_REFERENCE_WITH_DIGEST,
  isDigest,
  splitDigestReference,
} from "./image-digest";

const HEX = "0123456789abcdef".repeat(4);
const DIGEST = `sha256:${HEX}`;
const REPO = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/sample-service";

const NOT_DIGESTS: ReadonlyArray<[string, string]> = [
  ["upper-case hex", `sha256:${HEX.toUpperCase()}`],
  ["one upper-case character", `sha256:${HEX.slice(0, 63)}F`],
  ["63 hex", `sha256:${HEX.slice(0, 63)}`],
  ["65 hex", `sha256:${HEX}0`],
  ["a non-hex character", `sha256:${HEX.slice(0, 63)}g`],
  ["another algorithm", `sha512:${HEX}`],
  ["no algorithm", HEX],
  ["a tag only", "sample-service:1.2.3"],
  ["a reference, not a digest", `${REPO}@${DIGEST}`],
  ["leading white space", ` ${DIGEST}`],
  ["a trailing newline", `${DIGEST}\n`],
  ["the empty string", ""],
];

describe("DIGEST_PATTERN / isDigest", () => {
  it("accepts sha256: and 64 lower-case hex", () => {
    expect(DIGEST_PATTERN.test(DIGEST)).toBe(true);
    expect(isDigest(DIGEST)).toBe(true);
    expect(isDigest(`sha256:${"0".repeat(64)}`)).toBe(true);
  });

  it.each(NOT_DIGESTS)("rejects %s", (_what, value) => {
    expect(DIGEST_PATTERN.test(value)).toBe(false);
    expect(isDigest(value)).toBe(false);
  });

  it("rejects what is not a string", () => {
    expect(isDigest(undefined)).toBe(false);
    expect(isDigest(null)).toBe(false);
    expect(isDigest({ toString: () => DIGEST })).toBe(false);
  });

  it("DIGEST_SOURCE composes into the same language", () => {
    expect(DIGEST_PATTERN.source).toBe(`^${DIGEST_SOURCE}$`);
    expect(new RegExp(`digest: (${DIGEST_SOURCE}) size`).exec(`t: digest: ${DIGEST} size: 1`)?.[1]).toBe(
      DIGEST,
    );
  });
});

describe("digestHex", () => {
  it("returns the 64 hex characters of a digest", () => {
    expect(digestHex(DIGEST)).toBe(HEX);
  });

  it.each(NOT_DIGESTS)("is undefined for %s", (_what, value) => {
    expect(digestHex(value)).toBeUndefined();
  });
});

describe("endsWithDigest", () => {
  it("accepts <anything>@<digest>", () => {
    expect(endsWithDigest(`${REPO}@${DIGEST}`)).toBe(true);
    expect(endsWithDigest(`127.0.0.1:5001/web:abc1234@${DIGEST}`)).toBe(true);
  });

  it("rejects a tag, a bare digest, a short or upper-case digest", () => {
    expect(endsWithDigest(`${REPO}:abc1234`)).toBe(false);
    expect(endsWithDigest(DIGEST)).toBe(false);
    expect(endsWithDigest(`${REPO}@sha256:${HEX.slice(0, 63)}`)).toBe(false);
    expect(endsWithDigest(`${REPO}@sha256:${HEX.toUpperCase()}`)).toBe(false);
    expect(endsWithDigest(`${REPO}@${DIGEST}x`)).toBe(false);
  });
});

describe("splitDigestReference / IMAGE_REFERENCE_WITH_DIGEST", () => {
  it("splits <repository>@<digest>", () => {
    expect(splitDigestReference(`${REPO}@${DIGEST}`)).toEqual({ repository: REPO, digest: DIGEST });
    expect(splitDigestReference(`web@${DIGEST}`)).toEqual({ repository: "web", digest: DIGEST });
    expect(IMAGE_REFERENCE_WITH_DIGEST.exec(`${REPO}@${DIGEST}`)?.slice(1)).toEqual([REPO, DIGEST]);
  });

  it.each([
    ["a tag only", `${REPO}:1.2.3`],
    ["a bare digest", DIGEST],
    ["no repository", `@${DIGEST}`],
    ["two @", `a@b@${DIGEST}`],
    ["white space in the repository", `my repo@${DIGEST}`],
    ["an upper-case digest", `${REPO}@sha256:${HEX.toUpperCase()}`],
    ["63 hex", `${REPO}@sha256:${HEX.slice(0, 63)}`],
  ])("refuses %s", (_what, value) => {
    expect(splitDigestReference(value)).toBeUndefined();
    expect(IMAGE_REFERENCE_WITH_DIGEST.test(value)).toBe(false);
  });
});
