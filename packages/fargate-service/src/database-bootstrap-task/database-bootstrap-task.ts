import type { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import type { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import type { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Construct } from "constructs";
import {
  type ContainerImage,
  type ContainerSecret,
  renderContainerDefinitions,
  validateEnvironmentAndSecrets,
  validateImage,
} from "../container-definition/container-definition";
import { createFargateTaskDefinition } from "../task-definition/task-definition";
import { TaskRoles } from "../task-roles/task-roles";
import { PropErrors } from "../validation/validation";

/** Name of the container RunTask overrides nothing in; the migrate step reads its exit code. */
export const BOOTSTRAP_CONTAINER_NAME = "db-bootstrap";
/** Environment variable carrying the psql script (not secret: passwords arrive as separate secrets). */
export const BOOTSTRAP_SCRIPT_VARIABLE = "PLATFORM_BOOTSTRAP_SQL";

export interface DatabaseBootstrapTaskProps {
  /** Service name; the family and role prefix are `<name>-db-bootstrap`. */
  readonly name: string;
  /** An image with `sh` and `psql` (15 or newer, for `\getenv`), pinned by digest. */
  readonly image: ContainerImage;
  /** The psql script to run as the admin user (idempotent; see @platform/toolchain bootstrapSql). */
  readonly script: string;
  /** Non-secret libpq variables: PGHOST, PGPORT, PGDATABASE, PGSSLMODE. */
  readonly connection: Readonly<Record<string, string>>;
  /**
   * The admin login (`PGUSER`, `PGPASSWORD`) and the passwords the script sets, by variable name.
   * The bootstrap's own execution role may read exactly these; no other task gets the admin login.
   */
  readonly secrets: Readonly<Record<string, ContainerSecret>>;
  /** The service's log group (stream prefix `db-bootstrap`). */
  readonly logGroup: { readonly name: string; readonly arn: string };
  readonly region: string;
  /**
   * CPU units of the task.
   * @default 256
   */
  readonly cpu?: number;
  /**
   * Memory of the task (MiB).
   * @default 512
   */
  readonly memoryMiB?: number;
  readonly tags?: Record<string, string>;
}

/**
 * A one-off task family that runs a psql script as the database's admin user: the only place the
 * admin login is injected. The migrate step runs it (RunTask, the migration task's subnets and
 * security group) before the migration, which then connects as the service's migrator role.
 */
export class DatabaseBootstrapTask extends Construct {
  public readonly taskDefinition: EcsTaskDefinition;
  public readonly executionRole: IamRole;
  /** What the execution role may read; target it with the task definition (it is not a dependency). */
  public readonly executionRolePolicy: IamRolePolicy;
  /** `<name>-db-bootstrap`. */
  public readonly family: string;
  public readonly containerName = BOOTSTRAP_CONTAINER_NAME;

  constructor(scope: Construct, id: string, props: DatabaseBootstrapTaskProps) {
    super(scope, id);
    const errors = new PropErrors("DatabaseBootstrapTask");
    const cpu = props.cpu ?? 256;
    const memoryMiB = props.memoryMiB ?? 512;
    validateImage(errors, props.image);
    validateEnvironmentAndSecrets(errors, { ...props.connection }, { ...props.secrets });
    for (const required of ["PGUSER", "PGPASSWORD"]) {
      if (!props.secrets[required]) errors.fail("secrets", `must include ${required} (the admin login)`);
    }
    if (props.script.trim() === "") errors.fail("script", "must not be empty");
    this.family = `${props.name}-db-bootstrap`;
    const roles = new TaskRoles(this, "roles", {
      name: this.family,
      image: props.image,
      logGroupArn: props.logGroup.arn,
      secrets: Object.values(props.secrets),
      secretsKmsKeyArns: [],
      tags: props.tags,
    });
    this.executionRole = roles.executionRole;
    this.executionRolePolicy = roles.executionRolePolicy;
    this.taskDefinition = createFargateTaskDefinition(this, "task-definition", {
      family: this.family,
      cpu,
      memoryMiB,
      cpuArchitecture: "X86_64",
      executionRoleArn: roles.executionRole.arn,
      taskRoleArn: roles.taskRole.arn,
      containerDefinitions: renderContainerDefinitions({
        name: BOOTSTRAP_CONTAINER_NAME,
        image: props.image,
        memoryMiB,
        environment: { ...props.connection, [BOOTSTRAP_SCRIPT_VARIABLE]: props.script },
        secrets: { ...props.secrets },
        logGroupName: props.logGroup.name,
        region: props.region,
        logStreamPrefix: BOOTSTRAP_CONTAINER_NAME,
        user: "postgres",
        readonlyRootFilesystem: true,
        stopTimeoutSeconds: 30,
        command: ["sh", "-c", `printf '%s' "$${BOOTSTRAP_SCRIPT_VARIABLE}" | psql -X -f -`],
      }),
      tags: props.tags,
    });
  }
}
