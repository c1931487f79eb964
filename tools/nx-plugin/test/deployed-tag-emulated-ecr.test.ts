import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  BatchGetImageCommand,
  CreateRepositoryCommand,
  DeleteRepositoryCommand,
  DescribeImagesCommand,
  ECRClient,
  GetLifecyclePolicyCommand,
  PutImageCommand,
  PutLifecyclePolicyCommand,
} from "@aws-sdk/client-ecr";
import { EcrLifecyclePolicy } from "@cdktf/provider-aws/lib/ecr-lifecycle-policy";
import { ContainerRegistry } from "@platform/registry";
import { Testing } from "cdktf";
import { awsClientConfig } from "../src/lib/aws";
import type { PushedImage } from "../src/lib/deploy-files";
import { DEPLOYED_TAG_PREFIX, deployedTag, tagDeployedImage, tagStableDeploy } from "../src/lib/deployed-tag";
import { StepLog } from "../src/lib/log";
import { REGION, uniqueName, useEmulator } from "./support";

jest.setTimeout(120_000);

const KEEP_TAGGED = 3;

/** The lifecycle policy text ContainerRegistry synthesizes (what Terraform would put on the repository). */
function synthesizedPolicy(repositoryName: string): string {
  const json = Testing.synthScope((scope) => {
    new ContainerRegistry(scope, "registry", { repositoryName, maxTaggedImages: KEEP_TAGGED });
  });
  const resources = (JSON.parse(json) as { resource: Record<string, Record<string, { policy: string }>> })
    .resource[EcrLifecyclePolicy.tfResourceType];
  return Object.values(resources)[0].policy;
}

/** A distinct Docker v2 image manifest (moto's ECR is control plane only: no layers are needed). */
function manifest(i: number): { readonly text: string; readonly digest: string } {
  const blob = (s: string) => `sha256:${createHash("sha256").update(s).digest("hex")}`;
  const text = JSON.stringify({
    schemaVersion: 2,
    mediaType: "application/vnd.docker.distribution.manifest.v2+json",
    config: {
      mediaType: "application/vnd.docker.container.image.v1+json",
      size: 100 + i,
      digest: blob(`config-${i}`),
    },
    layers: [
      {
        mediaType: "application/vnd.docker.image.rootfs.diff.tar.gzip",
        size: 1000 + i,
        digest: blob(`layer-${i}`),
      },
    ],
  });
  return { text, digest: blob(text) };
}

// moto stores and schema-checks a lifecycle policy but never evaluates it (no expiry, no
// StartLifecyclePolicyPreview): that deployed images survive the keep-N rule rests on ECR's documented
// rule priority (packages/registry README). Here: the real policy is accepted and stored, and the tag
// apply adds resolves to the deployed digest, idempotently, without ever moving an immutable tag.
describe("deployed tag in emulated ECR (moto)", () => {
  useEmulator();
  const ecr = new ECRClient(awsClientConfig(REGION));
  const name = uniqueName("nx-plugin-deployed");
  const images = Array.from({ length: KEEP_TAGGED + 1 }, (_, i) => manifest(i));
  const out = mkdtempSync(join(tmpdir(), "deployed-tag-"));
  let repositoryUri = "";

  const tagsOf = async (digest: string) =>
    (await ecr.send(new DescribeImagesCommand({ repositoryName: name, imageIds: [{ imageDigest: digest }] })))
      .imageDetails?.[0]?.imageTags ?? [];
  const digestOfTag = async (imageTag: string) =>
    (await ecr.send(new DescribeImagesCommand({ repositoryName: name, imageIds: [{ imageTag }] })))
      .imageDetails?.[0]?.imageDigest;

  beforeAll(async () => {
    const created = await ecr.send(
      new CreateRepositoryCommand({ repositoryName: name, imageTagMutability: "IMMUTABLE" }),
    );
    repositoryUri = created.repository?.repositoryUri ?? "";
    await ecr.send(
      new PutLifecyclePolicyCommand({ repositoryName: name, lifecyclePolicyText: synthesizedPolicy(name) }),
    );
    // KEEP_TAGGED + 1 pushes, oldest first: the keep-N rule would expire images[0] first.
    for (const [i, m] of images.entries()) {
      await ecr.send(
        new PutImageCommand({
          repositoryName: name,
          imageManifest: m.text,
          imageManifestMediaType: "application/vnd.docker.distribution.manifest.v2+json",
          imageDigest: m.digest,
          imageTag: `git${i}`,
        }),
      );
    }
  });

  afterAll(async () => {
    await ecr.send(new DeleteRepositoryCommand({ repositoryName: name, force: true })).catch(() => undefined);
    ecr.destroy();
    rmSync(out, { recursive: true, force: true });
  });

  it("the repository holds ContainerRegistry's policy, whose first rule keeps the prefix deployedTag writes", async () => {
    const stored = await ecr.send(new GetLifecyclePolicyCommand({ repositoryName: name }));
    expect(stored.lifecyclePolicyText).toBe(synthesizedPolicy(name));
    const rules = JSON.parse(stored.lifecyclePolicyText ?? "{}").rules as {
      rulePriority: number;
      selection: Record<string, unknown>;
    }[];
    expect(rules.map((r) => r.rulePriority)).toEqual([1, 2, 3]);
    expect(rules[0].selection).toEqual({
      tagStatus: "tagged",
      tagPrefixList: [DEPLOYED_TAG_PREFIX],
      countType: "imageCountMoreThan",
      countNumber: 9999,
    });
    expect(rules[2].selection).toMatchObject({ tagPatternList: ["*"], countNumber: KEEP_TAGGED });
    expect(deployedTag("prod", images[0].digest).startsWith(rules[0].selection.tagPrefixList as string)).toBe(
      true,
    );
  });

  it("tags the oldest of N+1 images deployed: the tag resolves to its digest and the manifest is unchanged", async () => {
    const deployed = images[0];
    const tag = deployedTag("prod", deployed.digest);
    await expect(
      tagDeployedImage({ client: ecr, repositoryName: name, digest: deployed.digest, env: "prod" }),
    ).resolves.toEqual({ tag, repositoryName: name, digest: deployed.digest, alreadyTagged: false });
    expect(await digestOfTag(tag)).toBe(deployed.digest);
    expect((await tagsOf(deployed.digest)).sort()).toEqual(["git0", tag].sort());
    const byTag = await ecr.send(
      new BatchGetImageCommand({ repositoryName: name, imageIds: [{ imageTag: tag }] }),
    );
    expect(byTag.images?.map((i) => i.imageManifest)).toEqual([deployed.text]);
    const all = (await ecr.send(new DescribeImagesCommand({ repositoryName: name }))).imageDetails ?? [];
    expect(all).toHaveLength(KEEP_TAGGED + 1);
  });

  it("is idempotent: tagging the same digest for the same environment again changes nothing", async () => {
    const deployed = images[0];
    const again = await tagDeployedImage({
      client: ecr,
      repositoryName: name,
      digest: deployed.digest,
      env: "prod",
    });
    expect(again.alreadyTagged).toBe(true);
    expect((await tagsOf(deployed.digest)).sort()).toEqual(
      ["git0", deployedTag("prod", deployed.digest)].sort(),
    );
  });

  it("never moves an immutable tag: a deployed tag already naming another digest fails, naming tag and repository", async () => {
    const [, holder, wanted] = images;
    const tag = deployedTag("dev", wanted.digest);
    // Make the tag name another image (as a 12-hex prefix collision would).
    await ecr.send(
      new PutImageCommand({
        repositoryName: name,
        imageManifest: holder.text,
        imageManifestMediaType: "application/vnd.docker.distribution.manifest.v2+json",
        imageDigest: holder.digest,
        imageTag: tag,
      }),
    );
    await expect(
      tagDeployedImage({ client: ecr, repositoryName: name, digest: wanted.digest, env: "dev" }),
    ).rejects.toThrow(
      `Could not tag image ${wanted.digest} as ${tag} in ECR repository ${name}: the immutable tag already names ${holder.digest}`,
    );
    expect(await digestOfTag(tag)).toBe(holder.digest);
  });

  it("a digest the repository does not hold fails naming the tag and repository", async () => {
    const absent = manifest(99).digest;
    await expect(
      tagDeployedImage({ client: ecr, repositoryName: name, digest: absent, env: "dev" }),
    ).rejects.toThrow(
      `Could not tag image ${absent} as ${deployedTag("dev", absent)} in ECR repository ${name}:`,
    );
  });

  it("apply's step (tagStableDeploy) tags the pushed image in the registry stack's repository", async () => {
    const pushed = images[3];
    const outputsFile = join(out, "outputs.json");
    writeFileSync(outputsFile, JSON.stringify({ stacks: { registry: { repository_url: repositoryUri } } }));
    const image = {
      repository: repositoryUri,
      digest: pushed.digest,
      reference: `${repositoryUri}@${pushed.digest}`,
    } as PushedImage;
    const log = new StepLog("test");
    const done = await tagStableDeploy(
      { environment: "staging", outputsFile, requirePushedImage: true },
      image,
      log,
    );
    expect(done).toEqual({
      tag: deployedTag("staging", pushed.digest),
      repositoryName: name,
      digest: pushed.digest,
      alreadyTagged: false,
    });
    expect(await digestOfTag(deployedTag("staging", pushed.digest))).toBe(pushed.digest);

    const elsewhere = { ...image, repository: `${repositoryUri}-other` } as PushedImage;
    await expect(
      tagStableDeploy({ environment: "staging", outputsFile, requirePushedImage: true }, elsewhere, log),
    ).rejects.toThrow(/in ECR repository .*: the pushed image is in .*-other, not the registry stack's/);
  });
});
