import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  DescribeImagesCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
  ImageAlreadyExistsException,
  PutImageCommand,
} from "@aws-sdk/client-ecr";
import { assertAwsAccess, awsClientConfig, isEmulated, regionFrom, regionFromEnv } from "../../lib/aws";
import { type PushedImage, readBuiltImage, writeJsonFile } from "../../lib/deploy-files";
import {
  assertDockerEngine,
  assertRegistryReachable,
  inspectImageId,
  registryBaseUrl,
} from "../../lib/docker";
import { environmentKind } from "../../lib/environment";
import { run } from "../../lib/exec";
import { StepLog } from "../../lib/log";
import { outputsProducer } from "../../lib/output-names";
import { StackOutputs } from "../../lib/stack-outputs";
import { type ChainToolchain, childEnv, loadChainToolchain } from "../../lib/toolchain";
import { assertDeployableTag } from "../dockerize/build-args";
import type { NormalizedPushOptions } from "./normalize-options";
import {
  chooseRemoteTag,
  decodeEcrToken,
  type PushPlan,
  parsePushedDigest,
  planPush,
  splitRepositoryUrl,
} from "./push-plan";

const MANIFEST_TYPES = [
  "application/vnd.docker.distribution.manifest.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.index.v1+json",
];

export async function push(
  o: NormalizedPushOptions,
  toolchain: ChainToolchain = loadChainToolchain(),
  log = new StepLog(`push ${o.environment}`),
): Promise<PushedImage> {
  const env = childEnv(toolchain);
  const kind = environmentKind(o.environment);
  const emulated = kind === "aws" && isEmulated(env);

  // Pre-flight: everything that can be checked is checked before anything changes.
  const built = readBuiltImage(o.imageFile);
  assertDeployableTag(built.tag);
  await assertDockerEngine(env);
  if (!(await inspectImageId(built.imageId, env))) {
    throw new Error(
      `The engine no longer has image ${built.image} (${built.imageId}) recorded in ${o.imageFile}; ` +
        `rebuild it with \`npx nx run ${o.service}:dockerize\`.`,
    );
  }
  let ecrRepositoryUrl: string | undefined;
  let region: string | undefined;
  if (kind === "aws") {
    const outputs = StackOutputs.load(o.outputsFile, outputsProducer(o.environment, true), {
      service: o.service,
      environment: o.environment,
    });
    ecrRepositoryUrl = outputs.string(o.repositoryUrlOutput);
    region = regionFrom(ecrRepositoryUrl) ?? regionFromEnv(env);
    if (!region) throw new Error(`No AWS region: ${ecrRepositoryUrl} names none and AWS_REGION is unset.`);
  }
  const plan = planPush({
    kind,
    emulated,
    loopbackRegistry: toolchain.registry,
    repositoryName: o.repositoryName,
    ecrRepositoryUrl,
  });
  await assertRegistryReachable(plan.registryHost);
  if (region) await assertAwsAccess(region, env);

  // A throw-away docker config: the ECR password never lands in ~/.docker/config.json.
  const dockerConfig = mkdtempSync(join(tmpdir(), "push-docker-config-"));
  const ecr = region ? new ECRClient(awsClientConfig(region, env)) : undefined;
  try {
    if (plan.ecrLogin && ecr) {
      const auth = await ecr.send(new GetAuthorizationTokenCommand({}));
      const token = auth.authorizationData?.[0]?.authorizationToken;
      if (!token) throw new Error("ECR GetAuthorizationToken returned no token.");
      const { username, password } = decodeEcrToken(token);
      log.info(`docker login ${plan.registryHost} (ECR token, via stdin)`);
      await run(
        "docker",
        ["--config", dockerConfig, "login", "--username", username, "--password-stdin", plan.registryHost],
        {
          env,
          input: password,
        },
      );
    }
    const choice =
      ecr && plan.ecrRepositoryName
        ? await chooseEcrTag(ecr, plan, built.tag, built.imageId, env)
        : { tag: built.tag, alreadyPushed: false, digest: undefined };
    const remoteTag = `${plan.pushRepository}:${choice.tag}`;
    let digest: string;
    if (choice.alreadyPushed && choice.digest) {
      digest = choice.digest;
      log.info(`${remoteTag} already holds this image (${digest}); nothing to push`);
    } else {
      log.info(`docker push ${remoteTag}`);
      await run("docker", ["tag", built.imageId, remoteTag], { env });
      const pushed = await run("docker", ["--config", dockerConfig, "push", remoteTag], {
        env,
        echo: true,
        prefix: "  | ",
      });
      digest = parsePushedDigest(pushed.output, choice.tag);
    }
    if (plan.mirrorManifestToEcr && ecr) await mirrorManifest(ecr, plan, choice.tag, digest, log);

    const record: PushedImage & { readonly image: string } = {
      repository: plan.recordRepository,
      digest,
      reference: `${plan.recordRepository}@${digest}`,
      // The stacks' image reader accepts "image" as well.
      image: `${plan.recordRepository}@${digest}`,
      gitSha: built.gitSha,
      version: built.version,
      tag: choice.tag,
      pushedAt: new Date().toISOString(),
      pushedTo: `${plan.pushRepository}@${digest}`,
      environment: o.environment,
    };
    writeJsonFile(o.outputFile, record);
    log.info(`pushed ${record.reference} -> ${o.outputFile}`);
    return record;
  } finally {
    rmSync(dockerConfig, { recursive: true, force: true });
    ecr?.destroy();
  }
}

/** The tag to push under ECR's immutable tags (see chooseRemoteTag), with the digest it already holds. */
async function chooseEcrTag(
  ecr: ECRClient,
  plan: PushPlan,
  tag: string,
  imageId: string,
  env: NodeJS.ProcessEnv,
): Promise<{ readonly tag: string; readonly alreadyPushed: boolean; readonly digest?: string }> {
  const repositoryName = plan.ecrRepositoryName ?? "";
  const inspected = await run("docker", ["image", "inspect", "--format", "{{json .RepoDigests}}", imageId], {
    env,
  });
  const knownDigests = ((JSON.parse(inspected.stdout) as string[] | null) ?? [])
    .filter((d) => d.startsWith(`${plan.pushRepository}@`))
    .map((d) => d.slice(d.indexOf("@") + 1));
  let existingDigest = await ecrDigestOfTag(ecr, repositoryName, tag);
  const choice = chooseRemoteTag({ tag, imageId, existingDigest, knownDigests });
  if (choice.tag !== tag) {
    existingDigest = await ecrDigestOfTag(ecr, repositoryName, choice.tag);
    if (existingDigest && !knownDigests.includes(existingDigest)) {
      throw new Error(
        `ECR ${repositoryName} already holds another image under the immutable tag ${choice.tag}.`,
      );
    }
    return { tag: choice.tag, alreadyPushed: !!existingDigest, digest: existingDigest };
  }
  return { ...choice, digest: existingDigest };
}

async function ecrDigestOfTag(
  ecr: ECRClient,
  repositoryName: string,
  tag: string,
): Promise<string | undefined> {
  try {
    const res = await ecr.send(new DescribeImagesCommand({ repositoryName, imageIds: [{ imageTag: tag }] }));
    return res.imageDetails?.[0]?.imageDigest;
  } catch (err) {
    if (err instanceof Error && err.name === "ImageNotFoundException") return undefined;
    throw err;
  }
}

/** Emulated ECR: copy the manifest the loopback registry holds into ECR so DescribeImages finds the digest. */
async function mirrorManifest(ecr: ECRClient, plan: PushPlan, tag: string, digest: string, log: StepLog) {
  const repo = splitRepositoryUrl(plan.pushRepository);
  const url = `${registryBaseUrl(plan.registryHost)}/v2/${repo.path}/manifests/${digest}`;
  const res = await fetch(url, { headers: { accept: MANIFEST_TYPES.join(", ") } });
  const manifest = await res.text();
  if (!res.ok) throw new Error(`GET ${url} answered HTTP ${res.status}: ${manifest.slice(0, 500)}`);
  const actual = `sha256:${createHash("sha256").update(manifest).digest("hex")}`;
  if (actual !== digest) throw new Error(`The manifest at ${url} hashes to ${actual}, not ${digest}.`);
  const mediaType = res.headers.get("content-type")?.split(";")[0] ?? MANIFEST_TYPES[0];
  const repositoryName = plan.ecrRepositoryName ?? repo.path;
  try {
    await ecr.send(
      new PutImageCommand({
        repositoryName,
        imageManifest: manifest,
        imageManifestMediaType: mediaType,
        imageTag: tag,
        imageDigest: digest,
      }),
    );
  } catch (err) {
    // Re-pushing the same image under the same tag is not an error.
    if (!(err instanceof ImageAlreadyExistsException)) throw err;
  }
  const found = await ecr.send(
    new DescribeImagesCommand({ repositoryName, imageIds: [{ imageDigest: digest }] }),
  );
  if (!found.imageDetails?.some((d) => d.imageDigest === digest)) {
    throw new Error(`PutImage into ECR ${repositoryName} did not make ${digest} visible to DescribeImages.`);
  }
  log.info(
    `recorded manifest ${digest} in ECR repository ${repositoryName} (emulated ECR: bytes in ${plan.registryHost})`,
  );
}
