import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { ECRClient, GetAuthorizationTokenCommand } from "@aws-sdk/client-ecr";
import { DescribeTaskDefinitionCommand, ECSClient } from "@aws-sdk/client-ecs";
import { awsClientConfig } from "../lib/aws";
import type { DeployedService } from "../lib/deployed-service";
import { ecrRegistry, type ImageReference } from "../lib/image-reference";
import { nonSecretSettings, planRunImage, type RunImagePlan } from "./run-image-plan";

export interface RunImageOptions {
  readonly env: string;
  /** The service whose image runs (labels the containers; names the target that stops them). */
  readonly service: string;
  /** What the environment runs (ECS), or undefined to use `image` (the local environment, or an image record). */
  readonly deployed?: DeployedService;
  readonly image: ImageReference;
  /** Loopback registry holding the bytes under the emulator (PLATFORM_REGISTRY); undefined = the reference's registry. */
  readonly bytesRegistry?: string;
  readonly postgresImage: string;
  readonly hostPort: number;
  /** Container port. @default the task definition's first port mapping, else 3000 */
  readonly containerPort?: number;
  /**
   * Leave the containers running and return once the service answers `/_ready` (tests, scripts).
   * @default false: run in the foreground
   */
  readonly detach: boolean;
  /** Environment for docker (DOCKER_HOST from the toolchain) and AWS clients. */
  readonly environ: NodeJS.ProcessEnv;
  readonly log: (line: string) => void;
}

function docker(args: readonly string[], environ: NodeJS.ProcessEnv, input?: string): string {
  const r = spawnSync("docker", args, { env: environ, encoding: "utf8", input });
  if (r.error) throw new Error(`docker is not runnable: ${r.error.message}`);
  if (r.status !== 0)
    throw new Error(`docker ${args.slice(0, 2).join(" ")} failed: ${(r.stderr || r.stdout).trim()}`);
  return r.stdout.trim();
}

/** Removes the run's containers and network; safe to call when some are gone. */
export function stopRunImage(env: string, environ: NodeJS.ProcessEnv): void {
  const plan = planRunImage({
    env,
    pullReference: "x",
    postgresImage: "x",
    hostPort: 1,
    containerPort: 1,
    settings: {},
    dbPassword: "x",
  });
  spawnSync("docker", ["rm", "-f", plan.appContainer, plan.dbContainer], { env: environ, stdio: "ignore" });
  spawnSync("docker", ["network", "rm", plan.network], { env: environ, stdio: "ignore" });
}

/** Pulls the deployed digest (never a tag) and returns the reference docker knows it by. */
async function pull(options: RunImageOptions): Promise<string> {
  const { image, environ } = options;
  const registry = options.bytesRegistry ?? image.registry;
  const ecr = ecrRegistry(registry);
  if (ecr) {
    const client = new ECRClient(awsClientConfig(ecr.region, environ));
    try {
      const auth = (await client.send(new GetAuthorizationTokenCommand({}))).authorizationData?.[0];
      if (!auth?.authorizationToken) throw new Error("ECR GetAuthorizationToken returned no token.");
      const [user, password] = Buffer.from(auth.authorizationToken, "base64")
        .toString("utf8")
        .split(/:(.*)/s);
      docker(["login", "--username", user, "--password-stdin", registry], environ, password);
    } finally {
      client.destroy();
    }
  }
  const ref = `${registry}/${image.path}@${image.digest}`;
  options.log(`docker pull ${ref}`);
  docker(["pull", "-q", ref], environ);
  return ref;
}

async function containerSettings(
  options: RunImageOptions,
): Promise<{ settings: Record<string, string>; port?: number }> {
  if (!options.deployed) return { settings: {} };
  const ecs = new ECSClient(awsClientConfig(options.deployed.location.region, options.environ));
  try {
    const td = (
      await ecs.send(
        new DescribeTaskDefinitionCommand({ taskDefinition: options.deployed.taskDefinitionArn }),
      )
    ).taskDefinition;
    const c = td?.containerDefinitions?.find((x) => x.name === options.deployed?.containerName);
    return { settings: nonSecretSettings(c?.environment), port: c?.portMappings?.[0]?.containerPort };
  } finally {
    ecs.destroy();
  }
}

async function waitForDatabase(plan: RunImagePlan, environ: NodeJS.ProcessEnv): Promise<void> {
  for (let i = 0; i < 120; i++) {
    const r = spawnSync(
      "docker",
      ["exec", plan.dbContainer, "pg_isready", "-h", "127.0.0.1", "-U", "app", "-d", "app"],
      {
        env: environ,
        stdio: "ignore",
      },
    );
    if (r.status === 0) return;
    await new Promise((res) => setTimeout(res, 500));
  }
  const logs = spawnSync("docker", ["logs", "--tail", "20", plan.dbContainer], {
    env: environ,
    encoding: "utf8",
  });
  throw new Error(`The local database did not become ready within 60 s:\n${logs.stdout}${logs.stderr}`);
}

/**
 * Waits until the detached service answers `GET /_ready` with 200, so the printed URL works when the
 * command returns; fails with the container's last log lines when it exits or never gets ready.
 */
async function waitUntilReady(
  plan: RunImagePlan,
  url: string,
  environ: NodeJS.ProcessEnv,
  timeoutSeconds: number,
): Promise<void> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  const failure = (why: string) => {
    const logs = spawnSync("docker", ["logs", "--tail", "30", plan.appContainer], {
      env: environ,
      encoding: "utf8",
    });
    return new Error(`${plan.appContainer} ${why}:\n${logs.stdout}${logs.stderr}`);
  };
  while (Date.now() < deadline) {
    const ready = await fetch(`${url}/_ready`, { signal: AbortSignal.timeout(2000) })
      .then((r) => r.status === 200)
      .catch(() => false);
    if (ready) return;
    const state = spawnSync("docker", ["inspect", "-f", "{{.State.Running}}", plan.appContainer], {
      env: environ,
      encoding: "utf8",
    });
    if (state.stdout.trim() !== "true") throw failure("exited before answering /_ready");
    await new Promise((res) => setTimeout(res, 500));
  }
  throw failure(`did not answer ${url}/_ready with 200 within ${timeoutSeconds} s`);
}

/**
 * Runs the environment's image locally: pull by digest, a throwaway PostgreSQL on a private network,
 * the image's migrate command, then the service on 127.0.0.1:<port> with the task definition's
 * non-secret settings (database settings are the local database's; secrets are never copied).
 */
export async function runImage(
  options: RunImageOptions,
): Promise<{ readonly url: string; readonly plan: RunImagePlan }> {
  const { environ, log } = options;
  const pullReference = await pull(options);
  const { settings, port } = await containerSettings(options);
  const plan = planRunImage({
    env: options.env,
    service: options.service,
    pullReference,
    postgresImage: options.postgresImage,
    hostPort: options.hostPort,
    containerPort: options.containerPort ?? port ?? 3000,
    settings,
    dbPassword: randomBytes(12).toString("hex"),
  });
  stopRunImage(options.env, environ);
  docker(["network", "create", "--label", "platform.ops=run-image", plan.network], environ);
  try {
    log(`starting PostgreSQL (${options.postgresImage}) as ${plan.dbContainer}`);
    docker(plan.dbRun, environ);
    await waitForDatabase(plan, environ);
    log(`migrating: ${pullReference} node dist/migrate.js`);
    const migrate = spawnSync("docker", plan.migrateRun, { env: environ, encoding: "utf8" });
    if (migrate.status !== 0)
      throw new Error(`The image's migrate command failed:\n${migrate.stdout}${migrate.stderr}`);
    log(`settings from the task definition: ${Object.keys(settings).join(", ") || "(none)"}`);
    const url = `http://127.0.0.1:${options.hostPort}`;
    if (options.detach) {
      docker(plan.appRun(true), environ);
      await waitUntilReady(plan, url, environ, 60);
      log(
        `running ${plan.appContainer} at ${url}; stop with: npx nx run ${options.service}:run-image -c ${options.env} -- --stop`,
      );
      return { url, plan };
    }
    log(`serving ${url} (Ctrl-C stops and removes the containers)`);
    const child = spawn("docker", plan.appRun(false), { env: environ, stdio: "inherit" });
    const stop = () =>
      spawnSync("docker", ["stop", "-t", "10", plan.appContainer], { env: environ, stdio: "ignore" });
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    await new Promise<void>((res) => child.on("close", () => res()));
    stopRunImage(options.env, environ);
    return { url, plan };
  } catch (err) {
    stopRunImage(options.env, environ);
    throw err;
  }
}
