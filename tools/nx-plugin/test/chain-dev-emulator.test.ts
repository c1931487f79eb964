import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { DescribeImagesCommand, ECRClient } from "@aws-sdk/client-ecr";
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
} from "@aws-sdk/client-ecs";
// The stacks' own test harness: a private moto from the toolchain's launcher, and isolated dirs.
import { isolatedEnv, makeWorkDir, PrivateMoto } from "../../../stacks/integration/harness";
import { awsClientConfig } from "../src/lib/aws";
import { type MigrationRecord, readPushedImage } from "../src/lib/deploy-files";
import { StackOutputs } from "../src/lib/stack-outputs";
import { type NxRun, nx, putMotoPythonFirst, REGION } from "./support";

jest.setTimeout(45 * 60_000);

// The whole chain for dev into an empty emulated account: a private moto (so other suites' resets cannot
// interfere), its own state bucket, synth dir, outputs and image files (PLATFORM_* variables), through
// the real Nx targets. moto runs no containers: MOTO_ECS_SERVICE_RUNNING makes it report the service's
// task as running, so the ECS waiter sees what real ECS would report once tasks start.
describe("nx run sample-service:deploy -c dev against the emulator", () => {
  const workDir = makeWorkDir();
  const logFile = join(workDir, "chain.log");
  let moto: PrivateMoto;
  let env: NodeJS.ProcessEnv;
  let deploy: NxRun;

  beforeAll(async () => {
    const previous = process.env.MOTO_ECS_SERVICE_RUNNING;
    process.env.MOTO_ECS_SERVICE_RUNNING = "1";
    putMotoPythonFirst();
    try {
      moto = await PrivateMoto.start(workDir);
    } finally {
      if (previous === undefined) delete process.env.MOTO_ECS_SERVICE_RUNNING;
      else process.env.MOTO_ECS_SERVICE_RUNNING = previous;
    }
    env = {
      ...isolatedEnv(moto, workDir),
      PLATFORM_STATE_BUCKET: "nx-plugin-chain-state",
      AWS_REGION: REGION,
    };
    const bootstrap = await nx(["run", "stacks:bootstrap", "-c", "dev"], env, logFile);
    if (bootstrap.code !== 0)
      throw new Error(`stacks:bootstrap failed; see ${logFile}\n${bootstrap.output.slice(-3000)}`);
    deploy = await nx(["run", "sample-service:deploy", "-c", "dev"], env, logFile);
    console.log(
      `cold deploy of dev into an empty emulated account: ${deploy.seconds.toFixed(1)} s (log: ${logFile})`,
    );
  });

  afterAll(() => {
    moto?.stop();
    if (deploy?.code === 0) rmSync(workDir, { recursive: true, force: true });
  });

  const aws = () => awsClientConfig(REGION, { AWS_ENDPOINT_URL: moto.endpoint });

  it("succeeds", () => {
    if (deploy.code !== 0)
      throw new Error(`the chain failed (see ${logFile}):\n${deploy.output.slice(-4000)}`);
  });

  it("runs pre-flight, foundation, push, migrate, apply, smoke and the summary in that order", () => {
    const order = [
      "stacks:preflight:dev",
      "stacks:apply-foundation:dev",
      "sample-service:push:dev",
      "sample-service:migrate:dev",
      "sample-service:apply:dev",
      "sample-service:smoke:dev",
      "sample-service:deploy:dev",
    ];
    const positions = order.map((t) => deploy.output.indexOf(`> nx run ${t}`));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(deploy.output.indexOf("> nx run sample-service:dockerize")).toBeLessThan(positions[2]);
  });

  it("puts the pushed digest into ECR and into the service's and the migration family's task definitions", async () => {
    const image = readPushedImage(join(workDir, "dist", "deploy", "dev", "image.json"));
    const outputs = StackOutputs.load(join(workDir, "out", "outputs", "dev.json"), "test");
    expect(image.repository).toBe(outputs.string("repository_url"));
    const ecr = new ECRClient(aws());
    const ecs = new ECSClient(aws());
    try {
      const images = await ecr.send(
        new DescribeImagesCommand({
          repositoryName: outputs.string("repository_name"),
          imageIds: [{ imageDigest: image.digest }],
        }),
      );
      expect(images.imageDetails?.[0]?.imageTags).toContain(image.tag);
      const service = await ecs.send(
        new DescribeServicesCommand({
          cluster: outputs.string("cluster_arn"),
          services: [outputs.string("service_name")],
        }),
      );
      const td = await ecs.send(
        new DescribeTaskDefinitionCommand({ taskDefinition: service.services?.[0]?.taskDefinition }),
      );
      const app = td.taskDefinition?.containerDefinitions?.find(
        (c) => c.name === outputs.string("container_name"),
      );
      expect(app?.image).toBe(image.reference);
      const migration = await ecs.send(
        new DescribeTaskDefinitionCommand({ taskDefinition: outputs.string("migration_task_family") }),
      );
      expect(migration.taskDefinition?.containerDefinitions?.map((c) => c.image)).toContain(image.reference);
    } finally {
      ecr.destroy();
      ecs.destroy();
    }
  });

  it("ran the migration as a one-off task of the new image, recorded with its exit code", async () => {
    const record = JSON.parse(
      readFileSync(join(workDir, "dist", "deploy", "dev", "migration.json"), "utf8"),
    ) as MigrationRecord;
    const image = readPushedImage(join(workDir, "dist", "deploy", "dev", "image.json"));
    expect(record).toMatchObject({ succeeded: true, exitCode: 0, reference: image.reference });
    const outputs = StackOutputs.load(join(workDir, "out", "outputs", "dev.json"), "test");
    const ecs = new ECSClient(aws());
    try {
      const task = (
        await ecs.send(
          new DescribeTasksCommand({ cluster: outputs.string("cluster_arn"), tasks: [record.runId] }),
        )
      ).tasks?.[0];
      expect(task).toMatchObject({ lastStatus: "STOPPED", startedBy: `nx-migrate/${image.gitSha}` });
    } finally {
      ecs.destroy();
    }
  });

  it("says the smoke check was skipped because the URL is unreachable under the emulator", () => {
    expect(deploy.output).toMatch(
      /SKIPPED \(unreachable\): http:\/\/\S+\/version is unreachable under the AWS emulator/,
    );
  });

  it("prints the service URL as the summary's last line", () => {
    const outputs = StackOutputs.load(join(workDir, "out", "outputs", "dev.json"), "test");
    expect(deploy.output).toContain(`sample-service: ${outputs.string("service_url")}\n`);
  });

  it("stacks:deploy (infrastructure only) in a checkout without image.json keeps the image the service runs", async () => {
    const pushed = readPushedImage(join(workDir, "dist", "deploy", "dev", "image.json"));
    const freshCheckout = join(workDir, "fresh-checkout");
    const infra = await nx(
      ["run", "stacks:deploy", "-c", "dev"],
      { ...env, PLATFORM_REPO_ROOT: freshCheckout },
      logFile,
    );
    if (infra.code !== 0)
      throw new Error(`stacks:deploy failed (see ${logFile}):\n${infra.output.slice(-4000)}`);
    expect(infra.output).toContain(
      `no image pushed in this checkout: keeping the deployed ${pushed.reference}`,
    );
    expect(infra.output).toMatch(/stable: 1 deployment\(s\)/);
    const outputs = StackOutputs.load(join(workDir, "out", "outputs", "dev.json"), "test");
    expect(outputs.string("image")).toBe(pushed.reference);
  });
});
