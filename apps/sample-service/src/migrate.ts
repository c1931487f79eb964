import { Client } from "pg";
import { ConfigError, loadMigrateConfig } from "./config";
import { clientConfig } from "./db";
import { createJsonLogger } from "./json-log";
import { runMigrations } from "./migrations";

/**
 * `npm run migrate` / the image's migrate command: applies migrations/ to the configured
 * database and exits 0, or prints the error and exits 1. The server never migrates by itself.
 */
async function main(): Promise<number> {
  let config: ReturnType<typeof loadMigrateConfig>;
  try {
    config = loadMigrateConfig(process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`sample-service migrate: ${err.message}\n`);
    return 1;
  }
  const log = createJsonLogger("sample-service-migrate", config.logLevel);
  const client = new Client(clientConfig(config.database, "sample-service-migrate"));
  // A connection dropped mid-run surfaces as the failing query's error; this only stops a crash.
  client.on("error", (err) => log.warn(`database connection error: ${err.message}`));
  try {
    log.info("migrate started", { database: config.database.description, dir: config.migrationsDir });
    await client.connect().catch((err: Error) => {
      throw new Error(`could not connect to ${config.database.description}: ${err.message}`, { cause: err });
    });
    const result = await runMigrations({
      client,
      dir: config.migrationsDir,
      lockTimeoutMs: config.lockTimeoutMs,
      log,
    });
    log.info(`migrate finished: ${result.applied.length} applied, ${result.alreadyApplied} already applied`, {
      applied: result.applied,
    });
    return 0;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    log.error(`migrate failed: ${message}`);
    process.stderr.write(`sample-service migrate: ${message}\n`);
    return 1;
  } finally {
    await client.end().catch(() => {
      // Never connected, or already gone.
    });
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(
      `sample-service migrate: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exitCode = 1;
  },
);
