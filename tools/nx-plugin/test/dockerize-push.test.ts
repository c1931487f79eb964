import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dockerize } from "../src/executors/dockerize/dockerize";
import { normalizeDockerizeOptions } from "../src/executors/dockerize/normalize-options";
import { normalizePushOptions } from "../src/executors/push/normalize-options";
import { push } from "../src/executors/push/push";
import { readPushedImage } from "../src/lib/deploy-files";
import { StepLog } from "../src/lib/log";
import { docker, fixtureRepo, toolchain, uniqueName } from "./support";

jest.setTimeout(600_000);

// Real Docker engine and the loopback registry from the toolchain; nothing mocked.
describe("dockerize + push (local) against the real engine and loopback registry", () => {
  const repo = fixtureRepo("tiny-image");
  const out = mkdtempSync(join(tmpdir(), "dockerize-push-"));
  const imageName = uniqueName("nx-plugin-fixture");
  const log = new StepLog("test");
  const dockerizeOptions = () =>
    normalizeDockerizeOptions(
      {
        service: "sample-service",
        dockerfile: "Dockerfile",
        context: ".",
        imageName,
        versionFrom: "package.json",
        outputFile: join(out, "image.json"),
        // The toolchain's smaller Node runtime image keeps this fixture build quick on the vfs driver.
        baseImageFrom: "NODE_RUNTIME_IMAGE",
      },
      repo.dir,
    );
  const pushOptions = (imageFile = join(out, "image.json")) =>
    normalizePushOptions(
      {
        service: "sample-service",
        environment: "local",
        imageFile,
        outputFile: join(out, "deploy", "image.json"),
        repositoryName: imageName,
      },
      repo.dir,
    );

  afterAll(async () => {
    await docker(["image", "rm", "--force", `${imageName}`], [1]).catch(() => undefined);
    const refs = (await docker(["image", "ls", "--format", "{{.Repository}}:{{.Tag}}"])).stdout
      .split("\n")
      .filter((r) => r.includes(imageName));
    if (refs.length > 0) await docker(["image", "rm", "--force", ...refs], [1]);
    repo.cleanup();
    rmSync(out, { recursive: true, force: true });
  });

  it("builds <name>:<git-sha> with the version, build time and SHA baked in, and records the image id", async () => {
    const built = await dockerize(dockerizeOptions(), toolchain(), log);
    const head = execFileSync("git", ["rev-parse", "HEAD"], { cwd: repo.dir, encoding: "utf8" }).trim();
    expect(built.tag).toBe(head);
    expect(built.dirty).toBe(false);
    expect(built.image).toBe(`${imageName}:${built.tag}`);
    const env = JSON.parse(
      (await docker(["image", "inspect", "--format", "{{json .Config.Env}}", built.image])).stdout,
    );
    expect(env).toEqual(
      expect.arrayContaining([`APP_VERSION=1.4.2`, `GIT_SHA=${built.tag}`, `BUILD_TIME=${built.buildTime}`]),
    );
    expect(JSON.parse(readFileSync(join(out, "image.json"), "utf8"))).toMatchObject({
      imageId: built.imageId,
    });
  });

  it("rebuilds an unchanged clean tree to the identical image (Docker's layer cache, no new image)", async () => {
    const first = JSON.parse(readFileSync(join(out, "image.json"), "utf8"));
    const again = await dockerize(dockerizeOptions(), toolchain(), log);
    expect(again.imageId).toBe(first.imageId);
  });

  it("pushes by the git-SHA tag, records the digest, and the digest pulls back and runs", async () => {
    const pushed = await push(pushOptions(), toolchain(), log);
    const built = JSON.parse(readFileSync(join(out, "image.json"), "utf8"));
    expect(pushed.repository).toBe(`${toolchain().registry}/${imageName}`);
    expect(pushed.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(pushed.reference).toBe(`${pushed.repository}@${pushed.digest}`);
    expect(pushed.tag).toBe(built.tag);
    expect(pushed.tag).not.toBe("latest");
    expect(readPushedImage(join(out, "deploy", "image.json"))).toMatchObject({
      digest: pushed.digest,
      gitSha: built.tag,
    });

    // Remove every local copy, then pull by digest from the registry and run it.
    await docker(["image", "rm", "--force", built.imageId]);
    expect((await docker(["image", "inspect", pushed.reference], [1])).exitCode).toBe(1);
    await docker(["pull", pushed.reference]);
    const ran = await docker(["run", "--rm", "--network", "none", pushed.reference]);
    expect(JSON.parse(ran.stdout)).toMatchObject({ version: "1.4.2", gitSha: built.tag });
  });

  it("refuses to push an image the engine no longer has, telling the user to dockerize", async () => {
    // As after an engine reset: image.json still names an image the engine does not have.
    const built = JSON.parse(readFileSync(join(out, "image.json"), "utf8"));
    await docker(["image", "rm", "--force", built.imageId]);
    await expect(push(pushOptions(), toolchain(), log)).rejects.toThrow(
      /engine no longer has image .* rebuild it with `npx nx run sample-service:dockerize`/,
    );
  });

  it("tags a changed tree <sha>-dirty", async () => {
    writeFileSync(
      join(repo.dir, "app.js"),
      `${readFileSync(join(repo.dir, "app.js"), "utf8")}\n// changed\n`,
    );
    const built = await dockerize(dockerizeOptions(), toolchain(), log);
    expect(built.tag).toMatch(/^[a-f0-9]{40}-dirty$/);
    expect(built.dirty).toBe(true);
  });

  it("refuses an unreachable registry with one message, before anything is pushed or written", async () => {
    const imageFile = join(out, "image.json");
    const target = join(out, "unreachable", "image.json");
    const tc = { ...toolchain(), registry: "127.0.0.1:1" };
    await expect(push({ ...pushOptions(imageFile), outputFile: target }, tc, log)).rejects.toThrow(
      /^Registry 127\.0\.0\.1:1 is unreachable \(GET http:\/\/127\.0\.0\.1:1\/v2\/: .*\)\. Nothing was pushed\./,
    );
    expect(existsSync(target)).toBe(false);
    const tags = (
      await docker(["image", "ls", "--format", "{{.Repository}}", "127.0.0.1:1/*"])
    ).stdout.trim();
    expect(tags).toBe("");
  });

  it("fails with one clear message when no Docker engine answers", async () => {
    const tc = toolchain();
    const noEngine = { ...tc, env: { ...tc.env, DOCKER_HOST: "unix:///nonexistent/docker.sock" } };
    await expect(dockerize(dockerizeOptions(), noEngine, log)).rejects.toThrow(
      /^No Docker engine answers at DOCKER_HOST=unix:\/\/\/nonexistent\/docker.sock: .*\nStart the project's engine with `npx nx run toolchain:ensure`\./,
    );
  });
});
