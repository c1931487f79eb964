import { z } from "zod";
import { EnvironmentConfigError, intRange, toProblems } from "./environment-config";
import { describeFargateMemory, FARGATE_CPU_UNITS, isFargateCombination } from "./fargate-sizes";

/** What a service is: `web` is routed by the shared load balancer, `worker` takes no traffic at all. */
export const SERVICE_TYPES = ["web", "worker"] as const;
export type ServiceType = (typeof SERVICE_TYPES)[number];

/** The marker file beside a service's Dockerfile: `apps/<name>/service.json`. */
export const SERVICE_DEFINITION_FILE = "service.json";

/**
 * 2-18 characters: `<env>-<name>` must fit ECS/ALB/target group names (32 characters with suffixes),
 * and the name is also the Nx project, the ECR repository and the database role.
 */
const SERVICE_NAME = /^[a-z][a-z0-9-]{0,16}[a-z0-9]$/;
const ENV_VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** ALB path-pattern characters (case-sensitive; `*` and `?` are wildcards). */
const PATH_PATTERN = /^\/[A-Za-z0-9_\-.$/~"'@:+*?&=;%]*$/;
/** ALB host-header pattern: labels of a-z, 0-9, "-", "*" and "?", no port. */
const HOST_PATTERN =
  /^(?=.{1,128}$)[a-z0-9*?]([a-z0-9*?-]*[a-z0-9*?])?(\.[a-z0-9*?]([a-z0-9*?-]*[a-z0-9*?])?)*$/;
/** ALB rule conditions allow five values in total. */
const MAX_CONDITION_VALUES = 5;

const nonEmptyCommand = z
  .array(z.string({ error: "must be strings" }).min(1, { error: "must be non-empty strings" }), {
    error: "must be an array of strings",
  })
  .min(1, { error: "must name at least the program" });

const routeSchema = z
  .strictObject({
    /** ALB path patterns, e.g. `["/api/*"]`; `["/*"]` is the catch-all. */
    pathPatterns: z
      .array(
        z.string({ error: "must be strings" }).regex(PATH_PATTERN, {
          error: "must start with '/' and use ALB path-pattern characters (* and ? are wildcards)",
        }),
        { error: "must be an array of path patterns" },
      )
      .min(1, { error: "must not be empty (omit it instead)" })
      .optional(),
    /** Host-header patterns, e.g. `["api.example.com"]` (lower case, no port). */
    hosts: z
      .array(
        z.string({ error: "must be strings" }).regex(HOST_PATTERN, {
          error: "must be a lower-case host name pattern without port (* and ? are wildcards)",
        }),
        { error: "must be an array of host patterns" },
      )
      .min(1, { error: "must not be empty (omit it instead)" })
      .optional(),
    /** Listener rule priority: lower wins; unique per environment. */
    priority: intRange(1, 50000),
  })
  .superRefine((r, ctx) => {
    const values = (r.pathPatterns?.length ?? 0) + (r.hosts?.length ?? 0);
    if (values === 0) {
      ctx.addIssue({ code: "custom", path: [], message: "needs pathPatterns, hosts or both" });
    } else if (values > MAX_CONDITION_VALUES) {
      ctx.addIssue({
        code: "custom",
        path: [],
        message: `has ${values} path/host values; an ALB rule allows at most ${MAX_CONDITION_VALUES}`,
      });
    }
  });

const serviceAutoscalingSchema = z
  .strictObject({
    minTasks: intRange(1, 100),
    maxTasks: intRange(1, 100),
    cpuTargetPercent: intRange(10, 90),
    /** Web only. @default the environment's serviceDefaults value */
    requestsPerTarget: intRange(1, 100000).optional(),
  })
  .refine((a) => a.minTasks <= a.maxTasks, {
    path: ["maxTasks"],
    error: "must be greater than or equal to minTasks",
  });

const sizeSchema = z.strictObject({
  /** Task CPU units (Fargate). */
  cpu: z
    .number({ error: `must be one of ${FARGATE_CPU_UNITS.join(", ")}` })
    .refine((v) => (FARGATE_CPU_UNITS as readonly number[]).includes(v), {
      error: `must be one of ${FARGATE_CPU_UNITS.join(", ")} (Fargate CPU units)`,
    })
    .optional(),
  /** Task memory in MiB; must fit `cpu` per Fargate's table. */
  memoryMiB: z.int({ error: "must be an integer (MiB)" }).optional(),
  /** Tasks (replicas locally) at creation. */
  desiredCount: intRange(0, 100).optional(),
  /** Target tracking; `false` turns off the environment's default autoscaling. */
  autoscaling: z
    .union([serviceAutoscalingSchema, z.literal(false)], { error: "must be an autoscaling object or false" })
    .optional(),
});

const serviceSchema = z
  .strictObject({
    $schema: z.string().optional(),
    name: z.string({ error: "must be a string" }).regex(SERVICE_NAME, {
      error: "must be 2-18 characters of a-z, 0-9 and '-', starting with a letter, not ending with '-'",
    }),
    type: z.enum(SERVICE_TYPES, { error: `must be one of ${SERVICE_TYPES.join(", ")}` }),
    /** Port the container listens on (web only). @default 8080 */
    port: intRange(1, 65535).optional(),
    /** Health check of the load balancer and the local proxy (web only). @default "/_ready" */
    healthCheckPath: z
      .string({ error: "must be a string" })
      .regex(/^\/[^\s]{0,1023}$/, { error: "must start with '/' (at most 1024 characters, no spaces)" })
      .optional(),
    /** Rule on the shared load balancer (web: required; worker: not allowed). */
    route: routeSchema.optional(),
    /** Container command. @default - the image's CMD */
    command: nonEmptyCommand.optional(),
    /** Command of the migration task (same image). @default ["node", "dist/migrate.js"] */
    migrationCommand: nonEmptyCommand.optional(),
    /** The service reads and writes PostgreSQL. */
    database: z.boolean({ error: "must be true or false" }),
    /**
     * Use another service's database role and schema instead of its own (e.g. a worker of a web
     * service's tables). @default - its own
     */
    databaseOf: z
      .string({ error: "must be a service name" })
      .regex(SERVICE_NAME, {
        error: "must be a service name",
      })
      .optional(),
    /** The image carries migrations, run as the deploy gate before traffic moves. */
    migrations: z.boolean({ error: "must be true or false" }),
    /** Plain environment variables. @default {} */
    environment: z
      .record(
        z
          .string()
          .regex(ENV_VAR_NAME, { error: "names must be letters, digits and _, not starting with a digit" }),
        z.string({ error: "values must be strings" }),
        { error: "must be an object of names to string values" },
      )
      .default({}),
    /** Names of secrets injected as environment variables (values live in Secrets Manager / the local state). @default [] */
    secrets: z
      .array(
        z.string({ error: "must be strings" }).regex(ENV_VAR_NAME, {
          error: "must be environment variable names (letters, digits, _)",
        }),
        { error: "must be an array of names" },
      )
      .default([]),
    /** Sizes for every environment, over the environment's `serviceDefaults`. @default {} */
    size: sizeSchema.default({}),
    /** Per-environment sizes, over `size`, e.g. `{ "prod": { "desiredCount": 4 } }`. @default {} */
    environments: z
      .record(z.string(), sizeSchema, { error: "must be an object of environment names to sizes" })
      .default({}),
  })
  .superRefine((s, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
    if (s.type === "web") {
      if (!s.route) issue("route", "is required for a web service (pathPatterns and/or hosts, priority)");
    } else {
      for (const field of ["route", "port", "healthCheckPath"] as const) {
        if (s[field] !== undefined)
          issue(field, "is not allowed for a worker (it takes no traffic: remove it or use type web)");
      }
      for (const [where, size] of [
        ["size", s.size],
        ...Object.entries(s.environments).map(([e, v]) => [`environments.${e}`, v] as const),
      ] as const) {
        if (size.autoscaling && size.autoscaling.requestsPerTarget !== undefined) {
          ctx.addIssue({
            code: "custom",
            path: [...where.split("."), "autoscaling", "requestsPerTarget"],
            message: "is not allowed for a worker (no load balancer requests to track)",
          });
        }
      }
    }
    if (s.databaseOf !== undefined && !s.database) issue("databaseOf", "needs database: true");
    if (s.databaseOf === s.name) issue("databaseOf", "names the service itself (omit it to use its own)");
    if (s.migrations && !s.database)
      issue("migrations", "needs database: true (migrations run against the service's database)");
    if (s.database && s.databaseOf === undefined && !s.migrations) {
      issue(
        "migrations",
        "must be true for a service that owns its database: the migrate step creates its schema and roles, " +
          "and the running service may not create tables (or set databaseOf to share another service's)",
      );
    }
    if (s.migrations && s.databaseOf !== undefined) {
      issue(
        "migrations",
        `must be false with databaseOf: the schema belongs to ${s.databaseOf}, which migrates it`,
      );
    }
    const secretSet = new Set(s.secrets);
    for (const name of Object.keys(s.environment)) {
      if (secretSet.has(name))
        issue("secrets", `${name} is also in environment: a variable is plain or secret, not both`);
    }
  });

/** A validated `service.json`. */
export type ServiceDefinition = z.output<typeof serviceSchema> & {
  /** The folder it came from, relative to the repository root (e.g. `apps/sample-service`). */
  readonly root: string;
};
export type ServiceDefinitionInput = z.input<typeof serviceSchema>;
export type ServiceRoute = z.output<typeof routeSchema>;
export type ServiceSizeOverride = z.output<typeof sizeSchema>;

/** An environment's defaults for services that do not say (`serviceDefaults` in the config file). */
export interface ServiceSizeDefaults {
  readonly cpu: number;
  readonly memoryMiB: number;
  readonly desiredCount: number;
  readonly autoscaling?: ServiceSizeOverride["autoscaling"];
}

/** The sizes one service runs with in one environment. */
export interface ResolvedServiceSize {
  readonly cpu: number;
  readonly memoryMiB: number;
  readonly desiredCount: number;
  /** Undefined: a fixed desiredCount. */
  readonly autoscaling?: {
    readonly minTasks: number;
    readonly maxTasks: number;
    readonly cpuTargetPercent: number;
    /** Undefined for workers (CPU tracking only). */
    readonly requestsPerTarget?: number;
  };
}

export const DEFAULT_SERVICE_PORT = 8080;
export const DEFAULT_HEALTH_CHECK_PATH = "/_ready";

/**
 * Validates one raw `service.json` object.
 * @param sourceName the file, named in errors (e.g. `apps/post-worker/service.json`)
 * @param root the service folder relative to the repository root
 */
export function parseServiceDefinition(raw: unknown, sourceName: string, root: string): ServiceDefinition {
  const result = serviceSchema.safeParse(raw);
  if (!result.success) {
    throw new EnvironmentConfigError(
      sourceName,
      result.error.issues.flatMap((i) => toProblems(i, raw)),
      "service definition",
    );
  }
  const folder = root.split("/").pop();
  if (result.data.name !== folder) {
    throw new EnvironmentConfigError(
      sourceName,
      [
        {
          field: "name",
          message: `must be "${folder}", the service's folder (also its Nx project) (got "${result.data.name}")`,
        },
      ],
      "service definition",
    );
  }
  for (const env of Object.keys(result.data.environments)) {
    if (!/^[a-z][a-z0-9-]{0,19}$/.test(env)) {
      throw new EnvironmentConfigError(
        sourceName,
        [{ field: `environments.${env}`, message: "is not an environment name" }],
        "service definition",
      );
    }
  }
  return { ...result.data, root };
}

/**
 * Checks what one file cannot: unique names, unique routes and priorities, `databaseOf` targets.
 * Errors name each file involved.
 */
export function validateServiceSet(services: readonly ServiceDefinition[]): void {
  const file = (s: ServiceDefinition) => `${s.root}/${SERVICE_DEFINITION_FILE}`;
  const problems: string[] = [];
  const byName = new Map<string, ServiceDefinition>();
  for (const s of services) {
    const other = byName.get(s.name);
    if (other)
      problems.push(
        `${file(s)}: name "${s.name}" is also the name of ${file(other)}; service names must be unique`,
      );
    else byName.set(s.name, s);
  }
  const byPriority = new Map<number, ServiceDefinition>();
  const byRule = new Map<string, ServiceDefinition>();
  for (const s of services) {
    if (!s.route) continue;
    const other = byPriority.get(s.route.priority);
    if (other) {
      problems.push(
        `${file(s)}: route.priority ${s.route.priority} is also ${file(other)}'s; listener rule priorities must be unique`,
      );
    } else byPriority.set(s.route.priority, s);
    const rule = JSON.stringify([
      [...(s.route.pathPatterns ?? [])].sort(),
      [...(s.route.hosts ?? [])].sort(),
    ]);
    const same = byRule.get(rule);
    if (same)
      problems.push(
        `${file(s)}: route has the same pathPatterns and hosts as ${file(same)}; one of them would never be reached`,
      );
    else byRule.set(rule, s);
  }
  for (const s of services) {
    if (s.databaseOf === undefined) continue;
    const owner = byName.get(s.databaseOf);
    if (!owner) {
      problems.push(
        `${file(s)}: databaseOf "${s.databaseOf}" is not a service (services: ${[...byName.keys()].join(", ")})`,
      );
    } else if (!owner.database || owner.databaseOf !== undefined) {
      problems.push(`${file(s)}: databaseOf "${s.databaseOf}" must name a service with its own database`);
    }
  }
  if (problems.length > 0)
    throw new Error(`Invalid service definitions:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
}

/**
 * Sizes of `service` in `env`: the environment's defaults, then `size`, then `environments[env]`.
 * @throws naming the file and field when the result is not a Fargate size
 */
export function resolveServiceSize(
  service: ServiceDefinition,
  env: string,
  defaults: ServiceSizeDefaults,
): ResolvedServiceSize {
  const override = service.environments[env] ?? {};
  const pick = <K extends keyof ServiceSizeOverride>(key: K) => override[key] ?? service.size[key];
  const cpu = pick("cpu") ?? defaults.cpu;
  const memoryMiB = pick("memoryMiB") ?? defaults.memoryMiB;
  const where =
    override.memoryMiB !== undefined || override.cpu !== undefined ? `environments.${env}` : "size";
  const file = `${service.root}/${SERVICE_DEFINITION_FILE}`;
  if (!isFargateCombination(cpu, memoryMiB)) {
    throw new EnvironmentConfigError(
      file,
      [
        {
          field: `${where}.memoryMiB`,
          message: `${memoryMiB} is not a Fargate size for cpu ${cpu} in ${env}; allowed: ${describeFargateMemory(cpu)}`,
        },
      ],
      "service definition",
    );
  }
  const scaling = pick("autoscaling") ?? defaults.autoscaling;
  const desiredCount = pick("desiredCount") ?? (scaling ? scaling.minTasks : defaults.desiredCount);
  if (!scaling) return { cpu, memoryMiB, desiredCount };
  const autoscaling = {
    minTasks: scaling.minTasks,
    maxTasks: scaling.maxTasks,
    cpuTargetPercent: scaling.cpuTargetPercent,
    requestsPerTarget: service.type === "web" ? scaling.requestsPerTarget : undefined,
  };
  if (desiredCount < autoscaling.minTasks || desiredCount > autoscaling.maxTasks) {
    throw new EnvironmentConfigError(
      file,
      [
        {
          field: `${override.desiredCount !== undefined ? `environments.${env}` : "size"}.desiredCount`,
          message: `${desiredCount} must be between autoscaling.minTasks (${autoscaling.minTasks}) and maxTasks (${autoscaling.maxTasks}) in ${env}`,
        },
      ],
      "service definition",
    );
  }
  return { cpu, memoryMiB, desiredCount, autoscaling };
}
