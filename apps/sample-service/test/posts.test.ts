import { request, startTestApp, type TestApp } from "./support/test-app";
import { TestDatabase } from "./support/test-database";

let db: TestDatabase;
let t: TestApp;

beforeAll(async () => {
  db = await TestDatabase.create();
  t = await startTestApp(db);
});

afterAll(async () => {
  await t?.close();
  await db?.drop();
});

beforeEach(async () => {
  await db.query("TRUNCATE posts RESTART IDENTITY CASCADE");
});

async function createPost(title: string, content = "body"): Promise<{ id: number }> {
  const res = await request(`${t.url}/posts`, { method: "POST", body: { title, content } });
  expect(res.status).toBe(201);
  return res.body as { id: number };
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe("POST /posts", () => {
  it("creates a post and answers 201 with the stored row and its location", async () => {
    const res = await request(`${t.url}/posts`, {
      method: "POST",
      body: { title: "Hello", content: "World" },
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(Number),
      title: "Hello",
      content: "World",
      created_at: expect.stringMatching(ISO),
      updated_at: expect.stringMatching(ISO),
      word_count: null,
      summary: null,
      processed_at: null,
    });
    const { id } = res.body as { id: number };
    expect(res.headers.get("location")).toBe(`/posts/${id}`);
    expect(await db.query("SELECT title, content FROM posts WHERE id = $1", [id])).toEqual([
      { title: "Hello", content: "World" },
    ]);
  });

  it("defaults content to an empty string and drops unknown properties", async () => {
    const res = await request(`${t.url}/posts`, {
      method: "POST",
      body: { title: "Only a title", admin: true },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ title: "Only a title", content: "" });
    expect(res.body).not.toHaveProperty("admin");
  });

  it("accepts a title of exactly 200 characters", async () => {
    const res = await request(`${t.url}/posts`, { method: "POST", body: { title: "x".repeat(200) } });
    expect(res.status).toBe(201);
  });

  it.each([
    ["a missing title", { content: "c" }, "title is required"],
    ["an empty title", { title: "" }, "title must not be empty"],
    ["a blank title", { title: "   " }, "title must not be blank"],
    ["a title over 200 characters", { title: "x".repeat(201) }, "title must be at most 200 characters"],
    ["a non-string title", { title: { nested: true } }, "title must be a string"],
    [
      "content over 10000 characters",
      { title: "t", content: "x".repeat(10_001) },
      "content must be at most 10000 characters",
    ],
  ])("answers 400 naming the field for %s, and stores nothing", async (_case, body, message) => {
    const field = message.split(" ")[0];
    const res = await request(`${t.url}/posts`, { method: "POST", body });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ statusCode: 400, error: "Bad Request", message, field });
    expect(await db.query("SELECT id FROM posts")).toEqual([]);
  });

  it("answers 400 for a body that is not a JSON object", async () => {
    const res = await request(`${t.url}/posts`, { method: "POST", body: "[1, 2]" });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, field: "body" });
  });

  it("answers 400 for malformed JSON", async () => {
    const res = await request(`${t.url}/posts`, { method: "POST", body: '{"title": ' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, error: "Bad Request" });
  });

  it("answers 415 for a body that is not JSON", async () => {
    const res = await request(`${t.url}/posts`, {
      method: "POST",
      body: "title=x",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(res.status).toBe(415);
  });
});

describe("GET /posts", () => {
  it("lists posts newest first", async () => {
    await createPost("first");
    await createPost("second");
    await createPost("third");
    const res = await request(`${t.url}/posts`);
    expect(res.status).toBe(200);
    expect((res.body as { title: string }[]).map((p) => p.title)).toEqual(["third", "second", "first"]);
  });

  it("returns an empty list when there are no posts", async () => {
    const res = await request(`${t.url}/posts`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual([]);
  });

  it("applies the limit, 20 by default", async () => {
    await db.query("INSERT INTO posts (title) SELECT 'p' || g FROM generate_series(1, 30) g");
    expect(((await request(`${t.url}/posts`)).body as unknown[]).length).toBe(20);
    expect(((await request(`${t.url}/posts?limit=5`)).body as unknown[]).length).toBe(5);
    expect(((await request(`${t.url}/posts?limit=100`)).body as unknown[]).length).toBe(30);
  });

  it.each([
    ["0", "limit must be >= 1"],
    ["101", "limit must be <= 100"],
    ["ten", "limit must be an integer"],
  ])("answers 400 for limit=%s", async (limit, message) => {
    const res = await request(`${t.url}/posts?limit=${limit}`);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ message, field: "limit" });
  });
});

describe("GET /posts/:id", () => {
  it("returns the post", async () => {
    const { id } = await createPost("find me", "here");
    const res = await request(`${t.url}/posts/${id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, title: "find me", content: "here" });
  });

  it("answers 404 for an unknown id", async () => {
    const res = await request(`${t.url}/posts/999`);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ statusCode: 404, error: "Not Found", message: "post 999 not found" });
  });

  it.each([
    ["abc", "id must be an integer"],
    ["1.5", "id must be an integer"],
    ["0", "id must be >= 1"],
    ["99999999999", "id must be <= 2147483647"],
  ])("answers 400 naming id for /posts/%s", async (id, message) => {
    const res = await request(`${t.url}/posts/${id}`);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ statusCode: 400, error: "Bad Request", message, field: "id" });
  });
});

describe("PUT /posts/:id", () => {
  it("replaces title and content and moves updated_at", async () => {
    const created = (
      await request(`${t.url}/posts`, { method: "POST", body: { title: "old", content: "old" } })
    ).body as { id: number; created_at: string; updated_at: string };
    const res = await request(`${t.url}/posts/${created.id}`, {
      method: "PUT",
      body: { title: "new", content: "new" },
    });
    expect(res.status).toBe(200);
    const updated = res.body as { title: string; content: string; created_at: string; updated_at: string };
    expect(updated).toMatchObject({
      id: created.id,
      title: "new",
      content: "new",
      created_at: created.created_at,
    });
    expect(Date.parse(updated.updated_at)).toBeGreaterThanOrEqual(Date.parse(created.updated_at));
    expect(await db.query("SELECT title FROM posts WHERE id = $1", [created.id])).toEqual([{ title: "new" }]);
  });

  it("answers 404 for an unknown id", async () => {
    const res = await request(`${t.url}/posts/4242`, { method: "PUT", body: { title: "x" } });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ message: "post 4242 not found" });
  });

  it("answers 400 naming the field and leaves the row unchanged", async () => {
    const { id } = await createPost("keep");
    const res = await request(`${t.url}/posts/${id}`, { method: "PUT", body: { title: "" } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ field: "title" });
    expect(await db.query("SELECT title FROM posts WHERE id = $1", [id])).toEqual([{ title: "keep" }]);
  });

  it("answers 400 for a non-numeric id", async () => {
    const res = await request(`${t.url}/posts/abc`, { method: "PUT", body: { title: "x" } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ field: "id" });
  });
});

/** What apps/post-worker does when it finishes a job, written by hand here. */
async function processJob(postId: number): Promise<void> {
  await db.query(
    `WITH j AS (UPDATE post_jobs SET status = 'done', attempts = attempts + 1, finished_at = now()
                WHERE post_id = $1 RETURNING post_id)
     UPDATE posts SET word_count = 2, summary = 'two words', processed_at = now()
     WHERE id IN (SELECT post_id FROM j)`,
    [postId],
  );
}

interface JobRow {
  post_id: number;
  status: string;
  attempts: number;
  last_error: string | null;
}

const jobsOf = (id: number) =>
  db.query<JobRow>("SELECT post_id, status, attempts, last_error FROM post_jobs WHERE post_id = $1", [id]);

describe("analysis jobs (post_jobs, processed by apps/post-worker)", () => {
  it("POST /posts queues exactly one job for the new post in the same statement", async () => {
    const { id } = await createPost("queued", "two words");
    expect(await jobsOf(id)).toEqual([{ post_id: id, status: "queued", attempts: 0, last_error: null }]);
  });

  it("a failed insert queues nothing", async () => {
    const res = await request(`${t.url}/posts`, { method: "POST", body: { title: "" } });
    expect(res.status).toBe(400);
    expect(await db.query("SELECT id FROM post_jobs")).toEqual([]);
  });

  it("GET /posts and GET /posts/:id return the results once the job is done (null before)", async () => {
    const { id } = await createPost("analysed", "two words");
    const before = (await request(`${t.url}/posts/${id}`)).body;
    expect(before).toMatchObject({ word_count: null, summary: null, processed_at: null });
    await processJob(id);
    const after = (await request(`${t.url}/posts/${id}`)).body as { processed_at: string };
    expect(after).toMatchObject({
      word_count: 2,
      summary: "two words",
      processed_at: expect.stringMatching(ISO),
    });
    const list = (await request(`${t.url}/posts`)).body as unknown[];
    expect(list).toEqual([after]);
  });

  it("PUT re-queues the job (attempts and error reset) and clears the stale results", async () => {
    const { id } = await createPost("old", "two words");
    await processJob(id);
    await db.query("UPDATE post_jobs SET last_error = 'earlier failure' WHERE post_id = $1", [id]);
    const res = await request(`${t.url}/posts/${id}`, {
      method: "PUT",
      body: { title: "new", content: "x" },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ word_count: null, summary: null, processed_at: null });
    expect(await jobsOf(id)).toEqual([{ post_id: id, status: "queued", attempts: 0, last_error: null }]);
  });

  it("PUT of an unknown id queues nothing", async () => {
    expect((await request(`${t.url}/posts/999`, { method: "PUT", body: { title: "x" } })).status).toBe(404);
    expect(await db.query("SELECT id FROM post_jobs")).toEqual([]);
  });

  it("DELETE removes the post's job with it", async () => {
    const { id } = await createPost("bye");
    expect((await request(`${t.url}/posts/${id}`, { method: "DELETE" })).status).toBe(204);
    expect(await jobsOf(id)).toEqual([]);
  });

  it("a queued job notifies LISTENers on channel post_jobs when the transaction commits", async () => {
    const listener = await db.client();
    try {
      const notified = new Promise<string | undefined>((resolve) =>
        listener.on("notification", (n) => resolve(n.payload)),
      );
      await listener.query("LISTEN post_jobs");
      await createPost("notify");
      const [job] = await db.query<{ id: number }>("SELECT id FROM post_jobs");
      expect(await notified).toBe(String(job!.id));
    } finally {
      await listener.end();
    }
  });
});

describe("DELETE /posts/:id", () => {
  it("deletes the post and answers 204 with no body", async () => {
    const { id } = await createPost("bye");
    const res = await request(`${t.url}/posts/${id}`, { method: "DELETE" });
    expect(res.status).toBe(204);
    expect(res.text).toBe("");
    expect((await request(`${t.url}/posts/${id}`)).status).toBe(404);
  });

  it("answers 404 for an unknown id", async () => {
    const res = await request(`${t.url}/posts/777`, { method: "DELETE" });
    expect(res.status).toBe(404);
  });

  it("answers 400 for a non-numeric id", async () => {
    const res = await request(`${t.url}/posts/x1`, { method: "DELETE" });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ field: "id" });
  });
});
