import { environmentKind, parseEnvironment, resolveEnvPath } from "./environment";

describe("parseEnvironment", () => {
  it("names the allowed environments", () => {
    expect(() => parseEnvironment("qa")).toThrow(
      /"environment" must be one of local, dev, staging, prod \(got "qa"\)/,
    );
  });

  it("maps local to Docker and the rest to AWS", () => {
    expect(environmentKind(parseEnvironment("local"))).toBe("local");
    expect(environmentKind(parseEnvironment("prod"))).toBe("aws");
  });
});

describe("resolveEnvPath", () => {
  it("replaces {environment} and resolves against the root", () => {
    expect(resolveEnvPath("/repo", "dist/deploy/{environment}/image.json", "dev")).toBe(
      "/repo/dist/deploy/dev/image.json",
    );
  });

  it("refuses {environment} without an environment", () => {
    expect(() => resolveEnvPath("/repo", "dist/{environment}")).toThrow(/no environment/);
  });
});
