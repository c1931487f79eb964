import * as os from "node:os";
import { request, startTestApp, TEST_BUILD_INFO, type TestApp } from "./support/test-app";
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

describe("GET /version", () => {
  it("reports version, build time, git sha and hostname", async () => {
    const res = await request(`${t.url}/version`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      version: TEST_BUILD_INFO.version,
      build_time: TEST_BUILD_INFO.buildTime,
      git_sha: TEST_BUILD_INFO.gitSha,
      hostname: os.hostname(),
    });
  });
});

describe("GET /_health", () => {
  it("answers 200 ok", async () => {
    const res = await request(`${t.url}/_health`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "ok" });
  });
});

describe("GET /_ready", () => {
  it("answers 200 when the database answers", async () => {
    const res = await request(`${t.url}/_ready`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "ready" });
  });

  it("names the build (version, git sha, build time) in x-service-revision, also while draining", async () => {
    const expected = `${TEST_BUILD_INFO.version} ${TEST_BUILD_INFO.gitSha} ${TEST_BUILD_INFO.buildTime}`;
    expect((await request(`${t.url}/_ready`)).headers.get("x-service-revision")).toBe(expected);
    const own = await startTestApp(db);
    try {
      own.lifecycle.beginShutdown("SIGTERM");
      expect((await request(`${own.url}/_ready`)).headers.get("x-service-revision")).toBe(expected);
    } finally {
      await own.close();
    }
  });

  it("answers 503 with the reason once shutdown began, while other routes still serve", async () => {
    const own = await startTestApp(db);
    try {
      own.lifecycle.beginShutdown("SIGTERM");
      const res = await request(`${own.url}/_ready`);
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ status: "unavailable", reason: "shutting down (SIGTERM)" });
      expect((await request(`${own.url}/_health`)).status).toBe(200);
      expect((await request(`${own.url}/posts`)).status).toBe(200);
    } finally {
      await own.close();
    }
  });
});

describe("GET /", () => {
  beforeEach(async () => {
    await db.query("TRUNCATE posts RESTART IDENTITY CASCADE");
  });

  it("shows the service name and version in the <h1>", async () => {
    const res = await request(`${t.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(res.text).toContain("<h1>sample-service 1.2.3</h1>");
    expect(res.text).toContain("No posts yet.");
  });

  it("lists posts newest first, with their titles escaped", async () => {
    await request(`${t.url}/posts`, { method: "POST", body: { title: "older post" } });
    await request(`${t.url}/posts`, {
      method: "POST",
      body: { title: `<script>alert("x")</script> & 'friends'` },
    });
    const res = await request(`${t.url}/`);
    expect(res.status).toBe(200);
    expect(res.text).not.toContain("<script>");
    const escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;friends&#39;";
    expect(res.text).toContain(escaped);
    expect(res.text.indexOf(escaped)).toBeLessThan(res.text.indexOf("older post"));
  });
});

describe("request ids and logs", () => {
  it("uses a sane x-request-id from the caller, echoes it and logs it", async () => {
    const res = await request(`${t.url}/version`, { headers: { "x-request-id": "deploy-check-42" } });
    expect(res.headers.get("x-request-id")).toBe("deploy-check-42");
    const lines = t.logs.map((l) => JSON.parse(l) as { request_id?: string; msg: string });
    expect(lines.filter((l) => l.request_id === "deploy-check-42").map((l) => l.msg)).toEqual([
      "incoming request",
      "request completed",
    ]);
  });

  it("replaces a missing or unsafe x-request-id with a UUID", async () => {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    expect((await request(`${t.url}/version`)).headers.get("x-request-id")).toMatch(uuid);
    const unsafe = await request(`${t.url}/version`, { headers: { "x-request-id": 'a b"c' } });
    expect(unsafe.headers.get("x-request-id")).toMatch(uuid);
  });
});

describe("unknown routes", () => {
  it("answer 404 JSON", async () => {
    const res = await request(`${t.url}/nope`);
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ statusCode: 404, error: "Not Found" });
  });
});
