import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ECRClient } from "@aws-sdk/client-ecr";
import type { ECSClient } from "@aws-sdk/client-ecs";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { Client } from "pg";
import { migrationRecordFile } from "../src/lib/deploy-records";
import type { SynthesizedEnvironment } from "../src/lib/synthesized-environment";
import { writeApplyRecord } from "../src/status/apply-record";
import { renderStatusTable } from "../src/status/render";
import { collectStatus } from "../src/status/status";
import { clients, createRepository, createService, deployImage, putEcrImage } from "./support/ecs-fixtures";
import { startPostgres } from "./support/postgres";
import { pushTinyImage } from "./support/registry-images";
import { REGION, STATIC, type TestToolchain, uniqueSuffix, waitForToolchain } from "./support/toolchain";

jest.setTimeout(120_000);

let tc: TestToolchain;
let ecs: ECSClient;
let ecr: ECRClient;
let s3: S3Client;
let repoRoot: string;
let synthesized: SynthesizedEnvironment;
let name: string;
let digest: string;
let td: string;
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

beforeAll(async () => {
  tc = await waitForToolchain();
  ({ ecs, ecr } = clients(tc.awsEndpoint));
  s3 = new S3Client({ region: REGION, endpoint: tc.awsEndpoint, credentials: STATIC, forcePathStyle: true });
  const suffix = uniqueSuffix();
  name = `dev-status-${suffix}`;
  repoRoot = mkdtempSync(join(tmpdir(), "ops-status-"));

  // An applied "dev": image in ECR (+ bytes in the loopback registry), ECS service on revision 2 of its
  // task definition, and the network and service stacks' state objects in the state bucket.
  const repo = `ops-status-${suffix}`;
  const uri = await createRepository(ecr, repo);
  const pushed = await pushTinyImage(tc.registry, repo, "abcdef1");
  digest = pushed.digest;
  await putEcrImage(ecr, repo, digest, pushed.manifest, "abcdef1");
  await createService(ecs, name, `${uri}@sha256:${"7".repeat(64)}`, 2);
  td = await deployImage(ecs, name, `${uri}@${digest}`);

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
  await new Promise((r) => setTimeout(r, 1100)); // distinct LastModified seconds: the service stack was applied last
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: "dev/service.tfstate",
      Body: state(
        7,
        {
          cluster_name: name,
          service_name: name,
          container_name: "app",
          cluster_arn: `arn:aws:ecs:${REGION}:123456789012:cluster/${name}`,
        },
        25,
      ),
    }),
  );
  const obj = (stack: string, key: string) => ({ stack, bucket, key, region: REGION, dir: repoRoot });
  synthesized = {
    env: "dev",
    outdir: repoRoot,
    region: REGION,
    serviceStack: "service-dev",
    stateObjects: [
      obj("network-dev", "dev/network.tfstate"),
      obj("database-dev", "dev/database.tfstate"),
      obj("service-dev", "dev/service.tfstate"),
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

  mkdirSync(join(repoRoot, "dist", "deploy", "dev"), { recursive: true });
  writeFileSync(
    migrationRecordFile(repoRoot, "dev"),
    JSON.stringify({
      environment: "dev",
      reference: `${uri}@${digest}`,
      runId: "arn:task/1",
      exitCode: 0,
      succeeded: true,
      startedAt: "2026-11-21T10:00:00Z",
    }),
  );

  // The service's database, with the migration table the service's migrate command keeps.
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

test("reports what runs in dev: digest, git sha, revision, counts, rollout, migration, last apply", async () => {
  const status = await collectStatus({ repoRoot, synthesized, databaseUrl: pg.url, environ: tc.environ });

  expect(status.service).toMatchObject({
    cluster: name,
    digest,
    gitSha: "abcdef1", // from the push tag in ECR
    taskDefinition: td,
    taskDefinitionRevision: 2,
    desired: 2,
    rolloutState: expect.any(String),
  });
  expect((status.service?.running ?? 0) + (status.service?.pending ?? 0)).toBe(2);
  expect(status.migration.database).toMatchObject({ version: 2, name: "add_index", count: 2 });
  expect(status.migration.record).toMatchObject({ succeeded: true, exitCode: 0 });
  expect(status.lastApply).toMatchObject({
    stack: "service-dev",
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
    expect.objectContaining({ stack: "service-dev", applied: true, serial: 7, resources: 25 }),
  ]);
  const table = renderStatusTable(status);
  expect(table).toContain(digest);
  expect(table).toMatch(/last migration\s+002_add_index/);
});

test("an environment whose service stack was never applied says so", async () => {
  const status = await collectStatus({
    repoRoot,
    synthesized: {
      ...synthesized,
      stateObjects: synthesized.stateObjects.map((o) => ({ ...o, key: `nowhere/${o.key}` })),
    },
    environ: tc.environ,
  });
  expect(status.service).toBeUndefined();
  expect(status.serviceNote).toBe("service-dev is not applied");
  expect(status.lastApply.at).toBeUndefined();
  expect(status.migration.databaseNote).toMatch(/not read/);
});

test("an unreachable database is reported, not fatal", async () => {
  const status = await collectStatus({
    repoRoot,
    synthesized,
    databaseUrl: "postgresql://x@127.0.0.1:1/x",
    environ: tc.environ,
  });
  expect(status.migration.databaseNote).toMatch(/database unreachable/);
  expect(status.service?.digest).toBe(digest);
});
