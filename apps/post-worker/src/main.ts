import { loadBuildInfo } from "./build-info";
import { ConfigError, loadWorkerConfig } from "./config";
import { clientConfig, createPool } from "./db";
import { createLogger } from "./log";
import { Worker } from "./worker";

/**
 * Boot only: configuration, pool, worker loop, signals. SIGTERM/SIGINT drain: no new claims, the
 * job in hand finishes (or, past SHUTDOWN_TIMEOUT_MS, goes back to the queue), the pool closes,
 * exit 0. Never migrates: post_jobs comes from sample-service's migrations.
 */
async function main(): Promise<void> {
  let config: ReturnType<typeof loadWorkerConfig>;
  try {
    config = loadWorkerConfig(process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`post-worker: ${err.message}\n`);
    process.exit(1);
  }
  const build = loadBuildInfo(process.env);
  const log = createLogger("post-worker", config.logLevel);
  const pool = createPool(config, log);
  const holdKey = config.testHoldLockKey;
  const worker = new Worker({
    ...config,
    pool,
    log,
    listen: config.listen ? clientConfig(config) : undefined,
    beforeProcess:
      holdKey === undefined
        ? undefined
        : async (job) => {
            log.info("test hold: waiting for advisory lock", { key: holdKey, job_id: job.id });
            await pool.query("SELECT pg_advisory_xact_lock_shared($1::bigint)", [holdKey]);
          },
  });

  let signalled: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled !== undefined) return;
    signalled = signal;
    const job = worker.jobInHand;
    log.info("shutdown started; finishing the job in hand", {
      signal,
      job_id: job?.id ?? null,
      timeout_ms: config.shutdownTimeoutMs,
    });
    worker.stop();
    // Past the deadline the job goes back to the queue for another worker; exit 0 all the same.
    setTimeout(async () => {
      log.warn("shutdown deadline reached with a job in hand", { timeout_ms: config.shutdownTimeoutMs });
      await worker.release().catch((err: unknown) => log.error("could not release the job", { err }));
      process.exit(0);
    }, config.shutdownTimeoutMs).unref();
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);

  log.info("post-worker started", {
    version: build.version,
    git_sha: build.gitSha,
    build_time: build.buildTime,
    worker_id: config.workerId,
    database: config.databaseLabel,
    poll_interval_ms: config.pollIntervalMs,
    listen: config.listen,
    max_attempts: config.maxAttempts,
  });
  await worker.run();
  await pool.end();
  log.info("shutdown complete: no job in hand, pool closed", { signal: signalled });
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`post-worker: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
