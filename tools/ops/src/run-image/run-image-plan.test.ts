import { nonSecretSettings, planRunImage } from "./run-image-plan";

describe("run-image plan", () => {
  it("keeps the task definition's settings but never its database connection", () => {
    expect(
      nonSecretSettings([
        { name: "LOG_LEVEL", value: "info" },
        { name: "PGHOST", value: "db.rds.amazonaws.com" },
        { name: "PGSSLMODE", value: "require" },
        { name: "FEATURE_X", value: "on" },
      ]),
    ).toEqual({ LOG_LEVEL: "info", FEATURE_X: "on" });
  });
  const input = {
    env: "dev",
    pullReference: `127.0.0.1:5001/sample-service@sha256:${"a".repeat(64)}`,
    postgresImage: "postgres:16-bookworm",
    hostPort: 8080,
    containerPort: 3000,
    settings: { LOG_LEVEL: "debug" },
    dbPassword: "pw",
  };
  it("runs the pulled digest on loopback only, against the local database", () => {
    const plan = planRunImage(input);
    const app = plan.appRun(true);
    expect(app).toContain("127.0.0.1:8080:3000");
    expect(app).toContain(`PGHOST=${plan.dbContainer}`);
    expect(app).toContain("LOG_LEVEL=debug");
    expect(app[app.length - 1]).toBe(input.pullReference);
    expect(plan.migrateRun.slice(-3)).toEqual([input.pullReference, "node", "dist/migrate.js"]);
  });
  it("validates the port, naming the option", () => {
    expect(() => planRunImage({ ...input, hostPort: 70000 })).toThrow(
      /--port must be an integer from 1 to 65535/,
    );
  });
});
