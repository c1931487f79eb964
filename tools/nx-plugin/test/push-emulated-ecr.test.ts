import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateRepositoryCommand,
  DeleteRepositoryCommand,
  DescribeImagesCommand,
  ECRClient,
} from "@aws-sdk/client-ecr";
import { dockerize } from "../src/executors/dockerize/dockerize";
import { normalizeDockerizeOptions } from "../src/executors/dockerize/normalize-options";
import { normalizePushOptions } from "../src/executors/push/normalize-options";
import { push } from "../src/executors/push/push";
import { awsClientConfig } from "../src/lib/aws";
import { StepLog } from "../src/lib/log";
import { docker, fixtureRepo, REGION, toolchain, uniqueName, useEmulator } from "./support";

jest.setTimeout(600_000);

// moto's ECR is control plane only: push sends the bytes to the loopback registry and the manifest
// into moto's ECR (PutImage), so DescribeImages knows the digest the task definition will name.
describe("push to emulated ECR (moto + loopback registry)", () => {
  useEmulator();
  const repo = fixtureRepo("tiny-image");
  const out = mkdtempSync(join(tmpdir(), "push-ecr-"));
  const name = uniqueName("nx-plugin-ecr");
  const ecr = new ECRClient(awsClientConfig(REGION));
  const log = new StepLog("test");
  let repositoryUri = "";

  const build = () =>
    dockerize(
      normalizeDockerizeOptions(
        {
          service: "sample-service",
          dockerfile: "Dockerfile",
          imageName: name,
          versionFrom: "package.json",
          outputFile: join(out, "image.json"),
          baseImageFrom: "NODE_RUNTIME_IMAGE",
        },
        repo.dir,
      ),
      toolchain(),
      log,
    );
  const pushDev = () =>
    push(
      normalizePushOptions(
        {
          service: "sample-service",
          environment: "dev",
          imageFile: join(out, "image.json"),
          outputFile: join(out, "deploy", "image.json"),
          outputsFile: join(out, "outputs.json"),
        },
        repo.dir,
      ),
      toolchain(),
      log,
    );
  const ecrImages = async () =>
    (await ecr.send(new DescribeImagesCommand({ repositoryName: name }))).imageDetails ?? [];

  beforeAll(async () => {
    const created = await ecr.send(
      new CreateRepositoryCommand({ repositoryName: name, imageTagMutability: "IMMUTABLE" }),
    );
    repositoryUri = created.repository?.repositoryUri ?? "";
    // The registry stack's output, as stacks/out/outputs/<env>.json nests it per stack.
    writeFileSync(
      join(out, "outputs.json"),
      JSON.stringify({ stacks: { registry: { repository_url: repositoryUri } } }),
    );
  });

  afterAll(async () => {
    await ecr.send(new DeleteRepositoryCommand({ repositoryName: name, force: true })).catch(() => undefined);
    ecr.destroy();
    const refs = (await docker(["image", "ls", "--format", "{{.Repository}}:{{.Tag}}"])).stdout
      .split("\n")
      .filter((r) => r.includes(name));
    if (refs.length > 0) await docker(["image", "rm", "--force", ...refs], [1]);
    repo.cleanup();
    rmSync(out, { recursive: true, force: true });
  });

  it("records ECR's repository with the digest, pushes the bytes to the loopback registry, and PutImages the manifest", async () => {
    const built = await build();
    const pushed = await pushDev();
    expect(repositoryUri).toMatch(new RegExp(`^\\d{12}\\.dkr\\.ecr\\.${REGION}\\.amazonaws\\.com/${name}$`));
    expect(pushed).toMatchObject({
      repository: repositoryUri,
      reference: `${repositoryUri}@${pushed.digest}`,
      pushedTo: `${toolchain().registry}/${name}@${pushed.digest}`,
      tag: built.tag,
      gitSha: built.tag,
    });
    expect(await ecrImages()).toEqual([
      expect.objectContaining({ imageDigest: pushed.digest, imageTags: [built.tag] }),
    ]);
    const pulled = await docker(["pull", `${toolchain().registry}/${name}@${pushed.digest}`]);
    expect(pulled.exitCode).toBe(0);
    expect(JSON.parse(readFileSync(join(out, "deploy", "image.json"), "utf8")).digest).toBe(pushed.digest);
  });

  it("pushing the same image again is a no-op with the same digest", async () => {
    const first = JSON.parse(readFileSync(join(out, "deploy", "image.json"), "utf8"));
    const again = await pushDev();
    expect(again.digest).toBe(first.digest);
    expect(await ecrImages()).toHaveLength(1);
  });

  it("never moves an immutable tag: a second dirty build of the same commit gets the image id appended", async () => {
    writeFileSync(join(repo.dir, "app.js"), `${readFileSync(join(repo.dir, "app.js"), "utf8")}\n// one\n`);
    const dirty1 = await build();
    const p1 = await pushDev();
    writeFileSync(join(repo.dir, "app.js"), `${readFileSync(join(repo.dir, "app.js"), "utf8")}\n// two\n`);
    const dirty2 = await build();
    const p2 = await pushDev();
    expect(p1.tag).toBe(dirty1.tag);
    expect(p2.tag).toBe(`${dirty2.tag}-${dirty2.imageId.slice("sha256:".length, "sha256:".length + 12)}`);
    expect(p2.digest).not.toBe(p1.digest);
    const tags = (await ecrImages()).flatMap((i) => i.imageTags ?? []).sort();
    expect(tags).toEqual([dirty1.tag.replace("-dirty", ""), p1.tag, p2.tag].sort());
    expect(tags).not.toContain("latest");
  });
});
