import * as path from "node:path";
import { ConfigError, loadDatabaseConfig, loadMigrateConfig, loadServerConfig } from "../src/config";

const PG = { PGHOST: "db.internal", PGUSER: "app", PGPASSWORD: "s3cret", PGDATABASE: "posts" };

describe("loadServerConfig", () => {
  it("defaults: port 3000 on all interfaces, info logs, 20 s shutdown deadline, no drain delay", () => {
    expect(loadServerConfig(PG)).toEqual({
      host: "0.0.0.0",
      port: 3000,
      logLevel: "info",
      shutdownTimeoutMs: 20_000,
      shutdownDrainDelayMs: 0,
      enableTestRoutes: false,
      database: {
        host: "db.internal",
        port: 5432,
        user: "app",
        password: "s3cret",
        database: "posts",
        ssl: false,
        poolMax: 10,
        description: "db.internal:5432/posts",
      },
    });
  });

  it("reads every setting", () => {
    const config = loadServerConfig({
      ...PG,
      HOST: "127.0.0.1",
      PORT: "8080",
      LOG_LEVEL: "WARN",
      SHUTDOWN_TIMEOUT_MS: "15000",
      SHUTDOWN_DRAIN_DELAY_MS: "5000",
      ENABLE_TEST_ROUTES: "1",
      PGPORT: "6543",
      DB_POOL_MAX: "25",
    });
    expect(config).toMatchObject({
      host: "127.0.0.1",
      port: 8080,
      logLevel: "warn",
      shutdownTimeoutMs: 15_000,
      shutdownDrainDelayMs: 5_000,
      enableTestRoutes: true,
      database: { port: 6543, poolMax: 25 },
    });
  });

  it("treats empty values as unset (how ECS renders a missing value)", () => {
    expect(loadServerConfig({ ...PG, PORT: "", LOG_LEVEL: " " })).toMatchObject({
      port: 3000,
      logLevel: "info",
    });
  });

  it("rejects a non-numeric PORT", () => {
    expect(() => loadServerConfig({ ...PG, PORT: "http" })).toThrow(
      /PORT must be an integer from 0 to 65535 \(got "http"\)/,
    );
  });

  it("rejects a PORT above 65535", () => {
    expect(() => loadServerConfig({ ...PG, PORT: "65536" })).toThrow(
      /PORT must be an integer from 0 to 65535/,
    );
  });

  it("rejects an unknown LOG_LEVEL", () => {
    expect(() => loadServerConfig({ ...PG, LOG_LEVEL: "verbose" })).toThrow(
      /LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent \(got "verbose"\)/,
    );
  });

  it("rejects a SHUTDOWN_TIMEOUT_MS that ECS's 30 s stop timeout would cut off", () => {
    expect(() => loadServerConfig({ ...PG, SHUTDOWN_TIMEOUT_MS: "30000" })).toThrow(
      /SHUTDOWN_TIMEOUT_MS must be an integer from 100 to 29000 \(got "30000"\)/,
    );
  });

  it("rejects a drain delay that leaves no time to finish requests", () => {
    expect(() =>
      loadServerConfig({ ...PG, SHUTDOWN_TIMEOUT_MS: "5000", SHUTDOWN_DRAIN_DELAY_MS: "5000" }),
    ).toThrow(/SHUTDOWN_DRAIN_DELAY_MS \(5000\) must be less than SHUTDOWN_TIMEOUT_MS \(5000\)/);
  });

  it("rejects ENABLE_TEST_ROUTES other than 0 or 1", () => {
    expect(() => loadServerConfig({ ...PG, ENABLE_TEST_ROUTES: "yes" })).toThrow(
      /ENABLE_TEST_ROUTES must be one of 0, 1 \(got "yes"\)/,
    );
  });

  it("collects all problems into one ConfigError", () => {
    let error: unknown;
    try {
      loadServerConfig({ PORT: "x", LOG_LEVEL: "y" });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toHaveLength(3);
  });
});

describe("loadDatabaseConfig", () => {
  it("prefers DATABASE_URL over PG* variables", () => {
    const url = "postgres://app:pw@db:5433/posts";
    expect(loadDatabaseConfig({ DATABASE_URL: url, PGHOST: "ignored" })).toEqual({
      connectionString: url,
      ssl: false,
      poolMax: 10,
      description: "db:5433/posts",
    });
  });

  it("keeps a password exactly as given, spaces included", () => {
    expect(loadDatabaseConfig({ ...PG, PGPASSWORD: " pass word " }).password).toBe(" pass word ");
  });

  it.each([
    ["disable", false],
    ["require", { rejectUnauthorized: false }],
    ["no-verify", { rejectUnauthorized: false }],
    ["verify-full", { rejectUnauthorized: true }],
  ])("maps PGSSLMODE=%s", (mode, ssl) => {
    expect(loadDatabaseConfig({ ...PG, PGSSLMODE: mode }).ssl).toEqual(ssl);
  });

  it("rejects a PGSSLMODE pg cannot honour", () => {
    expect(() => loadDatabaseConfig({ ...PG, PGSSLMODE: "prefer" })).toThrow(
      /PGSSLMODE must be one of disable, no-verify, require, verify-full \(got "prefer"\)/,
    );
  });

  it("names every missing PG* variable when there is no DATABASE_URL", () => {
    expect(() => loadDatabaseConfig({ PGHOST: "db", PGUSER: "app" })).toThrow(
      /set DATABASE_URL, or all of PGHOST, PGUSER, PGPASSWORD, PGDATABASE \(missing: PGPASSWORD, PGDATABASE\)/,
    );
  });

  it("rejects a non-numeric PGPORT", () => {
    expect(() => loadDatabaseConfig({ ...PG, PGPORT: "five" })).toThrow(
      /PGPORT must be an integer from 1 to 65535/,
    );
  });

  it("rejects a DATABASE_URL of another scheme", () => {
    expect(() => loadDatabaseConfig({ DATABASE_URL: "mysql://u:p@db/x" })).toThrow(
      /DATABASE_URL must use the postgres:\/\/ or postgresql:\/\/ scheme \(got mysql:\/\/\)/,
    );
  });

  it("rejects an unparsable DATABASE_URL without echoing it (it may hold a password)", () => {
    expect(() => loadDatabaseConfig({ DATABASE_URL: "not a url s3cret" })).toThrow(
      /^invalid configuration:\n {2}- DATABASE_URL must be a URL like postgres:\/\/user:password@host:5432\/db \(it does not parse\)$/,
    );
  });

  it("rejects a DB_POOL_MAX of 0", () => {
    expect(() => loadDatabaseConfig({ ...PG, DB_POOL_MAX: "0" })).toThrow(
      /DB_POOL_MAX must be an integer from 1 to 1000/,
    );
  });
});

describe("loadMigrateConfig", () => {
  it("resolves the migrations directory next to the compiled code by default", () => {
    expect(loadMigrateConfig(PG, "/app/migrations")).toMatchObject({
      migrationsDir: "/app/migrations",
      lockTimeoutMs: 120_000,
    });
    expect(loadMigrateConfig(PG).migrationsDir).toBe(path.resolve(__dirname, "..", "migrations"));
  });

  it("takes MIGRATIONS_DIR, resolved to an absolute path", () => {
    expect(loadMigrateConfig({ ...PG, MIGRATIONS_DIR: "db/migrations" }).migrationsDir).toBe(
      path.resolve("db/migrations"),
    );
  });

  it("does not need PORT, and ignores a bad one", () => {
    expect(() => loadMigrateConfig({ ...PG, PORT: "nope" })).not.toThrow();
  });

  it("rejects a non-numeric MIGRATION_LOCK_TIMEOUT_MS", () => {
    expect(() => loadMigrateConfig({ ...PG, MIGRATION_LOCK_TIMEOUT_MS: "1m" })).toThrow(
      /MIGRATION_LOCK_TIMEOUT_MS must be an integer from 1 to 3600000 \(got "1m"\)/,
    );
  });
});
