/**
 * Two clones on one machine (issue 18): `git clone` of this repository's committed HEAD into two temp
 * dirs, `npm ci` in each (the lock file must be complete), then README command (1), `npm run
 * deploy:local`, from a, b, a in turn against the one local environment of this Docker engine. Checks:
 * - `git status --porcelain` is empty after `npm ci`, after `npm install` and after every deploy;
 * - a post created through the first deploy is still there after each later one (the data volume, its
 *   password and the Terraform state outlive the checkout: they are machine-level, keyed by the volume);
 * - `/version` reports the clone's HEAD sha, never `-dirty`.
 * Unlike local-environment.test.ts it starts from whatever is deployed and leaves the environment
 * deployed (as a person running the README would); the clones are removed. Heavy: two `npm ci` and
 * three deploys (about 4-6 min warm on this kind of machine). Runs with `npx nx run e2e-local:integration`.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CommandRun, runLogged, tail, WORKSPACE_ROOT } from "../src/chain";
import { request } from "../src/local-env";

const work = mkdtempSync(join(tmpdir(), "e2e-two-clones-"));
const log = join(work, "commands.log");
const say = (line: string) => process.stdout.write(`[two-clones] ${line}\n`);

/** A person's shell: this process's environment without the Nx task's variables or overrides of where state lives. */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith("NX_") || k.startsWith("npm_") || k === "PLATFORM_LOCAL_STATE_DIR") continue;
    if (k === "PLATFORM_STACKS_OUT_DIR" || k === "INIT_CWD") continue;
    env[k] = v;
  }
  return { ...env, FORCE_COLOR: "0" };
}

function git(dir: string, ...args: string[]): string {
  return execFileSync("git", ["-C", dir, ...args], { encoding: "utf8" }).trim();
}

async function run(dir: string, command: string, args: string[]): Promise<CommandRun> {
  const r = await runLogged(command, args, { cwd: dir, env: userEnv(), logFile: log });
  if (r.code !== 0) {
    throw new Error(
      `${command} ${args.join(" ")} in ${dir} exited ${r.code} after ${r.seconds.toFixed(0)} s (log ${log}):\n${tail(r.output)}`,
    );
  }
  say(`${dir}: ${command} ${args.join(" ")} took ${r.seconds.toFixed(0)} s`);
  return r;
}

function expectClean(dir: string, after: string): void {
  expect({ after, status: git(dir, "status", "--porcelain") }).toEqual({ after, status: "" });
}

/** `npm run deploy:local`: its last line is the URL. */
async function deploy(dir: string): Promise<string> {
  const r = await run(dir, "npm", ["run", "deploy:local"]);
  const url = r.output.trim().split("\n").at(-1) ?? "";
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  return url;
}

async function version(url: string): Promise<{ version: string; git_sha: string }> {
  const res = await request("GET", `${url}/version`);
  expect(res.status).toBe(200);
  return JSON.parse(res.body) as { version: string; git_sha: string };
}

const a = join(work, "a");
const b = join(work, "b");
let postId: number | undefined;
let title = "";

beforeAll(() => {
  say(`clones and logs in ${work}`);
  // git clone takes what is committed: the check is of HEAD, as a new user would get it.
  for (const dir of [a, b]) execFileSync("git", ["clone", "--quiet", WORKSPACE_ROOT, dir]);
});

afterAll(() => {
  rmSync(a, { recursive: true, force: true });
  rmSync(b, { recursive: true, force: true });
});

test("npm ci on a clean clone succeeds and leaves the tree clean; npm install afterwards changes nothing", async () => {
  for (const dir of [a, b]) {
    await run(dir, "npm", ["ci", "--no-audit", "--no-fund"]);
    expectClean(dir, "npm ci");
  }
  const lock = readFileSync(join(b, "package-lock.json"), "utf8");
  const install = await run(b, "npm", ["install", "--no-audit", "--no-fund"]);
  expectClean(b, "npm install");
  expect(readFileSync(join(b, "package-lock.json"), "utf8")).toBe(lock);
  expect(install.output).not.toMatch(/npm warn/i);
});

async function deployAndCheck(dir: string, step: string): Promise<string> {
  const url = await deploy(dir);
  const v = await version(url);
  expect({ step, sha: v.git_sha }).toEqual({ step, sha: git(dir, "rev-parse", "HEAD") });
  expect(v.git_sha).not.toMatch(/dirty/);
  expectClean(dir, `deploy (${step})`);
  return url;
}

test("clone a deploys; a post is created through it", async () => {
  const url = await deployAndCheck(a, "a, first");
  title = `two-clones ${Date.now()}`;
  const res = await request("POST", `${url}/posts`, { title, content: "written through clone a" });
  expect(res.status).toBe(201);
  postId = (JSON.parse(res.body) as { id: number }).id;
});

test.each([
  ["b", b],
  ["a, again", a],
])("clone %s deploys against the same data; the post is still there", async (step, dir) => {
  if (postId === undefined) throw new Error("no post: the first deploy failed");
  const url = await deployAndCheck(dir, step);
  const res = await request("GET", `${url}/posts/${postId}`);
  expect(res.status).toBe(200);
  expect((JSON.parse(res.body) as { title: string }).title).toBe(title);
});
