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
}

interface PostInput {
  readonly title: string;
  readonly content: string;
}

const COLUMNS = "id, title, content, created_at, updated_at";

const postSchema = {
  type: "object",
  required: ["id", "title", "content", "created_at", "updated_at"],
  properties: {
    id: { type: "integer" },
    title: { type: "string" },
    content: { type: "string" },
    created_at: { type: "string", format: "date-time" },
    updated_at: { type: "string", format: "date-time" },
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

/** /posts CRUD. Database errors propagate to the app's error handler (503 when it is down). */
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
        `INSERT INTO posts (title, content) VALUES ($1, $2) RETURNING ${COLUMNS}`,
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
        `UPDATE posts SET title = $2, content = $3, updated_at = now() WHERE id = $1 RETURNING ${COLUMNS}`,
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
