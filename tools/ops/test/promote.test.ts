import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ECRClient } from "@aws-sdk/client-ecr";
import type { ECSClient } from "@aws-sdk/client-ecs";
import { imageRecordFile, readImageRecord } from "../src/lib/deploy-records";
import type { ServiceLocation } from "../src/lib/deployed-service";
import type { AwsEnvironmentName } from "../src/lib/environments";
import { locateService } from "../src/lib/locate-service";
import { promote } from "../src/promote/promote";
import { clients, createRepository, createService, deployImage, putEcrImage } from "./support/ecs-fixtures";
import { pushTinyImage } from "./support/registry-images";
import { REGION, type TestToolchain, uniqueSuffix, waitForToolchain } from "./support/toolchain";

jest.setTimeout(120_000);

/** The service promoted; a second one in the outputs proves the other's stack is never read. */
const SERVICE = "sample-service";
const OTHER = "post-worker";

let tc: TestToolchain;
let ecs: ECSClient;
let ecr: ECRClient;
let repoRoot: string;
let suffix: string;
let repoName: string;
let repoUri: string;
const images: Record<string, { digest: string; manifest: string; sha: string }> = {};

/** The service of `env` in this test run: `<env>-<suffix>` cluster and service. */
const serviceName = (env: string) => `${env}-${suffix}`;
/**
 * Writes the stacks' outputs file for an environment, as `stacks:apply` does: one stack per service
 * (`services` names them), the other service's naming a service that does not exist.
 */
function writeOutputs(env: string): void {
  const file = join(repoRoot, "stacks", "out", "outputs", `${env}.json`);
  mkdirSync(join(file, ".."), { recursive: true });
  const n = serviceName(env);
  const outputs = (service: string) => ({
    cluster_name: n,
    service_name: service,
    container_name: "app",
    cluster_arn: `arn:aws:ecs:${REGION}:123456789012:cluster/${n}`,
  });
  writeFileSync(
    file,
    JSON.stringify({
      environment: env,
      services: { [SERVICE]: `service-${SERVICE}-${env}`, [OTHER]: `service-${OTHER}-${env}` },
      stacks: {
        [`service-${OTHER}-${env}`]: outputs(`${n}-not-promoted`),
        [`service-${SERVICE}-${env}`]: outputs(n),
      },
    }),
  );
}
const recordFile = (env: string) => imageRecordFile(repoRoot, env, SERVICE);
const locate = (env: AwsEnvironmentName): Promise<ServiceLocation> =>
  locateService(env, { repoRoot, service: SERVICE, environ: tc.environ });
const run = (
  from: AwsEnvironmentName,
  to: AwsEnvironmentName,
  extra: { expectDigest?: string; expectRevision?: string } = {},
) =>
  promote({
    from,
    to,
    service: SERVICE,
    repoRoot,
    locate,
    bytesRegistry: tc.registry,
    environ: tc.environ,
    ...extra,
  });

beforeAll(async () => {
  tc = await waitForToolchain();
  ({ ecs, ecr } = clients(tc.awsEndpoint));
  suffix = uniqueSuffix();
  repoRoot = mkdtempSync(join(tmpdir(), "ops-promote-"));
  repoName = `ops-test-${suffix}`;
  repoUri = await createRepository(ecr, repoName);
  // Three builds pushed the way the deploy chain does under the emulator: bytes to the loopback registry
  // (path = the ECR repository name), the manifest recorded in the emulated ECR with its git-sha tag.
  for (const [name, sha] of [
    ["old", "1111111"],
    ["new", "2222222"],
    ["bytesOnlyInEcr", "3333333"],
  ] as const) {
    const pushed = await pushTinyImage(tc.registry, repoName, sha);
    images[name] = { ...pushed, sha };
    await putEcrImage(ecr, repoName, pushed.digest, pushed.manifest, sha);
  }
  for (const env of ["dev", "staging", "prod"]) writeOutputs(env);
});

afterAll(() => {
  ecs?.destroy();
  ecr?.destroy();
  if (repoRoot) rmSync(repoRoot, { recursive: true, force: true });
});

test("promotes the digest RUNNING in dev (latest task definition), not a stale image record", async () => {
  await createService(ecs, serviceName("dev"), `${repoUri}@${images.old.digest}`);
  const td2 = await deployImage(ecs, serviceName("dev"), `${repoUri}@${images.new.digest}`);
  // A record left by an earlier push in this checkout names another digest: the live service wins.
  mkdirSync(join(repoRoot, "dist", "deploy", "dev", SERVICE), { recursive: true });
  writeFileSync(
    recordFile("dev"),
    JSON.stringify({
      repository: repoUri,
      digest: images.old.digest,
      reference: `${repoUri}@${images.old.digest}`,
      gitSha: "1111111",
    }),
  );

  const result = await run("dev", "staging");

  expect(result.record.digest).toBe(images.new.digest);
  expect(result.service).toBe(SERVICE);
  expect(result.source.taskDefinitionArn).toBe(td2);
  expect(result.recordFile).toBe(join(repoRoot, "dist", "deploy", "staging", SERVICE, "image.json"));
  const written = readImageRecord(recordFile("staging"));
  expect(written).toMatchObject({
    repository: repoUri,
    digest: images.new.digest,
    reference: `${repoUri}@${images.new.digest}`,
    gitSha: "2222222",
    tag: "2222222",
    environment: "staging",
    pushedTo: `${tc.registry}/${repoName}`,
    promotedFrom: { environment: "dev", taskDefinitionArn: td2 },
  });
});

test("refuses a digest the registry does not hold, and writes nothing", async () => {
  const env = "dev";
  const missing = `sha256:${"9".repeat(64)}`;
  await deployImage(ecs, serviceName(env), `${repoUri}@${missing}`);
  rmSync(recordFile("staging"), { force: true });
  await expect(run("dev", "staging")).rejects.toThrow(
    /Refusing to promote .*registry does not hold it \(ECR .*ImageNotFoundException/,
  );
  expect(existsSync(recordFile("staging"))).toBe(false);
});

test("refuses a digest ECR records but whose bytes are not in the loopback registry", async () => {
  // Recorded in ECR only (as a PutImage without a push would leave it): ECS could not pull it.
  const digest = `sha256:${"8".repeat(64)}`;
  // A manifest of its own: the emulated ECR keys images by manifest content.
  const manifest = JSON.stringify({ ...JSON.parse(images.old.manifest), annotations: { "ops.test": "8" } });
  await putEcrImage(ecr, repoName, digest, manifest, "8888888");
  await deployImage(ecs, serviceName("dev"), `${repoUri}@${digest}`);
  await expect(run("dev", "staging")).rejects.toThrow(/registry does not hold it .*answers 404/);
  expect(existsSync(recordFile("staging"))).toBe(false);
});

test("refuses to skip staging, before reading anything", async () => {
  const spy = jest.fn(locate);
  await expect(
    promote({
      from: "dev",
      to: "prod",
      service: SERVICE,
      repoRoot,
      locate: spy,
      bytesRegistry: tc.registry,
      environ: tc.environ,
    }),
  ).rejects.toThrow(/Refusing to skip staging/);
  expect(spy).not.toHaveBeenCalled();
  expect(existsSync(recordFile("prod"))).toBe(false);
});

test("prod takes only the digest running in staging", async () => {
  await createService(ecs, serviceName("staging"), `${repoUri}@${images.new.digest}`);
  await expect(run("staging", "prod", { expectDigest: images.old.digest })).rejects.toThrow(
    /not the expected/,
  );
  expect(existsSync(recordFile("prod"))).toBe(false);

  const result = await run("staging", "prod", { expectDigest: images.new.digest });
  expect(result.record.digest).toBe(images.new.digest);
  expect(readImageRecord(recordFile("prod"))?.promotedFrom?.environment).toBe("staging");
});

test("an environment with no service has nothing to promote", async () => {
  const empty = mkdtempSync(join(tmpdir(), "ops-promote-empty-"));
  try {
    await expect(
      promote({
        from: "dev",
        to: "staging",
        service: SERVICE,
        repoRoot: empty,
        locate: (e) => locateService(e, { repoRoot: empty, service: SERVICE }),
        environ: tc.environ,
      }),
    ).rejects.toThrow(`Cannot find the ECS service of ${SERVICE} in dev`);
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});

test("a loopback-registry reference is verified by HEAD /v2/<repo>/manifests/<digest>, git sha from the image config", async () => {
  const path = `ops-loopback-${suffix}`;
  const pushed = await pushTinyImage(tc.registry, path, "4444444");
  const name = `dev-lo-${suffix}`;
  await createService(ecs, name, `${tc.registry}/${path}@${pushed.digest}`);
  const loc = { region: REGION, cluster: name, service: name, source: "test" };
  const result = await promote({
    from: "dev",
    to: "staging",
    service: SERVICE,
    repoRoot,
    locate: async () => loc,
    environ: tc.environ,
    dryRun: true,
  });
  expect(result.registry.where).toBe(`http://${tc.registry}/v2/${path}`);
  expect(result.record).toMatchObject({
    digest: pushed.digest,
    gitSha: "4444444",
    pushedTo: `${tc.registry}/${path}`,
  });
  expect(result.written).toBe(false);
});

test("provenance: promotes only an image built from the commit the release points to, and names who and what", async () => {
  await deployImage(ecs, serviceName("dev"), `${repoUri}@${images.new.digest}`);
  rmSync(recordFile("staging"), { force: true });
  // The registry's push tag and the image config's revision label say 2222222.
  await expect(run("dev", "staging", { expectRevision: "4444444" })).rejects.toThrow(
    /Refusing to promote sha256:[0-9a-f]{64}: it was built from 2222222 \(registry .*\), not from 4444444, the commit the release points to/,
  );
  expect(existsSync(recordFile("staging"))).toBe(false);

  // A dev deploy record of the same digest naming another commit: the origins disagree.
  writeFileSync(
    recordFile("dev"),
    JSON.stringify({
      repository: repoUri,
      digest: images.new.digest,
      reference: `${repoUri}@${images.new.digest}`,
      gitSha: "5555555",
    }),
  );
  await expect(run("dev", "staging")).rejects.toThrow(
    /its recorded origins disagree: 2222222 .*5555555 \(dev deploy record\)/,
  );
  expect(existsSync(recordFile("staging"))).toBe(false);
  rmSync(recordFile("dev"));

  const result = await promote({
    from: "dev",
    to: "staging",
    service: SERVICE,
    repoRoot,
    locate,
    bytesRegistry: tc.registry,
    environ: { ...tc.environ, GITHUB_ACTOR: "release-bot", GITHUB_WORKFLOW: "promote", GITHUB_RUN_ID: "42" },
    expectRevision: "2222222",
  });
  expect(result.record.promotedFrom).toMatchObject({
    environment: "dev",
    by: "release-bot",
    via: "promote run 42",
    verifiedRevision: "2222222",
    revisionSources: [expect.stringMatching(/^registry /)],
  });
  expect(readImageRecord(recordFile("staging"))?.promotedFrom?.verifiedRevision).toBe("2222222");
});
