import { environmentsToPlan } from "./affected-environments";

describe("environmentsToPlan", () => {
  it("plans nothing when the stacks are not affected", () => {
    expect(environmentsToPlan(["sample-service"], ["apps/sample-service/src/app.ts"])).toEqual([]);
  });
  it("plans only the environment whose config file changed", () => {
    expect(environmentsToPlan(["stacks"], ["stacks/src/config/prod.ts", "README.md"])).toEqual(["prod"]);
    expect(environmentsToPlan(["stacks"], ["stacks/src/config/prod.ts", "stacks/src/config/dev.ts"])).toEqual(
      ["dev", "prod"],
    );
  });
  it("plans every environment for a construct or shared change", () => {
    expect(environmentsToPlan(["network", "stacks"], ["packages/network/src/network/network.ts"])).toEqual([
      "dev",
      "staging",
      "prod",
    ]);
    expect(environmentsToPlan(["stacks"], ["stacks/src/config/shared.ts"])).toEqual([
      "dev",
      "staging",
      "prod",
    ]);
    expect(environmentsToPlan(["stacks"], ["stacks/src/config/dev.ts", "package-lock.json"])).toEqual([
      "dev",
      "staging",
      "prod",
    ]);
  });
});
