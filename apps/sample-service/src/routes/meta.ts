import type { FastifyInstance } from "fastify";
import type { Pool } from "pg";
import { type BuildInfo, buildRevision, REVISION_HEADER } from "../build-info";
import { databaseUnavailableReason } from "../db";
import { renderIndexPage } from "../html";
import type { Lifecycle } from "../lifecycle";

export interface MetaRoutesDeps {
  readonly pool: Pool;
  readonly buildInfo: BuildInfo;
  readonly lifecycle: Lifecycle;
}

/** How many posts the HTML page lists. */
export const INDEX_PAGE_POSTS = 20;

const probeResponse = {
  type: "object",
  properties: { status: { type: "string" }, reason: { type: "string" } },
} as const;

/** /version, /_health, /_ready and the HTML page. */
export function registerMetaRoutes(
  app: FastifyInstance,
  { pool, buildInfo, lifecycle }: MetaRoutesDeps,
): void {
  const version = {
    version: buildInfo.version,
    build_time: buildInfo.buildTime,
    git_sha: buildInfo.gitSha,
    hostname: buildInfo.hostname,
  };
  app.get(
    "/version",
    {
      schema: {
        response: {
          200: {
            type: "object",
            properties: {
              version: { type: "string" },
              build_time: { type: "string" },
              git_sha: { type: "string" },
              hostname: { type: "string" },
            },
          },
        },
      },
    },
    async () => version,
  );

  // Probes run every few seconds: their request logs would drown the useful ones.
  app.get("/_health", { logLevel: "warn", schema: { response: { 200: probeResponse } } }, async () => ({
    status: "ok",
  }));

  const revision = buildRevision(buildInfo);
  app.get(
    "/_ready",
    { logLevel: "warn", schema: { response: { 200: probeResponse, 503: probeResponse } } },
    async (request, reply) => {
      // The local proxy sends new requests to the newest ready build only: a clean cut-over.
      reply.header(REVISION_HEADER, revision);
      if (lifecycle.shuttingDown) {
        return reply.code(503).send({ status: "unavailable", reason: `shutting down (${lifecycle.reason})` });
      }
      try {
        await pool.query("SELECT 1");
      } catch (err) {
        const reason = databaseUnavailableReason(err) ?? "database check failed";
        request.log.warn({ err }, `not ready: ${reason}`);
        return reply.code(503).send({ status: "unavailable", reason });
      }
      return { status: "ready" };
    },
  );

  app.get("/", async (request, reply) => {
    let posts: { id: number; title: string; createdAt: Date }[] | undefined;
    try {
      const { rows } = await pool.query<{ id: number; title: string; created_at: Date }>(
        "SELECT id, title, created_at FROM posts ORDER BY created_at DESC, id DESC LIMIT $1",
        [INDEX_PAGE_POSTS],
      );
      posts = rows.map((r) => ({ id: r.id, title: r.title, createdAt: r.created_at }));
    } catch (err) {
      const reason = databaseUnavailableReason(err);
      if (reason === undefined) throw err;
      // Still show which build answered (what a deploy watcher looks for), but say it is degraded.
      request.log.warn({ err }, reason);
      reply.code(503);
    }
    const page = renderIndexPage({ ...buildInfo, posts });
    return reply.type("text/html; charset=utf-8").send(page);
  });
}
