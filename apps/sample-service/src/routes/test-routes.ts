import type { FastifyInstance } from "fastify";
import type { Pool } from "pg";

/**
 * Only with ENABLE_TEST_ROUTES=1. `GET /_test/wait-for-lock/:key` holds a request in flight
 * until the test releases PostgreSQL advisory lock `key`: the test, not a timer, decides when
 * "slow" requests finish, so shutdown tests need no sleeps.
 */
export function registerTestRoutes(app: FastifyInstance, { pool }: { readonly pool: Pool }): void {
  app.get<{ Params: { key: number } }>(
    "/_test/wait-for-lock/:key",
    {
      schema: {
        params: { type: "object", required: ["key"], properties: { key: { type: "integer", minimum: 1 } } },
      },
    },
    async (request) => {
      request.log.info({ key: request.params.key }, "test request waiting for advisory lock");
      await pool.query("SELECT pg_advisory_xact_lock_shared($1::bigint)", [request.params.key]);
      return { waited: true };
    },
  );
}
