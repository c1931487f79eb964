import { z } from "zod";
import { describeFargateMemory, FARGATE_CPU_UNITS, isFargateCombination } from "./fargate-sizes";
import { guardrailProblems } from "./guardrails";
import { IMAGE_REFERENCE_WITH_DIGEST } from "./image-digest";

/** Retention periods CloudWatch Logs accepts (days). 0 ("never expire") is left out on purpose. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

export const NAT_GATEWAY_MODES = ["none", "single", "perAz"] as const;
export const ENVIRONMENT_KINDS = ["aws", "local"] as const;

export function intRange(min: number, max: number) {
  const msg = `must be an integer from ${min} to ${max}`;
  return z.int({ error: msg }).min(min, { error: msg }).max(max, { error: msg });
}

function oneOfNumbers(values: readonly number[], why = "") {
  const msg = `must be one of ${values.join(", ")}${why}`;
  return z.number({ error: msg }).refine((v) => values.includes(v), { error: msg });
}

const envName = z.string({ error: "must be a string" }).regex(/^[a-z][a-z0-9-]{0,19}$/, {
  error: "must be 1-20 characters of a-z, 0-9 and '-', starting with a letter",
});

const region = z.string({ error: "must be a string" }).regex(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/, {
  error: "must be an AWS region name such as eu-west-1",
});

const vpcCidr = z
  .string({ error: "must be a string" })
  .refine(isIpv4Cidr, { error: "must be an IPv4 CIDR such as 10.0.0.0/16" })
  .refine((c) => !isIpv4Cidr(c) || hostBitsZero(c), {
    error: "must have all host bits zero (e.g. 10.0.0.0/16)",
  })
  .refine(
    (c) => {
      const prefix = Number(c.split("/")[1]);
      return !isIpv4Cidr(c) || (prefix >= 16 && prefix <= 24);
    },
    { error: "must have a prefix length from /16 to /24" },
  );

const tags = z.record(
  z.string().min(1, { error: "tag keys must be 1-128 characters" }).max(128, {
    error: "tag keys must be 1-128 characters",
  }),
  z
    .string({ error: "tag values must be strings" })
    .max(256, { error: "tag values must be at most 256 characters" }),
  { error: "must be an object of string keys to string values" },
);

export const autoscalingSchema = z
  .strictObject({
    /** Fewest running tasks. */
    minTasks: intRange(1, 100),
    /** Most running tasks. */
    maxTasks: intRange(1, 100),
    /** Target average CPU utilisation (percent) for target tracking. */
    cpuTargetPercent: intRange(10, 90),
    /** Target ALB requests per task (per minute) for target tracking. */
    requestsPerTarget: intRange(1, 100000),
  })
  .refine((a) => a.minTasks <= a.maxTasks, {
    path: ["maxTasks"],
    error: "must be greater than or equal to minTasks",
  });

/** What a service gets in this environment unless its service.json says otherwise. */
const serviceDefaultsSchema = z
  .strictObject({
    /** Task CPU units. */
    cpu: oneOfNumbers(FARGATE_CPU_UNITS, " (Fargate CPU units)"),
    /** Task memory (MiB); must fit the CPU per Fargate's table. */
    memoryMiB: z.int({ error: "must be an integer (MiB)" }),
    /** Tasks at creation; autoscaling owns the count afterwards. */
    desiredCount: intRange(1, 100),
    autoscaling: autoscalingSchema,
  })
  .superRefine((s, ctx) => {
    if (!isFargateCombination(s.cpu, s.memoryMiB)) {
      ctx.addIssue({
        code: "custom",
        path: ["memoryMiB"],
        input: s.memoryMiB,
        message: `${s.memoryMiB} is not a Fargate size for cpu ${s.cpu}; allowed: ${describeFargateMemory(s.cpu)}`,
      });
    }
    const a = s.autoscaling;
    if (a.minTasks <= a.maxTasks && (s.desiredCount < a.minTasks || s.desiredCount > a.maxTasks)) {
      ctx.addIssue({
        code: "custom",
        path: ["desiredCount"],
        input: s.desiredCount,
        message: `must be between autoscaling.minTasks (${a.minTasks}) and autoscaling.maxTasks (${a.maxTasks})`,
      });
    }
  });

/** postgres:16.4-alpine from ECR Public's mirror of the Docker Official Images, by digest: psql for the bootstrap task. */
export const DEFAULT_DATABASE_BOOTSTRAP_IMAGE =
  "public.ecr.aws/docker/library/postgres@sha256:5660c2cbfea50c7a9127d17dc4e48543eedd3d7a41a595a2dfa572471e37e64c";

const databaseSchema = z.strictObject({
  /** RDS instance class, e.g. db.t4g.micro. */
  instanceClass: z.string({ error: "must be a string" }).regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, {
    error: "must be an RDS instance class such as db.t4g.micro",
  }),
  /**
   * PostgreSQL version, one of DATABASE_ENGINE_VERSIONS (guardrails): `major.minor` pinned, or a major
   * alone. @default "16.8"
   */
  engineVersion: z.string({ error: "must be a string" }).default("16.8"),
  /** Allocated storage (GiB); RDS PostgreSQL gp3 accepts 20..65536. */
  allocatedStorageGiB: intRange(20, 65536),
  multiAz: z.boolean({ error: "must be true or false" }),
  deletionProtection: z.boolean({ error: "must be true or false" }),
  /** Automated backup retention (days); RDS accepts 0..35. */
  backupRetentionDays: intRange(0, 35),
  /** Skip the final snapshot on destroy (only for throw-away environments). @default false */
  skipFinalSnapshot: z.boolean({ error: "must be true or false" }).default(false),
  /**
   * Image with `sh` and psql 15+ that runs each service's database bootstrap (its schema and roles) as
   * the admin user, pinned by digest. @default {@link DEFAULT_DATABASE_BOOTSTRAP_IMAGE}
   */
  bootstrapImage: z
    .string({ error: "must be a string" })
    .regex(IMAGE_REFERENCE_WITH_DIGEST, {
      error: "must be an image reference pinned by digest (<repository>@sha256:<64 hex>)",
    })
    .default(() => DEFAULT_DATABASE_BOOTSTRAP_IMAGE),
});

const DNS_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

const awsSchema = z
  .strictObject({
    name: envName,
    kind: z.literal("aws"),
    region,
    /**
     * Production-class environment: the production guardrails apply (accountId, certificateArn, a NAT
     * gateway per AZ, a Multi-AZ deletion-protected database with 7+ days of backups; see
     * `guardrails.ts`). A flag in the config, so nothing depends on the environment's name.
     * @default false
     */
    production: z.boolean({ error: "must be true or false" }).default(false),
    /** When given, the stacks check that the caller's account matches. */
    accountId: z
      .string({ error: "must be a string of 12 digits" })
      .regex(/^\d{12}$/, { error: "must be 12 digits" })
      .optional(),
    network: z.strictObject({
      vpcCidr,
      azCount: intRange(2, 6),
      natGateways: z.enum(NAT_GATEWAY_MODES, { error: `must be one of ${NAT_GATEWAY_MODES.join(", ")}` }),
    }),
    serviceDefaults: serviceDefaultsSchema,
    /** The shared RDS instance; without it, no service may set `database: true` here. */
    database: databaseSchema.optional(),
    logRetentionDays: oneOfNumbers(LOG_RETENTION_DAYS, " (CloudWatch Logs retention values)"),
    /** Public host name of the service. */
    domain: z
      .string({ error: "must be a string" })
      .regex(DNS_NAME, {
        error: "must be a lower-case DNS name such as app.example.com",
      })
      .optional(),
    /**
     * HTTPS by name: a public Route53 zone the platform writes to (not created here: its delegation
     * belongs to the domain's owner). With it and `domain`, the platform requests an ACM certificate
     * for `domain`, validated by DNS records in the zone, and points `domain` at the load balancer
     * (alias record). The zone is looked up by name at plan time unless `hostedZoneId` is given.
     * @default undefined - no DNS records; HTTPS only with `certificateArn`
     */
    dns: z
      .strictObject({
        zoneName: z.string({ error: "must be a string" }).regex(DNS_NAME, {
          error: "must be a lower-case DNS name such as example.com",
        }),
        hostedZoneId: z
          .string({ error: "must be a string" })
          .regex(/^[A-Z0-9]{1,32}$/, { error: "must be a Route53 hosted zone id (Z0123456789ABC)" })
          .optional(),
      })
      .optional(),
    /** An existing ACM certificate for HTTPS on the load balancer (instead of `dns`'s). */
    certificateArn: z
      .string({ error: "must be a string" })
      .regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/, {
        error: "must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)",
      })
      .optional(),
    /**
     * The shared load balancer: deletion protection, and access logs to an encrypted, private S3
     * bucket kept `accessLogRetentionDays` (unset: no access logs).
     * @default { deletionProtection: false }
     */
    loadBalancer: z
      .strictObject({
        deletionProtection: z.boolean({ error: "must be true or false" }).default(false),
        accessLogRetentionDays: intRange(1, 3650).optional(),
      })
      .default({ deletionProtection: false }),
    /**
     * Every service's CloudWatch alarms notify the SNS topic `<env>-alarms` (platform stack); these
     * addresses are subscribed to it. The deployment alarms roll a bad version back either way.
     * @default { emails: [] }
     */
    alarms: z
      .strictObject({
        emails: z
          .array(
            z.string({ error: "must be a string" }).regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, {
              error: "must be an e-mail address",
            }),
          )
          .default([]),
      })
      .default({ emails: [] }),
    /**
     * ECS Exec (`nx run <service>:exec -c <env>`): every service's tasks accept ExecuteCommand sessions,
     * logged KMS-encrypted to `/ecs/<env>/exec-sessions`. Off unless the config turns it on, since a
     * shell into a running task bypasses the deploy chain.
     * @default { enabled: false }
     */
    exec: z
      .strictObject({ enabled: z.boolean({ error: "must be true or false" }) })
      .default({ enabled: false }),
    tags: tags.default({}),
  })
  .superRefine((c, ctx) => {
    if (c.domain && !c.certificateArn && !c.dns) {
      ctx.addIssue({
        code: "custom",
        path: ["certificateArn"],
        message: "or dns is required when domain is set (HTTPS needs a certificate)",
      });
    }
    if (c.dns && !c.domain) {
      ctx.addIssue({
        code: "custom",
        path: ["domain"],
        message: "is required when dns is set (the host name the certificate and alias record are for)",
      });
    }
    if (c.dns && c.domain && c.domain !== c.dns.zoneName && !c.domain.endsWith(`.${c.dns.zoneName}`)) {
      ctx.addIssue({
        code: "custom",
        path: ["domain"],
        input: c.domain,
        message: `must be ${c.dns.zoneName} or a name under it (dns.zoneName)`,
      });
    }
    if (c.certificateArn && !c.certificateArn.split(":")[3]?.startsWith(c.region)) {
      ctx.addIssue({
        code: "custom",
        path: ["certificateArn"],
        input: c.certificateArn,
        message: `must be in the environment's region ${c.region}`,
      });
    }
    for (const p of guardrailProblems(c))
      ctx.addIssue({ code: "custom", path: [...p.path], message: p.message });
  });

const localSchema = z.strictObject({
  name: envName,
  kind: z.literal("local"),
  /** Port on 127.0.0.1 where the service (through the local proxy) answers. */
  hostPort: intRange(1024, 65535),
  /** Containers per service (unless its service.json says); 2+ keeps a web service serving during a rolling replacement. @default 2 */
  replicas: intRange(1, 10).default(2),
  /** Labels on every container. */
  tags: tags.default({}),
});

const environmentSchema = z.discriminatedUnion("kind", [awsSchema, localSchema]);

/** Validated config of an AWS environment (dev, staging, prod). */
export type AwsEnvironmentConfig = z.output<typeof awsSchema>;
/** What an AWS environment's config file writes (defaults not yet applied). */
export type AwsEnvironmentConfigInput = z.input<typeof awsSchema>;
/** Validated config of the local (Docker) environment. */
export type LocalEnvironmentConfig = z.output<typeof localSchema>;
/** What the local environment's config file writes. */
export type LocalEnvironmentConfigInput = z.input<typeof localSchema>;
/** Any environment's validated config; narrow on `kind`. */
export type EnvironmentConfig = AwsEnvironmentConfig | LocalEnvironmentConfig;
export type EnvironmentConfigInput = AwsEnvironmentConfigInput | LocalEnvironmentConfigInput;
export type NatGatewayMode = (typeof NAT_GATEWAY_MODES)[number];

/** One problem in a config file. */
export interface EnvironmentConfigProblem {
  /** Dotted field path, e.g. `service.memoryMiB`. */
  readonly field: string;
  /** What is allowed. */
  readonly message: string;
}

/** Thrown by {@link parseEnvironmentConfig}; the message lists every problem with its field. */
export class EnvironmentConfigError extends Error {
  constructor(
    public readonly sourceName: string,
    public readonly problems: readonly EnvironmentConfigProblem[],
    what = "environment config",
  ) {
    super(
      `Invalid ${what} in ${sourceName}:\n${problems.map((p) => `  - ${p.field}: ${p.message}`).join("\n")}`,
    );
    this.name = "EnvironmentConfigError";
  }
}

/**
 * Validates a raw config object and applies defaults.
 * @param raw what the config file exports
 * @param sourceName the file it came from, named in errors (e.g. `stacks/src/config/dev.ts`)
 * @throws EnvironmentConfigError naming the file, each bad field and what is allowed
 */
export function parseEnvironmentConfig(raw: unknown, sourceName: string): EnvironmentConfig {
  const result = environmentSchema.safeParse(raw);
  if (result.success) return result.data;
  throw new EnvironmentConfigError(
    sourceName,
    result.error.issues.flatMap((i) => toProblems(i, raw)),
  );
}

/** Like {@link parseEnvironmentConfig}, and also requires `kind: "aws"`. */
export function parseAwsEnvironmentConfig(raw: unknown, sourceName: string): AwsEnvironmentConfig {
  const c = parseEnvironmentConfig(raw, sourceName);
  if (c.kind !== "aws") {
    throw new EnvironmentConfigError(sourceName, [{ field: "kind", message: 'must be "aws" here' }]);
  }
  return c;
}

/** One zod issue as problems naming the field and, where it is a scalar, the value found. */
export function toProblems(issue: z.core.$ZodIssue, raw: unknown): EnvironmentConfigProblem[] {
  const field = issue.path.map(String).join(".") || "(root)";
  const got = describeValue(valueAt(raw, issue.path));
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map((k) => ({
        field: field === "(root)" ? k : `${field}.${k}`,
        message: "is not a known field (check the spelling)",
      }));
    case "invalid_union":
      if (issue.discriminator) {
        return [
          {
            field: issue.discriminator,
            message: `must be one of ${(issue as { options?: unknown[] }).options?.join(", ") ?? ENVIRONMENT_KINDS.join(", ")}${got}`,
          },
        ];
      }
      return [{ field, message: `${issue.message}${got}` }];
    case "invalid_value":
      return [
        { field, message: `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}${got}` },
      ];
    case "invalid_type":
      if (valueAt(raw, issue.path) === undefined)
        return [{ field, message: `is required; ${issue.message}` }];
      return [{ field, message: `${issue.message}${got}` }];
    default:
      return [{ field, message: `${issue.message}${got}` }];
  }
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = raw;
  for (const key of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

function describeValue(v: unknown): string {
  if (v === undefined || (typeof v === "object" && v !== null)) return "";
  return ` (got ${JSON.stringify(v)})`;
}

function isIpv4Cidr(c: string): boolean {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(c);
  return !!m && m.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) <= 32;
}

function hostBitsZero(c: string): boolean {
  const [ip, prefix] = c.split("/");
  const n = ip.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
  const hostBits = 32 - Number(prefix);
  return n % 2 ** hostBits === 0;
}

const sharedSchema = z.strictObject({
  /** S3 bucket holding every stack's state; created by the bootstrap stack. Globally unique. */
  stateBucket: z
    .string({ error: "must be a string" })
    .regex(/^(?!xn--)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, {
      error: "must be an S3 bucket name: 3-63 lower-case letters, digits, '.' and '-'",
    }),
  /** Region of the state bucket and of the shared registry. */
  region,
  registry: z.strictObject({
    /**
     * Namespace in front of every service's ECR repository (`<prefix><service name>`), e.g.
     * `"platform/"`; empty puts each service in a repository named after it.
     * @default ""
     */
    repositoryPrefix: z
      .string({ error: "must be a string" })
      .regex(/^([a-z0-9]+([._-][a-z0-9]+)*\/)*$/, {
        error:
          "must be empty or ECR namespace segments each ending in '/' (lower-case letters, digits, '.', '_', '-'), e.g. \"platform/\"",
      })
      .default(""),
    /** Tagged images kept by the lifecycle policy. */
    keepTaggedImages: intRange(1, 1000),
    /** Days after which untagged images expire. */
    expireUntaggedAfterDays: intRange(1, 365),
  }),
  tags: tags.default({}),
});

/** Settings shared by all AWS environments: the state bucket and the shared image registry. */
export type SharedConfig = z.output<typeof sharedSchema>;
export type SharedConfigInput = z.input<typeof sharedSchema>;

/** Validates the shared settings; errors name the file and field like {@link parseEnvironmentConfig}. */
export function parseSharedConfig(raw: unknown, sourceName: string): SharedConfig {
  const result = sharedSchema.safeParse(raw);
  if (result.success) return result.data;
  throw new EnvironmentConfigError(
    sourceName,
    result.error.issues.flatMap((i) => toProblems(i, raw)),
  );
}
