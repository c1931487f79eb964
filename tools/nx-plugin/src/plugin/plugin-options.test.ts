import { normalizePluginOptions } from "./plugin-options";

describe("normalizePluginOptions", () => {
  it("defaults to the first environment and every service type", () => {
    expect(normalizePluginOptions({ environments: ["local", "dev"] })).toEqual({
      environments: ["local", "dev"],
      defaultEnvironment: "local",
      chainServiceTypes: ["web", "worker"],
    });
  });

  it("refuses missing environments naming the option", () => {
    expect(() => normalizePluginOptions(undefined)).toThrow(
      /options\.environments must list the environment names/,
    );
  });

  it("refuses a default environment that is not an environment, listing them", () => {
    expect(() =>
      normalizePluginOptions({ environments: ["local", "dev"], defaultEnvironment: "qa" }),
    ).toThrow(/options\.defaultEnvironment must be one of local, dev \(got "qa"\)/);
  });
});
