import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { DescribeImagesCommand, ECRClient } from "@aws-sdk/client-ecr";
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  TagResourceCommand,
} from "@aws-sdk/client-ecs";
import type { EnvironmentStatus } from "@platform/ops";
// The stacks' own test harness: a private moto from the toolchain's launcher, and isolated dirs.
import { isolatedEnv, makeWorkDir, PrivateMoto } from "../../../stacks/integration/harness";
import { awsClientConfig } from "../src/lib/aws";
import { type MigrationRecord, readPushedImage } from "../src/lib/deploy-files";
import { StackOutputs } from "../src/lib/stack-outputs";
import {
  docker,
  freePort,
  jsonFromTargetOutput,
  type NxRun,
  nx,
  putMotoPythonFirst,
  REGION,
  WORKSPACE_ROOT,
} from "./support";

jest.setTimeout(45 * 60_000);

// The whole chain for dev into an empty emulated account: a private moto (so other suites' resets cannot
// interfere), its own state bucket, synth dir, outputs and image files (PLATFORM_* variables), through
// the real Nx targets. moto runs no containers: MOTO_ECS_SERVICE_RUNNING makes it report the service's
// task as running, so the ECS waiter sees what real ECS would report once tasks start. The last tests
// reuse the applied environment for the operator's view (issue 8): stacks:status with drift, run-image.
describe("nx run sample-service:deploy -c dev against the emulator", () => {
  const workDir = makeWorkDir();
  const logFile = join(workDir, "chain.log");
  let moto: PrivateMoto;
  let env: NodeJS.ProcessEnv;
  let deploy: NxRun;
  let workerDeploy: NxRun | undefined;
  /** sample-service's task definition before post-worker's deploy (which must not touch it). */
  let webTaskDefinitionBeforeWorker: string | undefined;
  let chainStarted: number;

  beforeAll(async () => {
    chainStarted = Date.now();
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
    // The second service, a worker, on the same cluster: its chain touches only its own stack.
    if (deploy.code === 0) {
      webTaskDefinitionBeforeWorker = await runningTaskDefinition("sample-service");
      workerDeploy = await nx(["run", "post-worker:deploy", "-c", "dev"], env, logFile);
    }
    console.log(`post-worker deploy of dev: ${workerDeploy?.seconds.toFixed(1)} s`);
  });

  afterAll(async () => {
    try {
      // run-image's containers and network, should its test have failed before its own --stop.
      await docker(["rm", "-f", "platform-run-image-dev-app", "platform-run-image-dev-db"], [1]);
      await docker(["network", "rm", "platform-run-image-dev"], [1]);
    } finally {
      moto?.stop();
      if (deploy?.code === 0 && workerDeploy?.code === 0) rmSync(workDir, { recursive: true, force: true });
    }
  });

  const aws = () => awsClientConfig(REGION, { AWS_ENDPOINT_URL: moto.endpoint });
  const outputsFile = () => join(workDir, "out", "outputs", "dev.json");
  /** One service's view of the outputs: the layers' and its own stack's. */
  const serviceOutputs = (service = "sample-service") =>
    StackOutputs.load(outputsFile(), "test", { service, environment: "dev" });

  /** The task definition the ECS service of `service` runs. */
  async function runningTaskDefinition(service: string): Promise<string | undefined> {
    const outputs = serviceOutputs(service);
    const ecs = new ECSClient(aws());
    try {
      const found = await ecs.send(
        new DescribeServicesCommand({
          cluster: outputs.string("cluster_arn"),
          services: [outputs.string("service_name")],
        }),
      );
      return found.services?.[0]?.taskDefinition;
    } finally {
      ecs.destroy();
    }
  }

  it("succeeds", () => {
    if (deploy.code !== 0)
      throw new Error(`the chain failed (see ${logFile}):\n${deploy.output.slice(-4000)}`);
  });

  it("deploys the worker into the same cluster, with no load balancer, applying only its own stack", async () => {
    if (workerDeploy?.code !== 0)
      throw new Error(`post-worker's chain failed (see ${logFile}):\n${workerDeploy?.output.slice(-4000)}`);
    const worker = serviceOutputs("post-worker");
    expect(worker.string("cluster_arn")).toBe(serviceOutputs().string("cluster_arn"));
    const ecs = new ECSClient(aws());
    try {
      const found = await ecs.send(
        new DescribeServicesCommand({
          cluster: worker.string("cluster_arn"),
          services: [worker.string("service_name")],
        }),
      );
      expect(found.services?.[0]).toMatchObject({ status: "ACTIVE", loadBalancers: [] });
    } finally {
      ecs.destroy();
    }
    expect(workerDeploy.output).toContain("skipped: post-worker has no migrations");
    expect(workerDeploy.output).toContain("SKIPPED (no URL): post-worker has no URL");
    // Its apply step applies its own stack only; the foundation before it finds sample-service's in place.
    expect(workerDeploy.output).toContain("nx run stacks:apply:dev --service post-worker");
    expect(workerDeploy.output).toContain(
      "[service-sample-service-dev] foundation resources exist already: skipped",
    );
    expect(await runningTaskDefinition("sample-service")).toBe(webTaskDefinitionBeforeWorker);
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
    const image = readPushedImage(join(workDir, "dist", "deploy", "dev", "sample-service", "image.json"));
    const outputs = serviceOutputs();
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
      readFileSync(join(workDir, "dist", "deploy", "dev", "sample-service", "migration.json"), "utf8"),
    ) as MigrationRecord;
    const image = readPushedImage(join(workDir, "dist", "deploy", "dev", "sample-service", "image.json"));
    expect(record).toMatchObject({ succeeded: true, exitCode: 0, reference: image.reference });
    const outputs = serviceOutputs();
    const ecs = new ECSClient(aws());
    try {
      const task = (
        await ecs.send(
          new DescribeTasksCommand({ cluster: outputs.string("cluster_arn"), tasks: [record.runId] }),
        )
      ).tasks?.[0];
      expect(task).toMatchObject({ lastStatus: "STOPPED", startedBy: `nx-migrate/${image.gitSha}` });
      // The migration connects as the service's migrator; only the bootstrap task has the admin login.
      const migration = (
        await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: task?.taskDefinitionArn }))
      ).taskDefinition;
      const migrationSecrets = migration?.containerDefinitions?.[0]?.secrets ?? [];
      expect(migrationSecrets.map((x) => x.valueFrom)).toEqual([
        expect.stringMatching(/:secret:dev\/sample-service\/db-migrator-\w+:password::$/),
        expect.stringMatching(/:secret:dev\/sample-service\/db-migrator-\w+:username::$/),
      ]);
    } finally {
      ecs.destroy();
    }
  });

  it("ran the database bootstrap task (the only one with the RDS admin login) before the migration", async () => {
    const outputs = serviceOutputs();
    const image = readPushedImage(join(workDir, "dist", "deploy", "dev", "sample-service", "image.json"));
    const ecs = new ECSClient(aws());
    try {
      const family = outputs.string("db_bootstrap_task_definition_arn");
      const listed = await ecs.send(
        new ListTasksCommand({
          cluster: outputs.string("cluster_arn"),
          startedBy: `nx-migrate-bootstrap/${image.gitSha}`,
        }),
      );
      const tasks =
        (
          await ecs.send(
            new DescribeTasksCommand({
              cluster: outputs.string("cluster_arn"),
              tasks: listed.taskArns ?? [],
            }),
          )
        ).tasks ?? [];
      expect(tasks.length).toBeGreaterThan(0);
      expect(tasks.every((t) => t.taskDefinitionArn === family && t.lastStatus === "STOPPED")).toBe(true);
      const definition = (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: family })))
        .taskDefinition;
      const secretNames = definition?.containerDefinitions?.[0]?.secrets?.map((x) => x.name);
      expect(secretNames).toEqual([
        "PGPASSWORD",
        "PGUSER",
        "PLATFORM_APP_PASSWORD",
        "PLATFORM_MIGRATOR_PASSWORD",
      ]);
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
    const outputs = serviceOutputs();
    expect(deploy.output).toContain(`sample-service: ${outputs.string("service_url")}\n`);
  });

  it("stacks:deploy (infrastructure only) in a checkout without image.json keeps the image the service runs", async () => {
    const pushed = readPushedImage(join(workDir, "dist", "deploy", "dev", "sample-service", "image.json"));
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
    const outputs = serviceOutputs();
    expect(outputs.string("image")).toBe(pushed.reference);
  });

  // The operator's view of what the chain deployed, as deploy-dev.yml runs it after a deploy:
  // ops:record-apply (GITHUB_SHA = the deployed commit), then stacks:status, here with --json and --drift.
  const pushedImage = () =>
    readPushedImage(join(workDir, "dist", "deploy", "dev", "sample-service", "image.json"));
  const deployedCommit = () => pushedImage().gitSha.replace(/-dirty$/, "");
  const status = async (): Promise<{ run: NxRun; status: EnvironmentStatus }> => {
    const run = await nx(["run", "stacks:status", "-c", "dev", "--", "--json", "--drift"], env, logFile);
    console.log(`stacks:status -c dev --json --drift: ${run.seconds.toFixed(1)} s (exit ${run.code})`);
    return { run, status: jsonFromTargetOutput<EnvironmentStatus>(run.output, "stacks") };
  };

  it("stacks:status --json --drift reports the deployed digest, revision, tasks, migration, last apply and no drift", async () => {
    const record = await nx(
      ["run", "ops:record-apply", "--", "--environment", "dev"],
      { ...env, GITHUB_SHA: deployedCommit() },
      logFile,
    );
    if (record.code !== 0)
      throw new Error(`ops:record-apply failed (see ${logFile}):\n${record.output.slice(-4000)}`);
    const { run, status: s } = await status();
    if (run.code !== 0) throw new Error(`stacks:status failed (see ${logFile}):\n${run.output.slice(-4000)}`);

    const image = pushedImage();
    const outputs = serviceOutputs();
    const ecs = new ECSClient(aws());
    let taskDefinition: string | undefined;
    try {
      taskDefinition = (
        await ecs.send(
          new DescribeServicesCommand({
            cluster: outputs.string("cluster_arn"),
            services: [outputs.string("service_name")],
          }),
        )
      ).services?.[0]?.taskDefinition;
    } finally {
      ecs.destroy();
    }
    expect(s.environment).toBe("dev");
    expect(s.services.map((x) => x.name)).toEqual(["post-worker", "sample-service"]);
    const web = s.services.find((x) => x.name === "sample-service");
    expect(web?.service).toMatchObject({
      service: outputs.string("service_name"),
      status: "ACTIVE",
      image: image.reference,
      digest: image.digest,
      gitSha: image.gitSha,
      taskDefinition,
      taskDefinitionRevision: Number(taskDefinition?.split(":").pop()),
      running: 1,
      desired: 1,
      pending: 0,
      rolloutState: "COMPLETED",
      deployments: 1,
    });
    expect(web?.imageRecord).toMatchObject({ reference: image.reference, matchesRunning: true });
    // The apply step's history entry is in the state bucket, not in this checkout, so any runner sees it.
    expect(web?.deploys?.file).toMatch(/^s3:\/\/[^/]+\/deploy-history\/dev\/sample-service\.json$/);
    expect(web?.deploys?.entries[0]).toMatchObject({
      reference: image.reference,
      result: "succeeded",
      kind: "deploy",
    });
    // Under the emulator no database runs, so the migration is known from the migrate step's record
    // (the schema_migrations read is covered against real PostgreSQL in tools/ops/test/status.test.ts).
    expect(web?.migration.record).toMatchObject({ succeeded: true, exitCode: 0, reference: image.reference });
    expect(web?.migration.databaseNote).toBe("not read (pass --database-url)");
    const worker = s.services.find((x) => x.name === "post-worker");
    expect(worker?.service).toMatchObject({ status: "ACTIVE", running: 1, desired: 1 });

    const stacks = [
      "network-dev",
      "database-dev",
      "registry",
      "platform-dev",
      "service-post-worker-dev",
      "service-sample-service-dev",
    ];
    expect(s.stacks.map((st) => st.stack).sort()).toEqual([...stacks].sort());
    expect(s.stacks.every((st) => st.applied && (st.resources ?? 0) > 0)).toBe(true);
    const newest = s.stacks
      .map((st) => st.lastModified ?? "")
      .sort()
      .pop();
    expect(s.lastApply).toMatchObject({ at: newest, commit: deployedCommit() });
    // S3 LastModified has whole seconds: compare with the second the chain started in.
    expect(Date.parse(s.lastApply.at ?? "")).toBeGreaterThanOrEqual(Math.floor(chainStarted / 1000) * 1000);
    expect(Date.parse(s.lastApply.recordAt ?? "")).toBeGreaterThanOrEqual(Date.parse(s.lastApply.at ?? ""));

    expect(s.drift?.map((d) => d.stack).sort()).toEqual([...stacks].sort());
    for (const d of s.drift ?? [])
      expect(d).toMatchObject({ exitCode: 0, drifted: false, summary: "No changes.", changes: [] });
  });

  it("stacks:status --drift reports a tag changed by hand on the ECS service as drift of its stack only", async () => {
    const outputs = serviceOutputs();
    const ecs = new ECSClient(aws());
    try {
      const service = (
        await ecs.send(
          new DescribeServicesCommand({
            cluster: outputs.string("cluster_arn"),
            services: [outputs.string("service_name")],
            include: ["TAGS"],
          }),
        )
      ).services?.[0];
      const original = service?.tags?.find((t) => t.key === "CostCenter")?.value;
      expect(original).toBe("platform-dev");
      // desired_count would be the obvious change, but the service ignores it (autoscaling owns it).
      const tag = (value: string) =>
        ecs.send(
          new TagResourceCommand({ resourceArn: service?.serviceArn, tags: [{ key: "CostCenter", value }] }),
        );
      await tag("changed-by-hand");
      try {
        const { run, status: s } = await status();
        expect(run.code).not.toBe(0); // exit 2 on drift: Nx reports the target as failed
        const drifted = s.drift?.filter((d) => d.drifted) ?? [];
        expect(drifted.map((d) => d.stack)).toEqual(["service-sample-service-dev"]);
        expect(drifted[0]).toMatchObject({
          exitCode: 2,
          summary: "Plan: 0 to add, 1 to change, 0 to destroy.",
        });
        expect(drifted[0].changes).toEqual([
          expect.stringMatching(/^aws_ecs_service\.\S+ will be updated in-place$/),
        ]);
        expect(s.drift?.filter((d) => d.exitCode !== 2).every((d) => d.exitCode === 0)).toBe(true);
      } finally {
        await tag(original ?? "platform-dev");
      }
    } finally {
      ecs.destroy();
    }
  });

  it("sample-service:run-image -c dev runs the deployed digest from the loopback registry against a local PostgreSQL", async () => {
    const image = pushedImage();
    const port = await freePort();
    const loopbackReference = `127.0.0.1:5001/sample-service@${image.digest}`;
    try {
      const run = await nx(
        ["run", "sample-service:run-image", "-c", "dev", "--", "--port", String(port), "--detach"],
        env,
        logFile,
      );
      console.log(`sample-service:run-image -c dev --detach: ${run.seconds.toFixed(1)} s`);
      if (run.code !== 0) throw new Error(`run-image failed (see ${logFile}):\n${run.output.slice(-4000)}`);
      expect(run.output).toContain(`dev runs ${image.reference}`);
      expect(run.output).toContain(`docker pull ${loopbackReference}`);

      // --detach returns once /_ready answers: /version is the deployed build.
      const version = (await (await fetch(`http://127.0.0.1:${port}/version`)).json()) as Record<
        string,
        string
      >;
      expect(version).toMatchObject({ version: image.version, git_sha: image.gitSha });

      const inspect = JSON.parse((await docker(["inspect", "platform-run-image-dev-app"])).stdout) as Array<{
        Config: { Image: string; Env: string[] };
      }>;
      expect(inspect[0].Config.Image).toBe(loopbackReference);
      const containerEnv = new Map(
        inspect[0].Config.Env.map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]),
      );
      // The environment's settings, but the local database instead of RDS (and no secrets copied).
      const ecs = new ECSClient(aws());
      try {
        const td = (
          await ecs.send(
            new DescribeTaskDefinitionCommand({
              taskDefinition: serviceOutputs().string("task_definition_arn"),
            }),
          )
        ).taskDefinition;
        const app = td?.containerDefinitions?.find(
          (c) => c.name === serviceOutputs().string("container_name"),
        );
        expect(containerEnv.get("PORT")).toBe(String(app?.portMappings?.[0]?.containerPort));
        const database = new Set(["PGHOST", "PGPORT", "PGDATABASE", "PGSSLMODE"]);
        for (const e of app?.environment ?? []) {
          if (!database.has(e.name ?? "")) expect(containerEnv.get(e.name ?? "")).toBe(e.value);
        }
        expect(app?.environment?.find((e) => e.name === "PGHOST")?.value).not.toBe(
          containerEnv.get("PGHOST"),
        );
        expect(app?.secrets?.map((x) => x.name).sort()).toEqual(["PGPASSWORD", "PGUSER"]);
      } finally {
        ecs.destroy();
      }
      expect(containerEnv.get("PGHOST")).toBe("platform-run-image-dev-db");
      expect(containerEnv.get("PGSSLMODE")).toBe("disable");
      expect(containerEnv.get("PGUSER")).toBe("app");

      // The image's own migrate command ran against the local database.
      const migrations = readdirSync(join(WORKSPACE_ROOT, "apps", "sample-service", "migrations")).filter(
        (f) => f.endsWith(".sql"),
      );
      const applied = await docker([
        "exec",
        "platform-run-image-dev-db",
        "psql",
        "-U",
        "app",
        "-d",
        "app",
        "-tAc",
        "SELECT count(*) FROM schema_migrations",
      ]);
      expect(Number(applied.stdout.trim())).toBe(migrations.length);
    } finally {
      const stop = await nx(["run", "sample-service:run-image", "-c", "dev", "--", "--stop"], env, logFile);
      expect(stop.code).toBe(0);
    }
    const left = await docker([
      "ps",
      "-a",
      "-q",
      "--filter",
      "label=platform.ops=run-image",
      "--filter",
      "label=platform.environment=dev",
    ]);
    expect(left.stdout.trim()).toBe("");
    const network = await docker(["network", "inspect", "platform-run-image-dev"], [1]);
    expect(network.exitCode).toBe(1);
  });
});
