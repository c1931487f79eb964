import { assertKnownConfigurations, requestedConfigurations } from "./requested-configurations";

const ENVIRONMENTS = ["local", "dev", "staging", "prod"];

describe("requestedConfigurations", () => {
  it.each([
    [["run", "stacks:synth", "-c", "dev"], ["dev"]],
    [["run", "stacks:synth", "-cdev"], ["dev"]],
    [["run", "stacks:synth", "-c=dev"], ["dev"]],
    [["affected", "-t", "deploy", "--configuration", "dev"], ["dev"]],
    [["run-many", "-t", "plan", "--configuration=staging"], ["staging"]],
    [["run", "stacks:synth:prod"], ["prod"]],
    [["stacks:synth:prod"], ["prod"]],
  ])("reads %j as %j", (args, expected) => {
    expect(requestedConfigurations(args)).toEqual(expected);
  });

  it("reads nothing from a command without a configuration", () => {
    expect(requestedConfigurations(["run", "stacks:synth", "--skip-nx-cache"])).toEqual([]);
    expect(requestedConfigurations(["affected", "-t", "deploy", "--base=main"])).toEqual([]);
  });

  it("leaves arguments after -- to the task", () => {
    expect(requestedConfigurations(["run", "ops:status", "--", "-c", "whatever"])).toEqual([]);
  });

  it("does not take a -c followed by another flag as a value", () => {
    expect(requestedConfigurations(["run", "stacks:synth", "-c", "--verbose"])).toEqual([]);
  });
});

describe("assertKnownConfigurations", () => {
  it("accepts every environment", () => {
    for (const env of ENVIRONMENTS) {
      expect(() => assertKnownConfigurations(["run", "stacks:synth", "-c", env], ENVIRONMENTS)).not.toThrow();
    }
  });

  it("refuses an unknown configuration naming the environments", () => {
    expect(() => assertKnownConfigurations(["run", "stacks:synth", "-c", "prdo"], ENVIRONMENTS)).toThrow(
      /Unknown configuration "prdo".*environments local, dev, staging, prod/,
    );
  });

  it("refuses an unknown configuration in a project:target:configuration specifier", () => {
    expect(() => assertKnownConfigurations(["run", "stacks:plan:stagin"], ENVIRONMENTS)).toThrow(
      /Unknown configuration "stagin"/,
    );
  });
});
