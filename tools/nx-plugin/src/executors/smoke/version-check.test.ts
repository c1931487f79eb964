import { joinUrl, versionMismatch } from "./version-check";

const expected = { gitSha: "abc1234-dirty", version: "1.2.0" };

describe("versionMismatch", () => {
  it("accepts the deployed git SHA and version", () => {
    expect(
      versionMismatch({ git_sha: "abc1234-dirty", version: "1.2.0", hostname: "h" }, expected),
    ).toBeUndefined();
  });

  it("names the answering host when another build answers", () => {
    expect(versionMismatch({ git_sha: "0000000", version: "1.1.0", hostname: "task-1" }, expected)).toMatch(
      /git_sha "0000000" from task-1, expected abc1234-dirty/,
    );
  });

  it("catches a version mismatch on the same commit", () => {
    expect(versionMismatch({ git_sha: "abc1234-dirty", version: "1.1.0" }, expected)).toMatch(
      /version "1.1.0"/,
    );
  });

  it("refuses a body that is not an object", () => {
    expect(versionMismatch("ok", expected)).toMatch(/not return a JSON object/);
  });
});

describe("joinUrl", () => {
  it("joins with exactly one slash", () => {
    expect(joinUrl("http://127.0.0.1:8080/", "/version")).toBe("http://127.0.0.1:8080/version");
    expect(joinUrl("https://app.example.com", "version")).toBe("https://app.example.com/version");
  });

  it("refuses something that is not a URL", () => {
    expect(() => joinUrl("app.example.com", "/version")).toThrow(/Not an http/);
  });
});
