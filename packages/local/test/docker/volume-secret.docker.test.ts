import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseEnvFile } from "@platform/testing";
import { probeDockerVolume, readOrCreateVolumeSecret, VolumeSecretError, volumeSecretPath } from "../../src";

// probeDockerVolume and readOrCreateVolumeSecret against the project's real Docker engine: a real
// volume, a real (created, never started) container mounting it with POSTGRES_PASSWORD in its
// environment. Needs `npx nx run toolchain:ensure` first.

function toolchainEnv(): NodeJS.ProcessEnv {
  const cacheDir = process.env.PLATFORM_CACHE_DIR ?? path.join(os.homedir(), ".cache", "fargate-platform");
  const file = path.join(cacheDir, "toolchain.env");
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: run \`npx nx run toolchain:ensure\` first`);
  return { ...process.env, ...parseEnvFile(fs.readFileSync(file, "utf8")) };
}

const ENV = toolchainEnv();
const RUN = randomBytes(3).toString("hex");
const VOLUME = `it-secret-${RUN}-pgdata`;
const CONTAINER = `it-secret-${RUN}-db`;
const ROOT = fs.mkdtempSync(path.join(os.tmpdir(), "volume-secret-it-"));
const environ = { PLATFORM_LOCAL_SECRETS_DIR: ROOT };

function docker(...args: string[]): string {
  const r = spawnSync("docker", args, { env: ENV, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`docker ${args.join(" ")} failed: ${r.stderr}`);
  return r.stdout.trim();
}

const secretFor = (volumeName: string) =>
  readOrCreateVolumeSecret({
    volumeName,
    secretName: "postgres-password",
    probe: () => probeDockerVolume(volumeName, { env: ENV, envVar: "POSTGRES_PASSWORD" }),
    destroyCommand: "npx nx run stacks:destroy -c local -- --include-data",
    environ,
  });

afterAll(() => {
  spawnSync("docker", ["rm", "-f", CONTAINER], { env: ENV });
  spawnSync("docker", ["volume", "rm", "-f", VOLUME], { env: ENV });
  fs.rmSync(ROOT, { recursive: true, force: true });
});

test("a volume that does not exist: probe says so, and a new secret is created", () => {
  const name = `${VOLUME}-absent`;
  // A name that only contains an existing one's must not count as it (docker's filter is a substring match).
  docker("volume", "create", VOLUME);
  expect(probeDockerVolume(name, { env: ENV })).toEqual({ exists: false, containerValues: [] });
  expect(secretFor(name).source).toBe("created");
});

test("an existing volume whose container carries the password: adopted, then found", () => {
  expect(probeDockerVolume(VOLUME, { env: ENV, envVar: "POSTGRES_PASSWORD" })).toEqual({
    exists: true,
    containerValues: [],
  });
  // No secret anywhere and no container to take it from: refused, nothing written.
  expect(() => secretFor(VOLUME)).toThrow(VolumeSecretError);
  expect(fs.existsSync(volumeSecretPath(VOLUME, "postgres-password", environ))).toBe(false);

  const password = randomBytes(24).toString("base64url");
  docker(
    "create",
    "--name",
    CONTAINER,
    "-v",
    `${VOLUME}:/data`,
    "-e",
    `POSTGRES_PASSWORD=${password}`,
    ENV.DEBIAN_BASE_IMAGE ?? "platform-local/debian:bookworm",
    "true",
  );
  expect(probeDockerVolume(VOLUME, { env: ENV, envVar: "POSTGRES_PASSWORD" })).toEqual({
    exists: true,
    containerValues: [password],
  });
  expect(secretFor(VOLUME)).toMatchObject({ value: password, source: "adopted-container" });
  expect(secretFor(VOLUME)).toMatchObject({ value: password, source: "found" });
});

test("a secret file that the volume's container does not run with is refused, and kept", () => {
  const file = volumeSecretPath(VOLUME, "postgres-password", environ);
  fs.writeFileSync(file, "replaced-by-hand-0123456789\n");
  expect(() => secretFor(VOLUME)).toThrow(/differs from the one the containers mounting the Docker volume/);
  expect(fs.readFileSync(file, "utf8")).toBe("replaced-by-hand-0123456789\n");
});

test("an engine that does not answer is an error, not an absent volume", () => {
  expect(() =>
    probeDockerVolume(VOLUME, { env: { ...ENV, DOCKER_HOST: `unix://${path.join(ROOT, "no.sock")}` } }),
  ).toThrow(/docker volume ls .* failed/);
});
