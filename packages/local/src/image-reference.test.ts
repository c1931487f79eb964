import { digestReference, pinnedReference } from "./image-reference";

const DIGEST = `sha256:${"a".repeat(64)}`;

describe("digestReference", () => {
  it.each([
    "sample-service",
    "127.0.0.1:5001/sample-service",
    "123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/sample-service",
    "localhost:5001/a__b/c.d-e",
  ])("accepts repository %s", (repository) => {
    expect(digestReference("image", { repository, digest: DIGEST })).toBe(`${repository}@${DIGEST}`);
  });

  it.each(["Sample-Service", "repo:1.0", "127.0.0.1:5001/repo@sha256:abc", "", "/repo"])(
    "refuses repository %p",
    (repository) => {
      expect(() => digestReference("image", { repository, digest: DIGEST })).toThrow(
        /^image\.repository must be/,
      );
    },
  );

  it.each(["sha256:abc", `sha512:${"a".repeat(64)}`, `sha256:${"A".repeat(64)}`, "latest"])(
    "refuses digest %p",
    (digest) => {
      expect(() => digestReference("image", { repository: "repo", digest })).toThrow(
        /^image\.digest must be/,
      );
    },
  );
});

describe("pinnedReference", () => {
  it.each([
    "postgres:16-bookworm",
    "127.0.0.1:5001/postgres-standin:16",
    `postgres@${DIGEST}`,
    `postgres:16@${DIGEST}`,
    `127.0.0.1:5001/pg@${DIGEST}`,
  ])("accepts %s", (reference) => {
    expect(pinnedReference("image", reference)).toBe(reference);
  });

  it("treats a registry port as a port, not a tag", () => {
    expect(() => pinnedReference("image", "127.0.0.1:5001/postgres")).toThrow(/explicit tag or digest/);
  });

  it("refuses the latest tag, even next to a digest", () => {
    expect(() => pinnedReference("image", "postgres:latest")).toThrow(/^image must not use the "latest" tag/);
    expect(() => pinnedReference("image", `postgres:latest@${DIGEST}`)).toThrow(/"latest"/);
  });

  it.each(["Postgres:16", "postgres:-16", "postgres@sha256:short", "a@b@c"])("refuses %p", (reference) => {
    expect(() => pinnedReference("image", reference)).toThrow(/^image /);
  });
});
