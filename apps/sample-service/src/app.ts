import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import Fastify, { type FastifyInstance, LogController } from "fastify";
import type { Pool } from "pg";
import type { BuildInfo } from "./build-info";
import type { LogLevel } from "./config";
import { handleError } from "./errors";
import type { Lifecycle } from "./lifecycle";
import { registerMetaRoutes } from "./routes/meta";
import { registerPostsRoutes } from "./routes/posts";
import { registerTestRoutes } from "./routes/test-routes";

export interface AppOptions {
  /** Owned by the caller, which ends it after the app closed (see shutdown.ts). */
  readonly pool: Pool;
  readonly buildInfo: BuildInfo;
  /** Read by /_ready; flipped by the shutdown handler. */
  readonly lifecycle: Lifecycle;
  readonly logLevel: LogLevel;
  /**
   * Register the /_test/* routes.
   * @default false
   */
  readonly enableTestRoutes?: boolean;
  /**
   * Where JSON log lines go.
   * @default process.stdout
   */
  readonly logStream?: { write(line: string): void };
}

/** Accept a caller's id (ALB, another service) when it is sane; otherwise make one. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestIdFor(req: IncomingMessage): string {
  const header = req.headers["x-request-id"];
  return typeof header === "string" && REQUEST_ID.test(header) ? header : randomUUID();
}

export function buildApp(options: AppOptions): FastifyInstance {
  const app = Fastify({
    logger: {
      level: options.logLevel,
      // process.stdout writes synchronously to files and pipes on Linux, so lines keep their
      // order and none is lost when shutdown calls process.exit (pino's default buffers).
      stream: options.logStream ?? process.stdout,
    },
    genReqId: requestIdFor,
    logController: new LogController({ requestIdLogLabel: "request_id" }),
    // Idle keep-alive sockets are closed on shutdown; busy ones close after their response.
    forceCloseConnections: "idle",
  });
  app.addHook("onSend", async (request, reply) => {
    reply.header("x-request-id", request.id);
    // Node keeps a keep-alive socket open after its last response even while the server
    // closes, which would hold shutdown until the keep-alive timeout: end it with this response.
    if (options.lifecycle.shuttingDown) reply.header("connection", "close");
  });
  app.setErrorHandler(handleError);
  registerMetaRoutes(app, options);
  registerPostsRoutes(app, options);
  if (options.enableTestRoutes === true) registerTestRoutes(app, options);
  return app;
}
