import type { TargetConfiguration } from "@nx/devkit";

/** What the plugin reads from `apps/<name>/service.json` (the full schema is @platform/env-config's). */
export interface ServiceMarker {
  readonly name: string;
  readonly type: string;
  /** Whether the image carries migrations (the migrate step runs them, or says it has none). */
  readonly migrations: boolean;
}

export interface ServiceTargetsOptions {
  /** Every environment; each chain target gets one configuration per environment. */
  readonly environments: readonly string[];
  /** The configuration a chain target runs without `-c`. */
  readonly defaultEnvironment: string;
}

/** The chain targets, in the order `deploy` runs them. */
export const CHAIN_TARGETS = ["dockerize", "push", "migrate", "apply", "smoke", "deploy"] as const;

/**
 * The deploy chain of one service project: dockerize -> push -> migrate -> apply -> smoke -> deploy.
 * Nothing here caches: dockerize relies on Docker's layer cache (and its image must be in the engine
 * push talks to), and push/migrate/apply change the world.
 */
export function serviceTargets(
  projectRoot: string,
  service: ServiceMarker,
  options: ServiceTargetsOptions,
): Record<string, TargetConfiguration> {
  const configurations = Object.fromEntries(options.environments.map((env) => [env, { environment: env }]));
  const perEnvironment = { cache: false, defaultConfiguration: options.defaultEnvironment, configurations };
  // Every step names its service: records under dist/deploy/<env>/<name>/, its own stack and outputs.
  const service_ = { service: service.name };
  return withDescriptionsAsMetadata({
    dockerize: {
      description: `Chain step 2: docker build of ${projectRoot}/Dockerfile (context: the staged dist/image) tagged ${service.name}:<git-sha> (+ -dirty on a changed tree), with APP_VERSION, BUILD_TIME, GIT_SHA and the toolchain's NODE_RUNTIME_IMAGE as base; records the image id in dist/docker/${service.name}/image.json. Not cached by Nx: Docker's layer cache makes an unchanged rebuild a no-op, and the image is always in the engine push talks to. RUN steps get no network (--network none).`,
      executor: "@platform/nx-plugin:dockerize",
      dependsOn: ["build", { projects: ["toolchain"], target: "ensure" }],
      cache: false,
      outputs: [`{workspaceRoot}/dist/docker/${service.name}`],
      options: {
        ...service_,
        dockerfile: `${projectRoot}/Dockerfile`,
        context: `${projectRoot}/dist/image`,
        versionFrom: `${projectRoot}/package.json`,
        network: "none",
        baseImageFrom: "NODE_RUNTIME_IMAGE",
      },
    },
    push: {
      description: `Chain step 3 (-c <env>): after the foundation layers (stacks:apply-foundation), push the image by its git-SHA tag (never latest) to ECR (token via GetAuthorizationToken, docker login on stdin) or the loopback registry (local; and the emulator, with the manifest PutImage'd into its ECR); records repository, digest and reference in dist/deploy/<env>/${service.name}/image.json.`,
      executor: "@platform/nx-plugin:push",
      dependsOn: ["dockerize", { projects: ["stacks"], target: "apply-foundation" }],
      options: service_,
      ...perEnvironment,
    },
    migrate: {
      description: service.migrations
        ? `Chain step 4 (-c <env>): run the pushed image's \`node dist/migrate.js\` once before traffic moves: AWS = a new revision of the migration task family with the digest, RunTask in the private subnets, wait for STOPPED, show its CloudWatch log lines, fail unless exit 0; local = a one-off \`docker run --rm\` on the environment's network. Records the run in dist/deploy/<env>/${service.name}/migration.json.`
        : `Chain step 4 (-c <env>): ${service.name} has no migrations (service.json migrations: false): prints that and changes nothing.`,
      executor: "@platform/nx-plugin:migrate",
      dependsOn: ["push"],
      options: { ...service_, enabled: service.migrations },
      ...perEnvironment,
    },
    apply: {
      description: `Chain step 5 (-c <env>): apply ${service.name}'s own stack only (stacks:apply --service ${service.name}) with the pushed digest, then wait for the service: AWS = the ECS deployment of the new task definition (fails if the circuit breaker rolled back; checks the digest reached the task definition); local = until /_ready answers (a worker: until its containers are healthy).`,
      executor: "@platform/nx-plugin:apply",
      options: { ...service_, onlyServiceStack: true },
      dependsOn: [
        "migrate",
        { projects: ["stacks"], target: "push-proxy" },
        { projects: ["stacks"], target: "build" },
        { projects: ["toolchain"], target: "ensure" },
      ],
      ...perEnvironment,
    },
    smoke: {
      description:
        "Chain step 6 (-c <env>): GET <service_url>/version until it reports the deployed git SHA and version; under the AWS emulator it prints SKIPPED (unreachable) instead of passing silently; a worker has no URL and prints SKIPPED (the apply step checked its deployment).",
      executor: "@platform/nx-plugin:smoke",
      dependsOn: ["apply"],
      options: service_,
      ...perEnvironment,
    },
    "run-task": {
      description: `A one-off task of the deployed ${service.name} (-c <env> -- <command>): AWS = RunTask of the ECS service's current task definition with the command, in its subnets and security groups, logs shown, fails unless exit 0; local = \`docker run --rm\` of a replica's image with its environment on the environment's network.`,
      executor: "@platform/nx-plugin:run-task",
      options: service_,
      ...perEnvironment,
    },
    rollback: {
      description: `Redeploy an earlier digest of ${service.name} (-c <env> [--to <digest|git-sha>], default the previous successful deploy) from its deploy history, through its own apply and smoke targets; refuses, changing nothing, with no earlier deploy, for a digest never deployed there, and past a migration without a \`-- rollback: compatible\` line. No dependsOn: it rebuilds nothing.`,
      executor: "@platform/nx-plugin:rollback",
      options: service_,
      ...perEnvironment,
    },
    exec: {
      description: `A command in a running container of ${service.name} on this terminal (-c <env> [-- command ...], default \`node\`: the image has no shell): AWS = ECS Exec into a RUNNING task, sessions logged to /ecs/<env>/exec-sessions, refused when the environment's exec.enabled is false (prod); local = \`docker exec -i\` into a running replica.`,
      executor: "@platform/nx-plugin:exec",
      options: service_,
      ...perEnvironment,
    },
    deploy: {
      description: `The whole chain for ${service.name} (-c <env>, default ${options.defaultEnvironment}): build -> dockerize -> push -> migrate -> apply -> smoke, stopping at the first failure; prints what was deployed and, last, the URL.`,
      executor: "@platform/nx-plugin:summary",
      dependsOn: ["smoke"],
      options: service_,
      ...perEnvironment,
    },
  });
}

type DescribedTarget = TargetConfiguration & { readonly description: string };

/** Inferred targets carry their description in `metadata` (what `nx show project` prints). */
function withDescriptionsAsMetadata(
  targets: Record<string, DescribedTarget>,
): Record<string, TargetConfiguration> {
  return Object.fromEntries(
    Object.entries(targets).map(([name, { description, ...target }]) => [
      name,
      { ...target, metadata: { ...target.metadata, description } },
    ]),
  );
}

/** The name and type of a service.json's text; throws naming the file and field. */
export function parseServiceMarker(file: string, text: string): ServiceMarker {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file}: not valid JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new Error(`${file}: must be a JSON object`);
  }
  const { name, type, migrations } = parsed as Record<string, unknown>;
  if (typeof name !== "string" || name.length === 0)
    throw new Error(`${file}: name must be a non-empty string`);
  if (typeof type !== "string" || type.length === 0)
    throw new Error(`${file}: type must be a non-empty string`);
  if (typeof migrations !== "boolean") throw new Error(`${file}: migrations must be true or false`);
  return { name, type, migrations };
}
