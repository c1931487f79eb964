import type { DeployedService } from "../lib/deployed-service";
import { parseImageReference } from "../lib/image-reference";
import {
  assertDigest,
  assertExpectedDigest,
  assertPromotionPath,
  assertProvenance,
  runningImage,
  sameRevision,
} from "./promotion-rules";

const DIGEST = `sha256:${"a".repeat(64)}`;
const REF = `123456789012.dkr.ecr.eu-west-1.amazonaws.com/sample-service@${DIGEST}`;

function service(overrides: Partial<DeployedService> = {}): DeployedService {
  const td = "arn:aws:ecs:eu-west-1:123456789012:task-definition/dev-sample-service:7";
  return {
    location: { region: "eu-west-1", cluster: "c", service: "s", source: "test" },
    serviceArn: "arn:svc",
    status: "ACTIVE",
    taskDefinitionArn: td,
    family: "dev-sample-service",
    revision: 7,
    containerName: "app",
    imageUri: REF,
    image: parseImageReference(REF),
    running: 1,
    desired: 1,
    pending: 0,
    deployments: [
      {
        id: "d1",
        status: "PRIMARY",
        taskDefinitionArn: td,
        rolloutState: "COMPLETED",
        running: 1,
        desired: 1,
        pending: 0,
        failedTasks: 0,
      },
    ],
    primary: {
      id: "d1",
      status: "PRIMARY",
      taskDefinitionArn: td,
      rolloutState: "COMPLETED",
      running: 1,
      desired: 1,
      pending: 0,
      failedTasks: 0,
    },
    ...overrides,
  };
}

describe("assertPromotionPath", () => {
  it("accepts one step along dev -> staging -> prod", () => {
    expect(() => assertPromotionPath("dev", "staging")).not.toThrow();
    expect(() => assertPromotionPath("staging", "prod")).not.toThrow();
  });
  it("refuses to skip staging", () => {
    expect(() => assertPromotionPath("dev", "prod")).toThrow(
      /Refusing to skip staging.*prod only accepts the digest currently running in staging/,
    );
  });
  it("refuses to promote backwards", () => {
    expect(() => assertPromotionPath("prod", "staging")).toThrow(/backwards/);
  });
  it("refuses the same environment twice", () => {
    expect(() => assertPromotionPath("dev", "dev")).toThrow(/nothing to promote/);
  });
});

describe("runningImage", () => {
  it("takes the image of the service's current task definition", () => {
    const r = runningImage("dev", service());
    expect(r.image.digest).toBe(DIGEST);
    expect(r.taskDefinitionArn).toMatch(/:7$/);
  });
  it("refuses an environment without a service", () => {
    expect(() => runningImage("staging", undefined)).toThrow(/staging has no ECS service/);
  });
  it("refuses an image that is not pinned by digest", () => {
    expect(() =>
      runningImage("dev", service({ image: undefined, imageUri: "repo/sample-service:latest" })),
    ).toThrow(/not pinned by digest/);
  });
  it("refuses a failed rollout", () => {
    const failed = {
      ...service().deployments[0],
      rolloutState: "FAILED",
      rolloutStateReason: "circuit breaker",
    };
    expect(() => runningImage("dev", service({ deployments: [failed], primary: failed }))).toThrow(/FAILED/);
  });
  it("accepts an IN_PROGRESS rollout (the emulator never completes one)", () => {
    const p = { ...service().deployments[0], rolloutState: "IN_PROGRESS" };
    expect(runningImage("dev", service({ primary: p, deployments: [p] })).rolloutState).toBe("IN_PROGRESS");
  });
});

describe("expected digest", () => {
  it("refuses when the source moved on", () => {
    const r = runningImage("staging", service());
    expect(() => assertExpectedDigest("staging", r, `sha256:${"b".repeat(64)}`)).toThrow(/not the expected/);
    expect(() => assertExpectedDigest("staging", r, DIGEST)).not.toThrow();
  });
  it("validates the digest format, naming the option", () => {
    expect(() => assertDigest("sha256:abc", "--expect-digest")).toThrow(/--expect-digest must be sha256:<64/);
  });
});

describe("assertProvenance", () => {
  const sha = "0123456789abcdef0123456789abcdef01234567";
  const ecs = { source: "dev ECS task definition", gitSha: sha };
  const label = { source: "registry label", gitSha: sha.slice(0, 7) };
  it("accepts origins that agree (a short sha abbreviates the full one) and match the release commit", () => {
    expect(() => assertProvenance(DIGEST, [ecs, label], sha)).not.toThrow();
    expect(() => assertProvenance(DIGEST, [ecs], undefined)).not.toThrow();
  });
  it("refuses origins that disagree, naming each", () => {
    expect(() =>
      assertProvenance(DIGEST, [ecs, { source: "dev deploy record", gitSha: "fedcba9" }], undefined),
    ).toThrow(
      /recorded origins disagree: 0123456789abcdef0123456789abcdef01234567 \(dev ECS task definition\), fedcba9 \(dev deploy record\)/,
    );
  });
  it("refuses an image built from another commit than the release's", () => {
    expect(() => assertProvenance(DIGEST, [label], "fedcba9876")).toThrow(
      /built from 0123456 \(registry label\), not from fedcba9876/,
    );
  });
  it("refuses an image whose origin nothing records when a release commit is expected", () => {
    expect(() => assertProvenance(DIGEST, [], sha)).toThrow(/nothing records which commit it was built from/);
  });
  it("refuses a malformed expected revision", () => {
    expect(() => assertProvenance(DIGEST, [ecs], "v1.2.0")).toThrow(
      /--expect-revision must be a git commit sha/,
    );
  });
  it("accepts a dirty build whose records agree, but never as the release commit", () => {
    const dirty = [
      { source: "dev ECS task definition", gitSha: `${sha}-dirty` },
      { source: "dev deploy record", gitSha: `${sha.slice(0, 7)}-dirty` },
    ];
    expect(() => assertProvenance(DIGEST, dirty, undefined)).not.toThrow();
    expect(() => assertProvenance(DIGEST, [ecs, dirty[1]], undefined)).toThrow(/recorded origins disagree/);
    expect(() => assertProvenance(DIGEST, dirty, sha)).toThrow(/built from .*-dirty/);
  });
  it("never matches a dirty build", () => {
    expect(sameRevision(`${sha}-dirty`, sha)).toBe(false);
    expect(sameRevision("012345", sha)).toBe(false);
  });
});
