import * as net from "node:net";
import { ServiceProcess } from "./support/service-process";
import { request } from "./support/test-app";
import { TestDatabase } from "./support/test-database";

let db: TestDatabase;

beforeAll(async () => {
  db = await TestDatabase.create({ migrate: false });
});

afterEach(async () => {
  await ServiceProcess.killAll();
});

afterAll(async () => {
  await db.drop();
});

function server(env: Record<string, string>): ServiceProcess {
  return ServiceProcess.start("server", { HOST: "127.0.0.1", PORT: "0", ...env });
}

describe("configuration errors stop the server before it listens", () => {
  it.each([
    ["a non-numeric PORT", { PORT: "abc" }, 'PORT must be an integer from 0 to 65535 (got "abc")'],
    ["a PORT out of range", { PORT: "70000" }, 'PORT must be an integer from 0 to 65535 (got "70000")'],
    [
      "an unknown LOG_LEVEL",
      { LOG_LEVEL: "loud" },
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud")',
    ],
    ["a bad GIT_SHA", { GIT_SHA: "main" }, "GIT_SHA must be 7 to 40 lowercase hex digits"],
    [
      "a bad BUILD_TIME",
      { BUILD_TIME: "yesterday" },
      'BUILD_TIME must be an ISO-8601 time like 2026-01-31T12:00:00Z (got "yesterday")',
    ],
  ])("%s: exit 1 naming the variable", async (_case, env, message) => {
    const run = server({ ...db.env, ...env });
    expect((await run.exit).code).toBe(1);
    expect(run.stderr).toContain(message);
    expect(run.stdoutLines).toEqual([]);
  });

  it("missing database settings: exit 1 naming the variables", async () => {
    const run = server({});
    expect((await run.exit).code).toBe(1);
    expect(run.stderr).toContain(
      "database settings missing: set DATABASE_URL, or all of PGHOST, PGUSER, PGPASSWORD, PGDATABASE " +
        "(missing: PGHOST, PGUSER, PGPASSWORD, PGDATABASE)",
    );
  });

  it("reports every problem at once", async () => {
    const run = server({ PORT: "-1", LOG_LEVEL: "loud", DATABASE_URL: "mysql://db/x" });
    expect((await run.exit).code).toBe(1);
    expect(run.stderr).toContain("PORT must be");
    expect(run.stderr).toContain("LOG_LEVEL must be");
    expect(run.stderr).toContain(
      "DATABASE_URL must use the postgres:// or postgresql:// scheme (got mysql://)",
    );
  });

  it("a port already in use: exit 1 after logging why", async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    try {
      const port = (blocker.address() as net.AddressInfo).port;
      const run = server({ ...db.env, PORT: String(port) });
      expect((await run.exit).code).toBe(1);
      expect(run.logs().find((l) => l.msg === "could not start listening")).toMatchObject({
        level: 60,
        err: expect.objectContaining({ code: "EADDRINUSE" }),
      });
    } finally {
      blocker.close();
    }
  });
});

describe("a started server", () => {
  it("reports the baked-in build info and logs JSON lines with request ids", async () => {
    const run = server({
      ...db.env,
      APP_VERSION: "2.3.4",
      BUILD_TIME: "2026-05-06T07:08:09Z",
      GIT_SHA: "abcdef0123456789abcdef0123456789abcdef01",
    });
    const url = await run.listening();
    const res = await request(`${url}/version`, { headers: { "x-request-id": "curl-loop-7" } });
    expect(res.body).toMatchObject({
      version: "2.3.4",
      build_time: "2026-05-06T07:08:09.000Z",
      git_sha: "abcdef0123456789abcdef0123456789abcdef01",
    });
    const completed = await run.waitForLog(
      (l) => l.msg === "request completed" && l.request_id === "curl-loop-7",
      "the request's completion",
    );
    expect(completed).toMatchObject({ level: 30, res: { statusCode: 200 } });
    expect(run.logs().find((l) => l.msg === "sample-service started")).toMatchObject({
      version: "2.3.4",
      git_sha: "abcdef0123456789abcdef0123456789abcdef01",
    });
  });

  it("never migrates: on an empty database it answers 503 until migrate runs", async () => {
    const run = server(db.env);
    const url = await run.listening();
    expect((await request(`${url}/_ready`)).status).toBe(200);
    const res = await request(`${url}/posts`);
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ message: "database schema is not migrated (run migrate)" });
    const tables = await db.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'");
    expect(tables).toEqual([]);
  });

  it("keeps test routes off unless ENABLE_TEST_ROUTES=1", async () => {
    const run = server(db.env);
    const url = await run.listening();
    expect((await request(`${url}/_test/wait-for-lock/1`)).status).toBe(404);
  });
});
