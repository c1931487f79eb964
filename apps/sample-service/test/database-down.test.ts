import { PostgresCluster } from "./support/postgres-cluster";
import { ServiceProcess } from "./support/service-process";
import { request } from "./support/test-app";
import { TestDatabase } from "./support/test-database";

// A cluster of its own: stopping the shared one would break the other test files.
let cluster: PostgresCluster;
let db: TestDatabase;
let server: ServiceProcess;
let url: string;

beforeAll(async () => {
  cluster = await PostgresCluster.create();
  db = await TestDatabase.create({ settings: cluster.settings() });
  server = ServiceProcess.start("server", { ...db.env, HOST: "127.0.0.1", PORT: "0" });
  url = await server.listening();
});

afterAll(async () => {
  await ServiceProcess.killAll();
  await cluster?.destroy();
});

describe("with the database stopped", () => {
  let postId: number;

  beforeAll(async () => {
    const created = await request(`${url}/posts`, {
      method: "POST",
      body: { title: "written before the outage" },
    });
    expect(created.status).toBe(201);
    postId = (created.body as { id: number }).id;
    expect((await request(`${url}/_ready`)).status).toBe(200);
    // Fast shutdown terminates the pool's open connections, as a failover or restart would.
    await cluster.stop();
  });

  it("/_ready answers 503 with the reason", async () => {
    const res = await request(`${url}/_ready`);
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ status: "unavailable", reason: "database unreachable (ECONNREFUSED)" });
  });

  it.each([
    ["GET", "/posts", undefined],
    ["POST", "/posts", { title: "during the outage" }],
    ["GET", "/posts/1", undefined],
    ["PUT", "/posts/1", { title: "changed" }],
    ["DELETE", "/posts/1", undefined],
  ])("%s %s answers 503", async (method, path, body) => {
    const res = await request(`${url}${path}`, { method, body });
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("1");
    expect(res.body).toEqual({
      statusCode: 503,
      error: "Service Unavailable",
      message: "database unreachable (ECONNREFUSED)",
    });
  });

  it("still validates input first (400 beats 503)", async () => {
    const res = await request(`${url}/posts`, { method: "POST", body: { title: "" } });
    expect(res.status).toBe(400);
  });

  it("GET / still names the build in its <h1>, with status 503", async () => {
    const res = await request(`${url}/`);
    expect(res.status).toBe(503);
    expect(res.text).toMatch(/<h1>sample-service \d+\.\d+\.\d+<\/h1>/);
    expect(res.text).toContain("Posts are unavailable");
  });

  it("liveness and /version do not depend on the database", async () => {
    expect((await request(`${url}/_health`)).status).toBe(200);
    expect((await request(`${url}/version`)).status).toBe(200);
  });

  it("the process stays up, having logged the pool's dropped connections", async () => {
    await server.waitForLog(
      (l) => l.msg === "idle database connection failed; it will be replaced",
      "pool error",
    );
    expect(server.isRunning).toBe(true);
    expect(server.stderr).toBe("");
  });

  it("recovers once the database is back, with the data intact", async () => {
    await cluster.start();
    expect((await request(`${url}/_ready`)).status).toBe(200);
    const res = await request(`${url}/posts/${postId}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ title: "written before the outage" });
    expect(server.isRunning).toBe(true);
  });
});
