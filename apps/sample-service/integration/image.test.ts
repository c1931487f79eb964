import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { freePort } from "../test/support/postgres-cluster";
import { request } from "../test/support/test-app";
import { APP_DIR, TestDatabase } from "../test/support/test-database";

const CONTEXT = path.join(APP_DIR, "dist", "image");
const IMAGE = `sample-service-it:${Date.now().toString(36)}`;
const GIT_SHA = "0123456789abcdef0123456789abcdef01234567";

/** The toolchain's facts (engine socket, base images); a missing toolchain fails with its hint. */
function toolchainEnv(): Record<string, string> {
  const file = path.join(
    process.env.PLATFORM_CACHE_DIR || path.join(os.homedir(), ".cache", "fargate-platform"),
    "toolchain.env",
  );
  if (!fs.existsSync(file)) {
    throw new Error(`${file} does not exist: run \`npx nx run toolchain:ensure\` (starts the Docker engine)`);
  }
  const vars: Record<string, string> = {};
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m !== null) vars[m[1]!] = m[2]!.replace(/^(['"])(.*)\1$/, "$2");
  }
  return vars;
}

const toolchain = toolchainEnv();

async function docker(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await promisify(execFile)("docker", args, {
      env: { ...process.env, ...toolchain },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; code?: number };
    return { stdout: e.stdout ?? "", stderr: e.stderr ?? "", code: typeof e.code === "number" ? e.code : -1 };
  }
}

function envArgs(env: Record<string, string>): string[] {
  return Object.entries(env).flatMap(([k, v]) => ["-e", `${k}=${v}`]);
}

let db: TestDatabase;

beforeAll(async () => {
  if (!fs.existsSync(path.join(CONTEXT, "dist", "server.js"))) {
    throw new Error(`${CONTEXT} is not staged: run \`npx nx run sample-service:build\` first`);
  }
  db = await TestDatabase.create({ migrate: false });
  // The node-only runtime image (no shell, no npm) is the hardest base the Dockerfile supports.
  const base = toolchain.NODE_RUNTIME_IMAGE || toolchain.NODE_BASE_IMAGE;
  if (!base) throw new Error("toolchain.env names no NODE_RUNTIME_IMAGE or NODE_BASE_IMAGE");
  const built = await docker([
    "build",
    "-f",
    path.join(APP_DIR, "Dockerfile"),
    "-t",
    IMAGE,
    "--build-arg",
    `NODE_BASE_IMAGE=${base}`,
    "--build-arg",
    "APP_VERSION=9.8.7",
    "--build-arg",
    "BUILD_TIME=2026-02-03T04:05:06Z",
    "--build-arg",
    `GIT_SHA=${GIT_SHA}`,
    CONTEXT,
  ]);
  // The Dockerfile's verify stage (the app loads its dependencies) runs, or is cached, in here.
  if (built.code !== 0) throw new Error(`docker build failed\n${built.stdout}\n${built.stderr}`);
});

afterAll(async () => {
  await docker(["image", "rm", "--force", IMAGE]);
  await db?.drop();
});

describe("the service image", () => {
  it("runs as a non-root user, starts the server by default and carries the build facts", async () => {
    const inspect = await docker(["image", "inspect", "--format", "{{json .Config}}", IMAGE]);
    const config = JSON.parse(inspect.stdout) as { User: string; Cmd: string[]; Env: string[] };
    expect(config.User).toBe("1000:1000");
    expect(config.Cmd).toEqual(["node", "dist/server.js"]);
    expect(config.Env).toEqual(
      expect.arrayContaining(["APP_VERSION=9.8.7", "BUILD_TIME=2026-02-03T04:05:06Z", `GIT_SHA=${GIT_SHA}`]),
    );
  });

  it("migrates with `node dist/migrate.js` as the command", async () => {
    const run = await docker([
      "run",
      "--rm",
      "--network",
      "host",
      ...envArgs(db.env),
      IMAGE,
      "node",
      "dist/migrate.js",
    ]);
    expect(run.code).toBe(0);
    // Every SQL file the image carries is applied, in name order (the source folder is what was staged).
    const files = fs
      .readdirSync(path.join(APP_DIR, "migrations"))
      .filter((f) => f.endsWith(".sql"))
      .sort();
    expect(files.length).toBeGreaterThan(1);
    for (const file of files) expect(run.stdout).toContain(`applied migration ${file}`);
    expect(await db.query("SELECT name FROM schema_migrations ORDER BY name")).toEqual(
      files.map((name) => ({ name })),
    );
  });

  it("serves /version with the baked build facts and exits 0 on docker stop", async () => {
    const port = await freePort();
    const started = await docker([
      "run",
      "-d",
      "--network",
      "host",
      ...envArgs({ ...db.env, PORT: String(port), HOST: "127.0.0.1" }),
      IMAGE,
    ]);
    expect(started.code).toBe(0);
    const id = started.stdout.trim();
    try {
      const url = `http://127.0.0.1:${port}`;
      // Wait for readiness the way a load balancer would; jest's timeout bounds it.
      for (;;) {
        const ready = await request(`${url}/_ready`).catch(() => undefined);
        if (ready?.status === 200) break;
        const state = await docker(["inspect", "--format", "{{.State.Running}}", id]);
        if (state.stdout.trim() !== "true")
          throw new Error(`container stopped\n${(await docker(["logs", id])).stdout}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      expect((await request(`${url}/version`)).body).toMatchObject({
        version: "9.8.7",
        build_time: "2026-02-03T04:05:06.000Z",
        git_sha: GIT_SHA,
      });
      expect(
        (await request(`${url}/posts`, { method: "POST", body: { title: "from the image" } })).status,
      ).toBe(201);
      const uid = await docker(["exec", id, "node", "-e", "console.log(process.getuid())"]);
      expect(uid.stdout.trim()).toBe("1000");

      expect((await docker(["stop", id])).code).toBe(0);
      const exit = await docker(["inspect", "--format", "{{.State.ExitCode}}", id]);
      expect(exit.stdout.trim()).toBe("0");
      const logs = await docker(["logs", id]);
      expect(logs.stdout).toContain('"msg":"database pool closed; shutdown complete"');
    } finally {
      await docker(["rm", "--force", id]);
    }
  });
});
