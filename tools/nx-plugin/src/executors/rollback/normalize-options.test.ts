import { normalizeRollbackOptions } from "./normalize-options";

const environ = { PLATFORM_LOCAL_STATE_DIR: "/state" };

describe("normalizeRollbackOptions", () => {
  it("defaults to the previous deploy, the service's records, history and migrations", () => {
    const o = normalizeRollbackOptions(
      { environment: "local" },
      "/repo",
      "sample-service",
      "apps/sample-service",
      environ,
    );
    expect(o).toMatchObject({
      environment: "local",
      service: "sample-service",
      project: "sample-service",
      to: undefined,
      imageFile: "/repo/dist/deploy/local/sample-service/image.json",
      history: expect.objectContaining({ where: "/state/local/deploy-history/sample-service.json" }),
      migrationsDir: "/repo/apps/sample-service/migrations",
      applyTarget: "apply",
      smokeTarget: "smoke",
    });
  });

  it("keeps an AWS environment's history in the state bucket (PLATFORM_STATE_BUCKET, else shared config)", () => {
    const o = normalizeRollbackOptions({ environment: "dev" }, "/repo", "web", "apps/web", environ);
    expect(o.history.where).toBe("s3://fargate-platform-tfstate/deploy-history/dev/web.json");
    const acme = normalizeRollbackOptions({ environment: "prod" }, "/repo", "web", "apps/web", {
      ...environ,
      PLATFORM_STATE_BUCKET: "acme-tfstate",
    });
    expect(acme.history.where).toBe("s3://acme-tfstate/deploy-history/prod/web.json");
  });

  it("turns a digit-only git sha that Nx parsed into a number back into text", () => {
    const o = normalizeRollbackOptions(
      { environment: "dev", to: 1234567 },
      "/repo",
      "web",
      "apps/web",
      environ,
    );
    expect(o.to).toBe("1234567");
  });

  it("accepts a digest and refuses anything else naming the accepted forms", () => {
    const digest = `sha256:${"ab".repeat(32)}`;
    expect(normalizeRollbackOptions({ environment: "dev", to: digest }, "/r", "web", "apps/web").to).toBe(
      digest,
    );
    expect(() => normalizeRollbackOptions({ environment: "dev", to: "v1" }, "/r", "web", "apps/web")).toThrow(
      'Option "to" must be a digest (sha256:<64 hex>) or a git sha (7 to 40 hex characters), got "v1".',
    );
  });

  it("refuses an unknown environment naming the allowed ones", () => {
    expect(() => normalizeRollbackOptions({ environment: "qa" }, "/r", "web", "apps/web")).toThrow(
      /local, dev, staging, prod/,
    );
  });
});
