import { releaseStepCommand, releaseSteps } from "./release-steps";

const names = (steps: ReturnType<typeof releaseSteps>) =>
  steps.map((s) => `${s.project}:${s.target}${s.args ? ` -- ${s.args.join(" ")}` : ""}`);

describe("releaseSteps", () => {
  it("migrates, applies through the service's waiting apply, then smoke-checks; never builds or pushes", () => {
    const steps = releaseSteps(
      "orders",
      ["build", "dockerize", "push", "migrate", "apply", "smoke", "deploy"],
      ["apply", "plan"],
    );
    expect(names(steps)).toEqual(["orders:migrate", "orders:apply", "orders:smoke"]);
  });
  it("falls back to stacks:apply of the service's stack when the service has no apply target", () => {
    expect(names(releaseSteps("orders", ["migrate"], ["apply"]))).toEqual([
      "orders:migrate",
      "stacks:apply -- --service orders",
    ]);
  });
  it("refuses without a migrate target, naming the service", () => {
    expect(() => releaseSteps("jobs", ["apply"], ["apply"])).toThrow(/^jobs has no migrate target/);
  });
  it("runs each step as nx run <project>:<target> -c <env> without its dependencies", () => {
    expect(releaseStepCommand({ project: "orders", target: "migrate" }, "staging")).toEqual([
      "nx",
      "run",
      "orders:migrate",
      "-c",
      "staging",
      "--excludeTaskDependencies",
      "--outputStyle=static",
    ]);
    expect(
      releaseStepCommand({ project: "stacks", target: "apply", args: ["--service", "orders"] }, "prod").slice(
        -3,
      ),
    ).toEqual(["--", "--service", "orders"]);
  });
});
