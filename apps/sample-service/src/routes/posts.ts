import type { FastifyInstance } from "fastify";
import type { Pool } from "pg";
import type { ErrorBody } from "../errors";

export const TITLE_MAX_LENGTH = 200;
export const CONTENT_MAX_LENGTH = 10_000;
export const LIST_DEFAULT_LIMIT = 20;
export const LIST_MAX_LIMIT = 100;

/** A row as stored; the response schema turns the dates into ISO-8601 strings. */
export interface PostRow {
  readonly id: number;
  readonly title: string;
  readonly content: string;
  readonly created_at: Date;
  readonly updated_at: Date;
  /** Written by apps/post-worker; null until it has processed the current content. */
  readonly word_count: number | null;
  readonly summary: string | null;
  readonly processed_at: Date | null;
}

interface PostInput {
  readonly title: string;
  readonly content: string;
}

const COLUMNS = "id, title, content, created_at, updated_at, word_count, summary, processed_at";

/**
 * Queues (or re-queues) the analysis job of the posts in CTE `p`, in the same statement and so
 * the same transaction as the write: a post never exists without its job. A re-queue resets the
 * attempts; a worker still busy with the old content finds its claim gone and discards its result.
 */
const ENQUEUE_JOB = `INSERT INTO post_jobs (post_id) SELECT id FROM p
  ON CONFLICT (post_id) DO UPDATE SET status = 'queued', attempts = 0, last_error = NULL,
    locked_by = NULL, locked_at = NULL, run_at = now(), updated_at = now(), finished_at = NULL`;

const postSchema = {
  type: "object",
  required: ["id", "title", "content", "created_at", "updated_at", "word_count", "summary", "processed_at"],
  properties: {
    id: { type: "integer" },
    title: { type: "string" },
    content: { type: "string" },
    created_at: { type: "string", format: "date-time" },
    updated_at: { type: "string", format: "date-time" },
    word_count: { type: ["integer", "null"] },
    summary: { type: ["string", "null"] },
    processed_at: { type: ["string", "null"], format: "date-time" },
  },
} as const;

const errorSchema = {
  type: "object",
  properties: {
    statusCode: { type: "integer" },
    error: { type: "string" },
    message: { type: "string" },
    field: { type: "string" },
  },
} as const;

const inputSchema = {
  type: "object",
  required: ["title"],
  additionalProperties: false,
  properties: {
    // "\\S": whitespace-only titles are as empty as "" on the page.
    title: { type: "string", minLength: 1, maxLength: TITLE_MAX_LENGTH, pattern: "\\S" },
    content: { type: "string", maxLength: CONTENT_MAX_LENGTH, default: "" },
  },
} as const;

/** Ids are PostgreSQL `integer`s: bounded here so a huge id is a 400, not an SQL error. */
const idParamsSchema = {
  type: "object",
  required: ["id"],
  properties: { id: { type: "integer", minimum: 1, maximum: 2_147_483_647 } },
} as const;

function notFound(id: number): ErrorBody {
  return { statusCode: 404, error: "Not Found", message: `post ${id} not found` };
}

export interface PostsRoutesDeps {
  readonly pool: Pool;
}

/**
 * /posts CRUD. Database errors propagate to the app's error handler (503 when it is down).
 * Creating or replacing a post queues its analysis for apps/post-worker (table post_jobs).
 */
export function registerPostsRoutes(app: FastifyInstance, { pool }: PostsRoutesDeps): void {
  app.get<{ Querystring: { limit: number } }>(
    "/posts",
    {
      schema: {
        querystring: {
          type: "object",
          properties: {
            limit: { type: "integer", minimum: 1, maximum: LIST_MAX_LIMIT, default: LIST_DEFAULT_LIMIT },
          },
        },
        response: { 200: { type: "array", items: postSchema } },
      },
    },
    async (request) => {
      const { rows } = await pool.query<PostRow>(
        `SELECT ${COLUMNS} FROM posts ORDER BY created_at DESC, id DESC LIMIT $1`,
        [request.query.limit],
      );
      return rows;
    },
  );

  app.post<{ Body: PostInput }>(
    "/posts",
    { schema: { body: inputSchema, response: { 201: postSchema } } },
    async (request, reply) => {
      const { rows } = await pool.query<PostRow>(
        `WITH p AS (INSERT INTO posts (title, content) VALUES ($1, $2) RETURNING ${COLUMNS}),
           j AS (${ENQUEUE_JOB})
         SELECT * FROM p`,
        [request.body.title, request.body.content],
      );
      const post = rows[0]!;
      return reply.code(201).header("location", `/posts/${post.id}`).send(post);
    },
  );

  app.get<{ Params: { id: number } }>(
    "/posts/:id",
    { schema: { params: idParamsSchema, response: { 200: postSchema, 404: errorSchema } } },
    async (request, reply) => {
      const { rows } = await pool.query<PostRow>(`SELECT ${COLUMNS} FROM posts WHERE id = $1`, [
        request.params.id,
      ]);
      return rows.length === 0 ? reply.code(404).send(notFound(request.params.id)) : rows[0];
    },
  );

  app.put<{ Params: { id: number }; Body: PostInput }>(
    "/posts/:id",
    {
      schema: { params: idParamsSchema, body: inputSchema, response: { 200: postSchema, 404: errorSchema } },
    },
    async (request, reply) => {
      const { rows } = await pool.query<PostRow>(
        `WITH p AS (
           UPDATE posts SET title = $2, content = $3, updated_at = now(),
             word_count = NULL, summary = NULL, processed_at = NULL
           WHERE id = $1 RETURNING ${COLUMNS}),
           j AS (${ENQUEUE_JOB})
         SELECT * FROM p`,
        [request.params.id, request.body.title, request.body.content],
      );
      return rows.length === 0 ? reply.code(404).send(notFound(request.params.id)) : rows[0];
    },
  );

  app.delete<{ Params: { id: number } }>(
    "/posts/:id",
    { schema: { params: idParamsSchema, response: { 404: errorSchema } } },
    async (request, reply) => {
      const { rowCount } = await pool.query("DELETE FROM posts WHERE id = $1", [request.params.id]);
      return rowCount === 0 ? reply.code(404).send(notFound(request.params.id)) : reply.code(204).send();
    },
  );
}
