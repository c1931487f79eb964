import { ConfigError, loadWorkerConfig } from "./config";

const PG = { PGHOST: "db", PGUSER: "u", PGPASSWORD: " p w ", PGDATABASE: "app" };

function problems(env: Record<string, string>): readonly string[] {
  try {
    loadWorkerConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error("expected a ConfigError");
}

describe("loadWorkerConfig", () => {
  it("reads the PG* variables ECS injects, with the defaults", () => {
    const c = loadWorkerConfig(PG);
    expect(c.database).toEqual({
      host: "db",
      port: 5432,
      user: "u",
      password: " p w ",
      database: "app",
      ssl: false,
    });
    expect(c.databaseLabel).toBe("db:5432/app");
    expect(c).toMatchObject({
      poolMax: 2,
      pollIntervalMs: 500,
      listen: true,
      maxAttempts: 5,
      retryDelayMs: 1000,
      shutdownTimeoutMs: 20000,
      testHoldLockKey: undefined,
    });
    expect(c.workerId).toMatch(/-\d+$/);
  });

  it("takes DATABASE_URL instead, and PGSSLMODE like sample-service", () => {
    const c = loadWorkerConfig({ DATABASE_URL: "postgres://u:secret@h:6543/d", PGSSLMODE: "require" });
    expect(c.database).toEqual({
      connectionString: "postgres://u:secret@h:6543/d",
      ssl: { rejectUnauthorized: false },
    });
    expect(c.databaseLabel).toBe("h:6543/d");
  });

  it("reads the worker settings; empty values mean the default", () => {
    const c = loadWorkerConfig({
      ...PG,
      WORKER_POLL_INTERVAL_MS: "50",
      WORKER_LISTEN: "0",
      WORKER_MAX_ATTEMPTS: "3",
      WORKER_ID: "w1",
      SHUTDOWN_TIMEOUT_MS: "",
    });
    expect(c).toMatchObject({ pollIntervalMs: 50, listen: false, maxAttempts: 3, workerId: "w1" });
    expect(c.shutdownTimeoutMs).toBe(20000);
  });

  it("reports every problem at once, naming the variable and what is allowed, never the URL", () => {
    expect(
      problems({
        DATABASE_URL: "mysql://u:secret@h/d",
        WORKER_POLL_INTERVAL_MS: "fast",
        SHUTDOWN_TIMEOUT_MS: "30000",
        LOG_LEVEL: "loud",
      }),
    ).toEqual([
      "DATABASE_URL must be a URL like postgres://user:password@host:5432/db",
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud")',
      'WORKER_POLL_INTERVAL_MS must be an integer from 10 to 600000 (got "fast")',
      'SHUTDOWN_TIMEOUT_MS must be an integer from 100 to 29000 (got "30000")',
    ]);
  });

  it("names the missing PG* variables", () => {
    expect(problems({ PGHOST: "db" })).toEqual([
      "set DATABASE_URL, or all of PGHOST, PGUSER, PGPASSWORD, PGDATABASE (missing: PGUSER,PGPASSWORD,PGDATABASE)",
    ]);
  });
});
