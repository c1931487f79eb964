import {
  chooseRemoteTag,
  decodeEcrToken,
  parsePushedDigest,
  planPush,
  splitRepositoryUrl,
} from "./push-plan";

const ECR = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/sample-service";
const DIGEST = `sha256:${"ab".repeat(32)}`;

describe("planPush", () => {
  it("local: pushes to and records the loopback registry, no ECR", () => {
    expect(
      planPush({
        kind: "local",
        emulated: false,
        loopbackRegistry: "127.0.0.1:5001",
        repositoryName: "sample-service",
      }),
    ).toEqual({
      registryHost: "127.0.0.1:5001",
      pushRepository: "127.0.0.1:5001/sample-service",
      recordRepository: "127.0.0.1:5001/sample-service",
      ecrLogin: false,
      mirrorManifestToEcr: false,
    });
  });

  it("real AWS: logs in to and pushes to ECR", () => {
    const plan = planPush({
      kind: "aws",
      emulated: false,
      loopbackRegistry: "127.0.0.1:5001",
      repositoryName: "x",
      ecrRepositoryUrl: ECR,
    });
    expect(plan).toMatchObject({
      registryHost: "123456789012.dkr.ecr.eu-west-1.amazonaws.com",
      pushRepository: ECR,
      recordRepository: ECR,
      ecrLogin: true,
      mirrorManifestToEcr: false,
      ecrRepositoryName: "sample-service",
    });
  });

  it("emulated AWS: bytes to the loopback registry, ECR's name recorded, manifest mirrored into ECR", () => {
    const plan = planPush({
      kind: "aws",
      emulated: true,
      loopbackRegistry: "127.0.0.1:5001",
      repositoryName: "x",
      ecrRepositoryUrl: ECR,
    });
    expect(plan).toMatchObject({
      registryHost: "127.0.0.1:5001",
      pushRepository: "127.0.0.1:5001/sample-service",
      recordRepository: ECR,
      mirrorManifestToEcr: true,
    });
  });

  it("refuses an AWS push without the registry stack's URL", () => {
    expect(() =>
      planPush({ kind: "aws", emulated: false, loopbackRegistry: "r", repositoryName: "x" }),
    ).toThrow(/repository URL/);
  });
});

describe("splitRepositoryUrl", () => {
  it("refuses a URL that carries a tag", () => {
    expect(() => splitRepositoryUrl(`${ECR}:latest`)).toThrow(/no tag or digest/);
  });
});

describe("parsePushedDigest", () => {
  it("reads the digest docker prints for the pushed tag", () => {
    const out = `The push refers to repository [127.0.0.1:5001/sample-service]\n5f70bf18a086: Pushed\nabc123: digest: ${DIGEST} size: 1570\n`;
    expect(parsePushedDigest(out, "abc123")).toBe(DIGEST);
  });

  it("fails with docker's output when there is no digest", () => {
    expect(() => parsePushedDigest("denied: access forbidden", "abc")).toThrow(/no manifest digest.*denied/s);
  });
});

describe("decodeEcrToken", () => {
  it("splits user and password at the first colon", () => {
    const token = Buffer.from("AWS:pa:ss").toString("base64");
    expect(decodeEcrToken(token)).toEqual({ username: "AWS", password: "pa:ss" });
  });

  it("refuses a token without a password", () => {
    expect(() => decodeEcrToken(Buffer.from("AWS").toString("base64"))).toThrow(/<user>:<password>/);
  });
});

describe("chooseRemoteTag", () => {
  const base = { tag: "abc1234", imageId: `sha256:${"1234567890ab".repeat(5)}cdef`, knownDigests: [DIGEST] };

  it("uses the git-SHA tag when the repository does not hold it", () => {
    expect(chooseRemoteTag(base)).toEqual({ tag: "abc1234", alreadyPushed: false });
  });

  it("reuses the tag when it already holds this very image", () => {
    expect(chooseRemoteTag({ ...base, existingDigest: DIGEST })).toEqual({
      tag: "abc1234",
      alreadyPushed: true,
    });
  });

  it("adds the image id when the immutable tag holds another image", () => {
    expect(chooseRemoteTag({ ...base, existingDigest: `sha256:${"f".repeat(64)}` })).toEqual({
      tag: "abc1234-1234567890ab",
      alreadyPushed: false,
    });
  });
});
