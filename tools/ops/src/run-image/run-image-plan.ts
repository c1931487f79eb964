/** Variables that point the service at its environment's database: replaced by the local database's. */
const DATABASE_VARIABLES = new Set([
  "PGHOST",
  "PGPORT",
  "PGDATABASE",
  "PGUSER",
  "PGPASSWORD",
  "PGSSLMODE",
  "DATABASE_URL",
]);

/** The environment of the task definition's container, without database settings (secrets never appear here). */
export function nonSecretSettings(
  environment: ReadonlyArray<{ readonly name?: string; readonly value?: string }> | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of environment ?? []) {
    if (e.name && e.value !== undefined && !DATABASE_VARIABLES.has(e.name)) out[e.name] = e.value;
  }
  return out;
}

export interface RunImagePlanInput {
  readonly env: string;
  /**
   * The service whose image runs: a container label only. The names stay per environment so that one
   * `--stop` (which knows no service) removes whatever runs for it. @default no service label
   */
  readonly service?: string;
  /** What `docker run` starts: `<registry>/<repo>@sha256:...` as pulled. */
  readonly pullReference: string;
  readonly postgresImage: string;
  /** Host port on 127.0.0.1 the service is published on. */
  readonly hostPort: number;
  readonly containerPort: number;
  readonly settings: Readonly<Record<string, string>>;
  readonly dbPassword: string;
}

/** Names and `docker` argument lists for the local run of an environment's image. Pure. */
export interface RunImagePlan {
  readonly network: string;
  readonly dbContainer: string;
  readonly appContainer: string;
  readonly dbRun: readonly string[];
  readonly migrateRun: readonly string[];
  readonly appRun: (detach: boolean) => readonly string[];
}

export function planRunImage(input: RunImagePlanInput): RunImagePlan {
  if (!Number.isInteger(input.hostPort) || input.hostPort < 1 || input.hostPort > 65535) {
    throw new Error(`--port must be an integer from 1 to 65535 (got ${input.hostPort}).`);
  }
  const prefix = `platform-run-image-${input.env}`;
  const network = prefix;
  const dbContainer = `${prefix}-db`;
  const appContainer = `${prefix}-app`;
  const database = [
    "-e",
    `PGHOST=${dbContainer}`,
    "-e",
    "PGPORT=5432",
    "-e",
    "PGDATABASE=app",
    "-e",
    "PGUSER=app",
  ];
  const secret = ["-e", `PGPASSWORD=${input.dbPassword}`, "-e", "PGSSLMODE=disable"];
  const settings = Object.entries(input.settings).flatMap(([k, v]) => ["-e", `${k}=${v}`]);
  const labels = [
    "--label",
    "platform.ops=run-image",
    "--label",
    `platform.environment=${input.env}`,
    ...(input.service ? ["--label", `platform.service=${input.service}`] : []),
  ];
  return {
    network,
    dbContainer,
    appContainer,
    dbRun: [
      "run",
      "-d",
      "--name",
      dbContainer,
      "--network",
      network,
      ...labels,
      "-e",
      "POSTGRES_USER=app",
      "-e",
      "POSTGRES_DB=app",
      "-e",
      `POSTGRES_PASSWORD=${input.dbPassword}`,
      input.postgresImage,
    ],
    // The image's own migrate command, as the deploy chain runs it before traffic moves.
    migrateRun: [
      "run",
      "--rm",
      "--network",
      network,
      ...labels,
      ...settings,
      ...database,
      ...secret,
      input.pullReference,
      "node",
      "dist/migrate.js",
    ],
    appRun: (detach) => [
      "run",
      ...(detach ? ["-d"] : ["--rm"]),
      "--name",
      appContainer,
      "--network",
      network,
      ...labels,
      "-p",
      `127.0.0.1:${input.hostPort}:${input.containerPort}`,
      ...settings,
      ...database,
      ...secret,
      "-e",
      `PORT=${input.containerPort}`,
      input.pullReference,
    ],
  };
}
