import { buildApp } from "./app";
import { loadBuildInfo } from "./build-info";
import { ConfigError, loadServerConfig } from "./config";
import { createPool } from "./db";
import { Lifecycle } from "./lifecycle";
import { createGracefulShutdown, installSignalHandlers } from "./shutdown";

/** Boot only: configuration, the app, the listener, the signals. Never runs migrations. */
async function main(): Promise<void> {
  let config: ReturnType<typeof loadServerConfig>;
  let buildInfo: ReturnType<typeof loadBuildInfo>;
  try {
    config = loadServerConfig(process.env);
    buildInfo = loadBuildInfo(process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`sample-service: ${err.message}\n`);
    process.exit(1);
  }

  const lifecycle = new Lifecycle();
  let app: ReturnType<typeof buildApp> | undefined;
  const pool = createPool(config.database, { warn: (obj, msg) => app?.log.warn(obj, msg) });
  app = buildApp({
    pool,
    buildInfo,
    lifecycle,
    logLevel: config.logLevel,
    enableTestRoutes: config.enableTestRoutes,
  });
  const shutdown = createGracefulShutdown({
    app,
    pool,
    lifecycle,
    log: app.log,
    timeoutMs: config.shutdownTimeoutMs,
    drainDelayMs: config.shutdownDrainDelayMs,
  });
  installSignalHandlers(shutdown);

  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (err) {
    app.log.fatal({ err }, "could not start listening");
    await pool.end();
    process.exit(1);
  }
  app.log.info(
    {
      version: buildInfo.version,
      git_sha: buildInfo.gitSha,
      build_time: buildInfo.buildTime,
      database: config.database.description,
      test_routes: config.enableTestRoutes,
    },
    "sample-service started",
  );
}

main().catch((err: unknown) => {
  process.stderr.write(
    `sample-service: failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
