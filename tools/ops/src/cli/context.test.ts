import { requireValue } from "./context";

const args = (values: Record<string, string> = {}) => ({
  command: "status",
  values,
  flags: new Set<string>(),
});

describe("requireValue", () => {
  it("takes env from the Nx configuration (-c <env>) before PLATFORM_ENV", () => {
    expect(requireValue(args(), "env", { NX_TASK_TARGET_CONFIGURATION: "dev", PLATFORM_ENV: "prod" })).toBe(
      "dev",
    );
    expect(requireValue(args(), "env", { PLATFORM_ENV: "prod" })).toBe("prod");
  });

  it("refuses an Nx configuration that is no environment instead of using PLATFORM_ENV", () => {
    expect(() =>
      requireValue(args(), "env", { NX_TASK_TARGET_CONFIGURATION: "prdo", PLATFORM_ENV: "staging" }),
    ).toThrow(/nx configuration \(-c prdo\) must be one of local, dev, staging, prod \(got "prdo"\)/);
  });

  it("prefers an explicit option and names a missing one", () => {
    expect(requireValue(args({ env: "staging" }), "env", { PLATFORM_ENV: "dev" })).toBe("staging");
    expect(() => requireValue(args(), "env", {})).toThrow(/status needs --env \(or -c <env> through Nx\)/);
  });
});
