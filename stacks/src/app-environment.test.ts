import * as path from "node:path";
import { CONTEXT_ENV } from "cdktf";
import { appEnvironment, cliOutdir, contextEnvironment } from "./app-environment";

const context = (value: unknown) => ({ [CONTEXT_ENV]: JSON.stringify(value) });

describe("appEnvironment", () => {
  it("takes the first argument over PLATFORM_ENV and the cdktf context", () => {
    expect(appEnvironment(["staging"], { PLATFORM_ENV: "dev", ...context({ env: "local" }) })).toBe(
      "staging",
    );
  });

  it("takes PLATFORM_ENV over the cdktf context (cdktf.json always carries one)", () => {
    expect(appEnvironment([], { PLATFORM_ENV: "prod", ...context({ env: "local" }) })).toBe("prod");
  });

  it("falls back to the context value env that the cdktf CLI passes", () => {
    expect(appEnvironment([], context({ env: "dev", other: 1 }))).toBe("dev");
  });

  it("treats an empty PLATFORM_ENV as unset", () => {
    expect(appEnvironment([], { PLATFORM_ENV: "", ...context({ env: "staging" }) })).toBe("staging");
  });

  it("refuses an unknown environment, naming the sources and the allowed values", () => {
    expect(() => appEnvironment([], context({ env: "qa" }))).toThrow(
      /stacks app \(argument, PLATFORM_ENV, or cdktf.json "context".*must be one of local, dev, staging, prod \(got "qa"\)/,
    );
  });

  it("refuses an unknown Nx configuration rather than falling back to PLATFORM_ENV", () => {
    expect(() =>
      appEnvironment([], { NX_TASK_TARGET_CONFIGURATION: "prdo", PLATFORM_ENV: "staging" }),
    ).toThrow(/-c prdo.*must be one of local, dev, staging, prod/);
  });

  it("refuses no environment at all", () => {
    expect(() => appEnvironment([], {})).toThrow(/must be one of .* \(got ""\)/);
  });
});

describe("contextEnvironment", () => {
  it("is undefined without a context or without env in it", () => {
    expect(contextEnvironment({})).toBeUndefined();
    expect(contextEnvironment(context({ region: "eu-west-1" }))).toBeUndefined();
  });

  it("reports a context that is not JSON, naming the variable", () => {
    expect(() => contextEnvironment({ [CONTEXT_ENV]: "{env" })).toThrow(
      new RegExp(`^${CONTEXT_ENV} is not JSON`),
    );
  });

  it("turns a non-string env into text so the name check can show it", () => {
    expect(contextEnvironment(context({ env: 3 }))).toBe("3");
  });
});

describe("cliOutdir", () => {
  it("is CDKTF_OUTDIR, absolute, when the cdktf CLI runs the app", () => {
    expect(cliOutdir({ CDKTF_OUTDIR: "stacks/cdktf.out/x" })).toBe(path.resolve("stacks/cdktf.out/x"));
  });

  it("is undefined outside the CLI, so the app's default applies", () => {
    expect(cliOutdir({})).toBeUndefined();
  });
});
