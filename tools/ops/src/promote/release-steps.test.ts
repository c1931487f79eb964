import { releaseSteps } from "./release-steps";

describe("releaseSteps", () => {
  it("migrates, applies through the deploy chain's waiting apply, then smoke-checks; never builds or pushes", () => {
    const steps = releaseSteps(
      ["build", "dockerize", "push", "migrate", "apply", "smoke", "deploy"],
      ["apply", "plan"],
    );
    expect(steps.map((s) => `${s.project}:${s.target}`)).toEqual([
      "sample-service:migrate",
      "sample-service:apply",
      "sample-service:smoke",
    ]);
  });
  it("falls back to stacks:apply when the service has no apply target", () => {
    expect(releaseSteps(["migrate"], ["apply"]).map((s) => `${s.project}:${s.target}`)).toEqual([
      "sample-service:migrate",
      "stacks:apply",
    ]);
  });
  it("refuses without a migrate target", () => {
    expect(() => releaseSteps(["apply"], ["apply"])).toThrow(/no migrate target/);
  });
});
