import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ECRClient } from "@aws-sdk/client-ecr";
import type { ECSClient } from "@aws-sdk/client-ecs";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { deployHistoryStore } from "@platform/toolchain";
import { Client } from "pg";
import { imageRecordFile, migrationRecordFile, writeJsonFile } from "../src/lib/deploy-records";
import type { SynthesizedEnvironment } from "../src/lib/synthesized-environment";
import { writeApplyRecord } from "../src/status/apply-record";
import { renderStatusTable } from "../src/status/render";
import { collectStatus, type EnvironmentStatus, type ServiceSection } from "../src/status/status";
import { clients, createRepository, createService, deployImage, putEcrImage } from "./support/ecs-fixtures";
import { startPostgres } from "./support/postgres";
import { pushTinyImage } from "./support/registry-images";
import { REGION, STATIC, type TestToolchain, uniqueSuffix, waitForToolchain } from "./support/toolchain";

jest.setTimeout(120_000);

/** The environment's two services, as apps/*\/service.json names them. */
const WEB = "sample-service";
const WORKER = "post-worker";

let tc: TestToolchain;
let ecs: ECSClient;
let ecr: ECRClient;
let s3: S3Client;
let repoRoot: string;
let synthesized: SynthesizedEnvironment;
/** The environment's one ECS cluster (`<env>` in AWS; unique here). */
let cluster: string;
/** ECS service name of each service (`<env>-<service>` in AWS; unique here). */
const ecsName: Record<string, string> = {};
const digests: Record<string, string> = {};
const taskDefinitions: Record<string, string> = {};
let pg: Awaited<ReturnType<typeof startPostgres>>;

/** A Terraform state document as the S3 backend stores it. */
const state = (serial: number, outputs: Record<string, string>, resources: number) =>
  JSON.stringify({
    version: 4,
    terraform_version: "1.11.4",
    serial,
    lineage: "test",
    outputs: Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, { value: v, type: "string" }])),
    resources: Array.from({ length: resources }, (_, i) => ({
      mode: "managed",
      type: "aws_thing",
      name: `t${i}`,
    })),
  });

const section = (status: EnvironmentStatus, name: string): ServiceSection => {
  const found = status.services.find((s) => s.name === name);
  if (!found) throw new Error(`no section ${name} in ${status.services.map((s) => s.name).join(", ")}`);
  return found;
};

beforeAll(async () => {
  tc = await waitForToolchain();
  ({ ecs, ecr } = clients(tc.awsEndpoint));
  s3 = new S3Client({ region: REGION, endpoint: tc.awsEndpoint, credentials: STATIC, forcePathStyle: true });
  const suffix = uniqueSuffix();
  cluster = `dev-status-${suffix}`;
  repoRoot = mkdtempSync(join(tmpdir(), "ops-status-"));
  const bucket = `tfstate-${suffix}`;
  await s3.send(
    new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: REGION } }),
  );
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: "dev/network.tfstate",
      Body: state(3, { vpc_id: "vpc-1" }, 12),
    }),
  );

  // An applied "dev" with two services in one cluster: each its own ECR repository (+ bytes in the
  // loopback registry), ECS service on revision 2 (web) or 3 (worker) of its task definition, and its
  // own stack state. The worker's stack is written last: distinct LastModified seconds.
  const serial: Record<string, number> = { [WEB]: 7, [WORKER]: 5 };
  for (const [service, sha, revisions] of [
    [WEB, "abcdef1", 2],
    [WORKER, "fedcba2", 3],
  ] as const) {
    ecsName[service] = `${cluster}-${service}`;
    const repo = `ops-status-${suffix}-${service}`;
    const uri = await createRepository(ecr, repo);
    const pushed = await pushTinyImage(tc.registry, repo, sha);
    digests[service] = pushed.digest;
    await putEcrImage(ecr, repo, pushed.digest, pushed.manifest, sha);
    await createService(ecs, ecsName[service], `${uri}@sha256:${"7".repeat(64)}`, 2, cluster);
    for (let r = 2; r <= revisions; r++)
      taskDefinitions[service] = await deployImage(ecs, ecsName[service], `${uri}@${pushed.digest}`, cluster);
    await new Promise((r) => setTimeout(r, 1100));
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: `dev/service-${service}.tfstate`,
        Body: state(
          serial[service],
          {
            service_url: service === WEB ? "http://dev.example" : "",
            cluster_name: cluster,
            service_name: ecsName[service],
            container_name: "app",
            cluster_arn: `arn:aws:ecs:${REGION}:123456789012:cluster/${cluster}`,
          },
          25,
        ),
      }),
    );
    writeJsonFile(imageRecordFile(repoRoot, "dev", service), {
      repository: uri,
      digest: pushed.digest,
      reference: `${uri}@${pushed.digest}`,
      gitSha: sha,
    });
  }
  const obj = (stack: string, key: string) => ({ stack, bucket, key, region: REGION, dir: repoRoot });
  synthesized = {
    env: "dev",
    outdir: repoRoot,
    region: REGION,
    services: [
      { name: WORKER, stack: `service-${WORKER}-dev` },
      { name: WEB, stack: `service-${WEB}-dev` },
    ],
    stateObjects: [
      obj("network-dev", "dev/network.tfstate"),
      obj("database-dev", "dev/database.tfstate"),
      obj("platform-dev", "dev/platform.tfstate"),
      obj(`service-${WEB}-dev`, `dev/service-${WEB}.tfstate`),
      obj(`service-${WORKER}-dev`, `dev/service-${WORKER}.tfstate`),
    ],
  };
  await writeApplyRecord(
    bucket,
    REGION,
    {
      environment: "dev",
      commit: "0123456789abcdef0123456789abcdef01234567",
      appliedAt: new Date().toISOString(),
      by: "ci run 42",
    },
    tc.environ,
  );

  // Only the web service migrates: its record, none for the worker.
  writeJsonFile(migrationRecordFile(repoRoot, "dev", WEB), {
    environment: "dev",
    reference: `r@${digests[WEB]}`,
    runId: "arn:task/1",
    exitCode: 0,
    succeeded: true,
    startedAt: "2026-11-21T10:00:00Z",
  });

  // The services' database, with the migration table the service's migrate command keeps.
  pg = await startPostgres();
  const c = new Client({ connectionString: pg.url });
  await c.connect();
  await c.query(`CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(), duration_ms integer NOT NULL)`);
  await c.query(
    `INSERT INTO schema_migrations VALUES (1, 'create_posts', 'x', '2026-11-20T10:00:00Z', 5), (2, 'add_index', 'y', '2026-11-21T10:00:00Z', 7)`,
  );
  await c.end();
});

afterAll(() => {
  ecs?.destroy();
  ecr?.destroy();
  s3?.destroy();
  pg?.stop();
  if (repoRoot) rmSync(repoRoot, { recursive: true, force: true });
});

test("reports each service of dev: digest, git sha, revision, counts, rollout, own records; the environment's last apply", async () => {
  // The deploy chain's history of the web service, in the state bucket (the worker has none).
  const stateBucket = { bucket: synthesized.stateObjects[0].bucket, region: REGION };
  const history = deployHistoryStore({
    repoRoot,
    env: "dev",
    service: WEB,
    stateBucket,
    environ: tc.environ,
  });
  await history.append({
    digest: digests[WEB],
    repository: "web",
    reference: `web@${digests[WEB]}`,
    gitSha: "abcdef1",
    version: "1.0.0",
    tag: "abcdef1",
    pushedTo: "web",
    deployedAt: "2026-12-01T10:00:00.000Z",
    result: "succeeded",
    kind: "deploy",
    migrations: [],
  });
  const status = await collectStatus({ repoRoot, synthesized, databaseUrl: pg.url, environ: tc.environ });

  expect(section(status, WEB).deploys).toMatchObject({
    file: `s3://${stateBucket.bucket}/deploy-history/dev/${WEB}.json`,
    total: 1,
    entries: [{ digest: digests[WEB], gitSha: "abcdef1" }],
  });
  expect(section(status, WORKER).deploys).toMatchObject({ total: 0, entries: [] });
  expect(status.services.map((s) => [s.name, s.stack])).toEqual([
    [WORKER, `service-${WORKER}-dev`],
    [WEB, `service-${WEB}-dev`],
  ]);
  for (const [service, revision] of [
    [WEB, 2],
    [WORKER, 3],
  ] as const) {
    const s = section(status, service);
    expect(s.service).toMatchObject({
      cluster,
      service: ecsName[service],
      digest: digests[service],
      gitSha: service === WEB ? "abcdef1" : "fedcba2", // from the push tag in ECR
      taskDefinition: taskDefinitions[service],
      taskDefinitionRevision: revision,
      desired: 2,
      rolloutState: expect.any(String),
    });
    expect((s.service?.running ?? 0) + (s.service?.pending ?? 0)).toBe(2);
    expect(s.imageRecord).toMatchObject({ matchesRunning: true });
    expect(s.migration.database).toMatchObject({ version: 2, name: "add_index", count: 2 });
  }
  expect(section(status, WEB).migration.record).toMatchObject({ succeeded: true, exitCode: 0 });
  expect(section(status, WORKER).migration.record).toBeUndefined();
  expect(status.lastApply).toMatchObject({
    stack: `service-${WORKER}-dev`,
    commit: "0123456789abcdef0123456789abcdef01234567",
    by: "ci run 42",
  });
  expect(status.stacks).toEqual([
    expect.objectContaining({ stack: "network-dev", applied: true, serial: 3, resources: 12 }),
    {
      stack: "database-dev",
      applied: false,
      lastModified: undefined,
      serial: undefined,
      resources: undefined,
    },
    expect.objectContaining({ stack: "platform-dev", applied: false }),
    expect.objectContaining({ stack: `service-${WEB}-dev`, applied: true, serial: 7, resources: 25 }),
    expect.objectContaining({ stack: `service-${WORKER}-dev`, applied: true, serial: 5, resources: 25 }),
  ]);
  const table = renderStatusTable(status);
  expect(table).toContain(digests[WEB]);
  expect(table).toContain(digests[WORKER]);
  expect(table).toMatch(/last migration\s+002_add_index/);
});

test("--service limits the report to that service and the stacks that are not another service's", async () => {
  let planned: string[] = [];
  const status = await collectStatus({
    repoRoot,
    synthesized,
    service: WORKER,
    environ: tc.environ,
    drift: async (stacks, running) => {
      planned = stacks.map((s) => s.stack);
      expect([...running.keys()]).toEqual([WORKER]);
      expect(running.get(WORKER)?.image?.digest).toBe(digests[WORKER]);
      return [];
    },
  });
  expect(status.services.map((s) => s.name)).toEqual([WORKER]);
  expect(status.stacks.map((s) => s.stack)).not.toContain(`service-${WEB}-dev`);
  expect(planned).toEqual(["network-dev", "database-dev", "platform-dev", `service-${WORKER}-dev`]);
  await expect(
    collectStatus({ repoRoot, synthesized, service: "orders", environ: tc.environ }),
  ).rejects.toThrow(`--service "orders" is not a service of dev; services: ${WORKER}, ${WEB}`);
});

test("an environment whose service stacks were never applied says so, per service", async () => {
  const status = await collectStatus({
    repoRoot,
    synthesized: {
      ...synthesized,
      stateObjects: synthesized.stateObjects.map((o) => ({ ...o, key: `nowhere/${o.key}` })),
    },
    environ: tc.environ,
  });
  for (const name of [WEB, WORKER]) {
    const s = section(status, name);
    expect(s.service).toBeUndefined();
    expect(s.serviceNote).toBe(`service-${name}-dev is not applied`);
    expect(s.migration.databaseNote).toMatch(/not read/);
    expect(s.imageRecord?.matchesRunning).toBe(false);
  }
  expect(status.lastApply.at).toBeUndefined();
});

test("an unreachable database is reported, not fatal", async () => {
  const status = await collectStatus({
    repoRoot,
    synthesized,
    databaseUrl: "postgresql://x@127.0.0.1:1/x",
    environ: tc.environ,
  });
  expect(section(status, WEB).migration.databaseNote).toMatch(/database unreachable/);
  expect(section(status, WEB).service?.digest).toBe(digests[WEB]);
});
