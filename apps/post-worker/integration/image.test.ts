import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { loadToolchainEnv, toolchainProcessEnv } from "@platform/toolchain";
import { type JobDatabase, useJobDatabase } from "../test/support";

const APP = path.resolve(__dirname, "..");
const CONTEXT = path.join(APP, "dist", "image");
const IMAGE = `post-worker-it:${Date.now().toString(36)}`;
const GIT_SHA = "89abcdef0123456789abcdef0123456789abcdef";
const toolchain = loadToolchainEnv();

/** docker on the toolchain's engine; throws with its output unless the exit code is 0. */
function docker(...args: string[]): string {
  const r = spawnSync("docker", args, {
    env: toolchainProcessEnv(toolchain),
    encoding: "utf8",
    maxBuffer: 1 << 26,
  });
  if (r.status !== 0) throw new Error(`docker ${args[0]} exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  return r.stdout.trim();
}

let db: JobDatabase;
useJobDatabase((created) => {
  db = created;
});

beforeAll(() => {
  if (!fs.existsSync(path.join(CONTEXT, "dist", "main.js"))) {
    throw new Error(`${CONTEXT} is not staged: run \`npx nx run post-worker:build\` first`);
  }
  // The node-only runtime image (no shell, no npm), as dockerize builds it.
  docker(
    "build",
    ...["-f", path.join(APP, "Dockerfile"), "-t", IMAGE],
    ...["--build-arg", `NODE_BASE_IMAGE=${toolchain.nodeRuntimeImage}`],
    ...["--build-arg", "APP_VERSION=4.5.6", "--build-arg", `GIT_SHA=${GIT_SHA}`],
    CONTEXT,
  );
});

afterAll(() => {
  spawnSync("docker", ["image", "rm", "--force", IMAGE], { env: toolchainProcessEnv(toolchain) });
});

describe("the post-worker image", () => {
  it("runs as uid 1000, publishes no port, and starts the worker by default", () => {
    const config = JSON.parse(docker("image", "inspect", "--format", "{{json .Config}}", IMAGE));
    expect(config).toMatchObject({ User: "1000:1000", Cmd: ["node", "dist/main.js"] });
    expect(config.ExposedPorts ?? {}).toEqual({});
    expect(config.Env).toEqual(expect.arrayContaining(["APP_VERSION=4.5.6", `GIT_SHA=${GIT_SHA}`]));
  });

  it("processes queued jobs from the database, logs its git sha, and exits 0 on docker stop", async () => {
    const n = 20;
    await db.enqueuePosts(Array.from({ length: n }, (_, i) => ({ title: `p${i}`, content: "a b c" })));
    const env = Object.entries({ ...db.env, WORKER_POLL_INTERVAL_MS: "50" }).flatMap(([k, v]) => [
      "-e",
      `${k}=${v}`,
    ]);
    const id = docker("run", "-d", "--network", "host", ...env, IMAGE);
    try {
      for (;;) {
        const [row] = await db.query<{ done: number }>(
          "SELECT count(*) FILTER (WHERE status = 'done')::int AS done FROM post_jobs",
        );
        if (row!.done === n) break;
        if (docker("inspect", "--format", "{{.State.Running}}", id) !== "true") {
          throw new Error(`worker container stopped\n${docker("logs", id)}`);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      docker("stop", id);
      expect(docker("inspect", "--format", "{{.State.ExitCode}}", id)).toBe("0");
      const lines = docker("logs", id)
        .split("\n")
        .map((l) => JSON.parse(l) as { msg: string });
      expect(lines.find((l) => l.msg === "post-worker started")).toMatchObject({
        version: "4.5.6",
        git_sha: GIT_SHA,
      });
      expect(lines.filter((l) => l.msg === "job done")).toHaveLength(n);
      expect(lines.at(-1)?.msg).toBe("shutdown complete: no job in hand, pool closed");
      expect(await db.query("SELECT DISTINCT word_count FROM posts")).toEqual([{ word_count: 3 }]);
    } finally {
      spawnSync("docker", ["rm", "--force", id], { env: toolchainProcessEnv(toolchain) });
    }
  });
});
