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
    expect(o.history?.where).toBe("/state/local/deploy-history/sample-service.json");
    expect(o.migrationsDir).toBe("/repo/apps/sample-service/migrations");
    const dev = normalizeApplyOptions({ environment: "dev", service: "web" }, "/repo", "apps/web", environ);
    expect(dev.history?.where).toBe("s3://fargate-platform-tfstate/deploy-history/dev/web.json");
    const explicit = normalizeApplyOptions(
      { environment: "dev", service: "web", historyFile: "/tmp/{environment}-{service}.json" },
      "/repo",
      "apps/web",
      environ,
    );
    expect(explicit.history?.where).toBe("/tmp/dev-web.json");
  });

  it("records nothing with recordHistory false or without a service (infrastructure-only deploys)", () => {
    const off = normalizeApplyOptions(
      { environment: "local", service: "web", recordHistory: false },
      "/repo",
      "apps/web",
      environ,
    );
    expect(off.history).toBeUndefined();
    expect(normalizeApplyOptions({ environment: "dev" }, "/repo", "stacks", environ).history).toBeUndefined();
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
