import { ecrRegistry, gitShaFromTag, parseImageReference, registryBaseUrl } from "./image-reference";

const D = `sha256:${"0123456789abcdef".repeat(4)}`;

describe("parseImageReference", () => {
  it("splits registry, path and digest", () => {
    expect(parseImageReference(`127.0.0.1:5001/team/sample-service@${D}`)).toEqual({
      registry: "127.0.0.1:5001",
      path: "team/sample-service",
      digest: D,
      repository: "127.0.0.1:5001/team/sample-service",
      reference: `127.0.0.1:5001/team/sample-service@${D}`,
    });
  });
  it.each([
    "sample-service:abc",
    `sample-service@${D}`,
    "127.0.0.1:5001/sample-service:latest",
    `r/x:tag@${D}`,
    "r/x@sha256:abc",
  ])("refuses %s (tag, no registry or bad digest)", (value) => {
    expect(() => parseImageReference(value, "image")).toThrow(
      /image must be "<registry>\/<repository>@sha256/,
    );
  });
});

describe("registries", () => {
  it("recognises ECR hosts", () => {
    expect(ecrRegistry("123456789012.dkr.ecr.eu-west-1.amazonaws.com")).toEqual({
      accountId: "123456789012",
      region: "eu-west-1",
    });
    expect(ecrRegistry("127.0.0.1:5001")).toBeUndefined();
  });
  it("speaks HTTP only to loopback registries", () => {
    expect(registryBaseUrl("127.0.0.1:5001")).toBe("http://127.0.0.1:5001");
    expect(registryBaseUrl("localhost:5000")).toBe("http://localhost:5000");
    expect(registryBaseUrl("registry.example.com")).toBe("https://registry.example.com");
  });
});

describe("gitShaFromTag", () => {
  it.each([
    ["abc1234", "abc1234"],
    ["abc1234-dirty", "abc1234-dirty"],
    ["abc1234-0123456789ab", "abc1234"],
    ["abc1234-dirty-0123456789ab", "abc1234-dirty"],
    ["latest", undefined],
    ["v1.2.3", undefined],
  ])("%s -> %s", (tag, sha) => {
    expect(gitShaFromTag(tag)).toBe(sha);
  });
});
