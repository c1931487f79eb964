import { normalizeApplyOptions } from "./normalize-options";

const environ = { PLATFORM_LOCAL_STATE_DIR: "/state" };

describe("normalizeApplyOptions: deploy history", () => {
  it("records a service's apply by default: local history beside the local state, migrations of its project", () => {
    const o = normalizeApplyOptions(
      { environment: "local", service: "sample-service" },
      "/repo",
      "apps/sample-service",
      environ,
    );
    expect(o.historyFile).toBe("/state/local/deploy-history/sample-service.json");
    expect(o.migrationsDir).toBe("/repo/apps/sample-service/migrations");
    const dev = normalizeApplyOptions({ environment: "dev", service: "web" }, "/repo", "apps/web", environ);
    expect(dev.historyFile).toBe("/repo/dist/deploy/dev/web/history.json");
  });

  it("records nothing with recordHistory false or without a service (infrastructure-only deploys)", () => {
    const off = normalizeApplyOptions(
      { environment: "local", service: "web", recordHistory: false },
      "/repo",
      "apps/web",
      environ,
    );
    expect(off.historyFile).toBeUndefined();
    expect(
      normalizeApplyOptions({ environment: "dev" }, "/repo", "stacks", environ).historyFile,
    ).toBeUndefined();
  });

  it("refuses a recordHistory that is no boolean, naming the option", () => {
    expect(() =>
      normalizeApplyOptions(
        { environment: "dev", service: "web", recordHistory: "yes" as unknown as boolean },
        "/r",
      ),
    ).toThrow('Option "recordHistory" must be true or false (got "yes").');
  });
});
