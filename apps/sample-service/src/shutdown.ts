import type { FastifyBaseLogger, FastifyInstance } from "fastify";
import type { Pool } from "pg";
import type { Lifecycle } from "./lifecycle";

export interface GracefulShutdownOptions {
  readonly app: FastifyInstance;
  readonly pool: Pool;
  readonly lifecycle: Lifecycle;
  readonly log: FastifyBaseLogger;
  /** After this long the process exits 1 even with work in flight (ECS would SIGKILL at 30 s). */
  readonly timeoutMs: number;
  /** Keep serving (with /_ready at 503) this long before closing the listener. */
  readonly drainDelayMs: number;
  /**
   * Ends the process.
   * @default process.exit
   */
  readonly exit?: (code: number) => void;
  /**
   * Waits out the drain delay; tests substitute a gate they open themselves.
   * @default a setTimeout promise
   */
  readonly wait?: (ms: number) => Promise<void>;
}

export interface GracefulShutdown {
  /** Starts the shutdown (once; later calls return the same promise). */
  shutdown(reason: string): Promise<void>;
}

/**
 * The order matters: readiness fails first (load balancers stop sending), then the listener
 * closes (new connections are refused), in-flight requests finish, and only then the pool
 * ends, so a request never loses its database half-way.
 */
export function createGracefulShutdown(options: GracefulShutdownOptions): GracefulShutdown {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const wait = options.wait ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const { app, pool, lifecycle, log } = options;
  let running: Promise<void> | undefined;

  async function run(reason: string): Promise<void> {
    const started = Date.now();
    lifecycle.beginShutdown(reason);
    log.info({ reason, timeout_ms: options.timeoutMs }, "shutdown started; readiness now reports 503");
    const deadline = setTimeout(() => {
      log.error(
        { timeout_ms: options.timeoutMs },
        "shutdown deadline exceeded; exiting with work still in flight",
      );
      exit(1);
    }, options.timeoutMs);
    // The deadline must not be what keeps the process alive.
    deadline.unref();
    try {
      if (options.drainDelayMs > 0) await wait(options.drainDelayMs);
      await app.close();
      log.info("listener closed and in-flight requests finished");
      await pool.end();
      log.info({ duration_ms: Date.now() - started }, "database pool closed; shutdown complete");
      clearTimeout(deadline);
      exit(0);
    } catch (err) {
      clearTimeout(deadline);
      log.error({ err }, "shutdown failed");
      exit(1);
    }
  }

  return {
    shutdown(reason: string): Promise<void> {
      if (running === undefined) {
        running = run(reason);
      } else {
        log.info({ reason }, "shutdown already in progress");
      }
      return running;
    },
  };
}

/** SIGTERM (ECS, docker stop) and SIGINT (Ctrl-C) both drain. */
export function installSignalHandlers(
  shutdown: GracefulShutdown,
  signals: readonly NodeJS.Signals[] = ["SIGTERM", "SIGINT"],
) {
  for (const signal of signals) {
    process.on(signal, () => {
      void shutdown.shutdown(signal);
    });
  }
}
