import { DIGEST_PATTERN } from "@platform/env-config";
import { Token } from "cdktf";
import { escapeTemplate, type PropErrors } from "../validation/validation";

/**
 * The image to run, always by digest. The registry construct satisfies it structurally
 * (`repositoryUrl`, `repositoryArn`); the digest comes from the push step.
 */
export interface ContainerImage {
  /** Repository without tag or digest, e.g. `123456789012.dkr.ecr.eu-west-1.amazonaws.com/app`. */
  readonly repositoryUrl: string;
  /** Image digest `sha256:<64 hex>`; the task definition references `repositoryUrl@digest`. */
  readonly digest: string;
  /**
   * ECR repository ARN, to scope the execution role's pull permission. Required when
   * `repositoryUrl` is a reference (token); derived when it is a literal ECR URL.
   * @default derived from a literal ECR `repositoryUrl`; none for non-ECR registries
   */
  readonly repositoryArn?: string;
}

/** A secret injected as an environment variable when the container starts. */
export interface ContainerSecret {
  /** ARN of the Secrets Manager secret or the SSM parameter. */
  readonly arn: string;
  /**
   * JSON key inside a Secrets Manager secret (e.g. `username`, `password` of the RDS-managed
   * secret). Not allowed for SSM parameters.
   * @default undefined (the whole secret string)
   */
  readonly jsonKey?: string;
  /**
   * Where the secret lives.
   * @default "secretsmanager"
   */
  readonly source?: "secretsmanager" | "ssm";
}

export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SECRETS_MANAGER_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/;
const SSM_PARAMETER_ARN = /^arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:parameter\/.+$/;
const ECR_URL = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?\/([a-z0-9._/-]+)$/;

/** `repositoryUrl@sha256:...`: deploy by digest, never by tag. */
export function imageUri(image: ContainerImage): string {
  return `${image.repositoryUrl}@${image.digest}`;
}

/** The ECR repository ARN to scope pulls to, if the image comes from ECR. */
export function ecrRepositoryArn(image: ContainerImage): string | undefined {
  if (image.repositoryArn) return image.repositoryArn;
  const m = ECR_URL.exec(image.repositoryUrl);
  if (!m) return undefined;
  const partition = m[3] ? "aws-cn" : "aws";
  return `arn:${partition}:ecr:${m[2]}:${m[1]}:repository/${m[4]}`;
}

/** ECS `valueFrom`: `<arn>:<jsonKey>::` selects one key of a JSON secret. */
export function secretValueFrom(secret: ContainerSecret): string {
  return secret.jsonKey ? `${secret.arn}:${secret.jsonKey}::` : secret.arn;
}

export function validateImage(errors: PropErrors, image: ContainerImage): void {
  errors.pattern(
    "image.digest",
    image.digest,
    DIGEST_PATTERN,
    "use sha256:<64 lower-case hex> (deploy by digest)",
  );
  const url = image.repositoryUrl;
  if (!Token.isUnresolved(url)) {
    const lastSegment = url.slice(url.lastIndexOf("/") + 1);
    if (url.includes("@") || lastSegment.includes(":") || url.length === 0) {
      errors.fail(
        "image.repositoryUrl",
        `"${url}" is invalid: give the repository without tag or digest (the digest goes in image.digest)`,
      );
    }
    if (/\s/.test(url)) errors.fail("image.repositoryUrl", `"${url}" contains white space`);
  } else if (image.repositoryArn === undefined) {
    errors.fail(
      "image.repositoryArn",
      "is required when image.repositoryUrl is a reference, so the execution role can pull from exactly that repository",
    );
  }
  if (image.repositoryArn !== undefined) {
    errors.pattern(
      "image.repositoryArn",
      image.repositoryArn,
      /^arn:aws[a-z-]*:ecr:[a-z0-9-]+:\d{12}:repository\/.+$/,
      "use an ECR repository ARN (arn:aws:ecr:<region>:<account>:repository/<name>)",
    );
  }
}

export function validateEnvironmentAndSecrets(
  errors: PropErrors,
  environment: Record<string, string>,
  secrets: Record<string, ContainerSecret>,
  /** The prop the secrets came from (environment names are checked with `secrets` only). */
  field: "secrets" | "migrationSecrets" = "secrets",
): void {
  for (const name of field === "secrets" ? Object.keys(environment) : []) {
    if (!ENV_NAME.test(name)) {
      errors.fail(
        "environment",
        `name "${name}" is invalid: letters, digits and underscores, not starting with a digit`,
      );
    }
  }
  for (const [name, secret] of Object.entries(secrets)) {
    if (!ENV_NAME.test(name)) {
      errors.fail(
        field,
        `name "${name}" is invalid: letters, digits and underscores, not starting with a digit`,
      );
    }
    if (name in environment) {
      errors.fail(field, `name "${name}" is also in environment; a variable comes from one place only`);
    }
    const source = secret.source ?? "secretsmanager";
    errors.oneOf(`${field}.${name}.source`, source, ["secretsmanager", "ssm"]);
    if (source === "ssm") {
      if (secret.jsonKey !== undefined)
        errors.fail(`${field}.${name}.jsonKey`, "is only valid for Secrets Manager secrets");
      errors.pattern(
        `${field}.${name}.arn`,
        secret.arn,
        SSM_PARAMETER_ARN,
        "use an SSM parameter ARN (arn:aws:ssm:<region>:<account>:parameter/<name>)",
      );
    } else {
      errors.pattern(
        `${field}.${name}.arn`,
        secret.arn,
        SECRETS_MANAGER_ARN,
        "use a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>)",
      );
      if (secret.jsonKey !== undefined) {
        errors.pattern(
          `${field}.${name}.jsonKey`,
          secret.jsonKey,
          /^[A-Za-z0-9_.-]+$/,
          "use letters, digits, _ . -",
        );
      }
    }
  }
}

/** A container health check run by ECS inside the task (no load balancer needed). */
export interface ContainerHealthCheck {
  /** `["CMD", "executable", ...args]` or `["CMD-SHELL", "command line"]`; exit 0 means healthy. */
  readonly command: readonly string[];
  /**
   * Seconds between checks, 5..300.
   * @default 30
   */
  readonly intervalSeconds?: number;
  /**
   * Seconds before a check counts as failed, 2..60 and less than the interval.
   * @default 5
   */
  readonly timeoutSeconds?: number;
  /**
   * Consecutive failures before the container is unhealthy (and replaced), 1..10.
   * @default 3
   */
  readonly retries?: number;
  /**
   * Seconds after start during which failures do not count, 0..300.
   * @default 0
   */
  readonly startPeriodSeconds?: number;
}

/** The `healthCheck` of a container definition (ECS's field names). */
export interface ResolvedContainerHealthCheck {
  readonly command: readonly string[];
  readonly interval: number;
  readonly timeout: number;
  readonly retries: number;
  readonly startPeriod: number;
}

/** Validates a container health check (errors name `<prop>.<field>`) and applies defaults. */
export function resolveContainerHealthCheck(
  errors: PropErrors,
  check: ContainerHealthCheck,
  prop = "containerHealthCheck",
): ResolvedContainerHealthCheck {
  const [kind, ...rest] = check.command;
  if (!(kind === "CMD" || kind === "CMD-SHELL") || rest.length === 0 || rest.some((a) => a.length === 0)) {
    errors.fail(
      `${prop}.command`,
      'is invalid: use ["CMD", "<executable>", ...args] or ["CMD-SHELL", "<command line>"] with non-empty arguments',
    );
  }
  const interval = errors.integer(`${prop}.intervalSeconds`, check.intervalSeconds ?? 30, 5, 300);
  const timeout = errors.integer(`${prop}.timeoutSeconds`, check.timeoutSeconds ?? 5, 2, 60);
  if (timeout >= interval)
    errors.fail(
      `${prop}.timeoutSeconds`,
      `${timeout} must be less than ${prop}.intervalSeconds (${interval})`,
    );
  return {
    command: check.command,
    interval,
    timeout,
    retries: errors.integer(`${prop}.retries`, check.retries ?? 3, 1, 10),
    startPeriod: errors.integer(`${prop}.startPeriodSeconds`, check.startPeriodSeconds ?? 0, 0, 300),
  };
}

/** A task-local scratch volume mounted writable in the container. */
export interface ScratchMount {
  readonly volumeName: string;
  readonly containerPath: string;
}

export interface ContainerDefinitionInput {
  readonly name: string;
  readonly image: ContainerImage;
  readonly memoryMiB: number;
  readonly environment: Record<string, string>;
  readonly secrets: Record<string, ContainerSecret>;
  readonly logGroupName: string;
  readonly region: string;
  readonly logStreamPrefix: string;
  readonly user: string;
  readonly readonlyRootFilesystem: boolean;
  readonly stopTimeoutSeconds: number;
  /** Port to map; none for one-off tasks. */
  readonly containerPort?: number;
  /** Command override; the image's CMD when undefined. */
  readonly command?: readonly string[];
  /** Writable scratch volume mounted at /tmp (needed with a read-only root filesystem). */
  readonly tmpVolumeName?: string;
  /** More writable scratch volumes and where they are mounted (e.g. the ECS Exec agent's paths). */
  readonly scratchMounts?: readonly ScratchMount[];
  /** Health check ECS runs in the container; none when undefined. */
  readonly healthCheck?: ResolvedContainerHealthCheck;
}

/** Renders the `container_definitions` JSON of a single-container task. */
export function renderContainerDefinitions(input: ContainerDefinitionInput): string {
  const sortedKeys = <T>(record: Record<string, T>) => Object.keys(record).sort();
  const definition = {
    name: input.name,
    image: imageUri(input.image),
    essential: true,
    // Hard limit = task memory: RunTask against moto needs it, and one container owns the task.
    memory: input.memoryMiB,
    user: input.user,
    readonlyRootFilesystem: input.readonlyRootFilesystem,
    stopTimeout: input.stopTimeoutSeconds,
    ...(input.command ? { command: input.command.map(escapeTemplate) } : {}),
    ...(input.healthCheck
      ? { healthCheck: { ...input.healthCheck, command: input.healthCheck.command.map(escapeTemplate) } }
      : {}),
    portMappings:
      input.containerPort === undefined
        ? []
        : [{ containerPort: input.containerPort, hostPort: input.containerPort, protocol: "tcp" }],
    environment: sortedKeys(input.environment).map((name) => ({
      name,
      value: escapeTemplate(input.environment[name]),
    })),
    secrets: sortedKeys(input.secrets).map((name) => ({
      name,
      valueFrom: secretValueFrom(input.secrets[name]),
    })),
    mountPoints: [
      ...(input.tmpVolumeName ? [{ volumeName: input.tmpVolumeName, containerPath: "/tmp" }] : []),
      ...(input.scratchMounts ?? []),
    ].map((m) => ({ sourceVolume: m.volumeName, containerPath: m.containerPath, readOnly: false })),
    logConfiguration: {
      logDriver: "awslogs",
      options: {
        "awslogs-group": input.logGroupName,
        "awslogs-region": input.region,
        "awslogs-stream-prefix": input.logStreamPrefix,
      },
    },
  };
  return JSON.stringify([definition]);
}
