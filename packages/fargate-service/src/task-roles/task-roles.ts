import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Construct } from "constructs";
import {
  type ContainerImage,
  type ContainerSecret,
  ecrRepositoryArn,
} from "../container-definition/container-definition";

export interface TaskRolesProps {
  /** Prefix of the role names (`<name>-execution`, `<name>-task`). */
  readonly name: string;
  readonly image: ContainerImage;
  /** ARN of the log group the tasks write to. */
  readonly logGroupArn: string;
  /** Secrets injected into the containers; the execution role may read exactly these. */
  readonly secrets: readonly ContainerSecret[];
  /** KMS keys the secrets are encrypted with, when not the AWS-managed key. */
  readonly secretsKmsKeyArns: readonly string[];
  readonly tags?: Record<string, string>;
}

interface Statement {
  readonly Sid: string;
  readonly Effect: "Allow";
  readonly Action: string[];
  readonly Resource: string | string[];
}

const ASSUME_ROLE_POLICY = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    { Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" },
  ],
});

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/** The least-privilege policy statements of the task execution role. */
export function executionRoleStatements(props: TaskRolesProps): Statement[] {
  const statements: Statement[] = [];
  const repositoryArn = ecrRepositoryArn(props.image);
  if (repositoryArn) {
    // GetAuthorizationToken is account-wide: IAM supports no resource for it, so "*" is the only
    // possible value. The pull actions below are scoped to the one repository.
    statements.push({
      Sid: "EcrAuthorizationToken",
      Effect: "Allow",
      Action: ["ecr:GetAuthorizationToken"],
      Resource: "*",
    });
    statements.push({
      Sid: "EcrPullImage",
      Effect: "Allow",
      Action: ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"],
      Resource: repositoryArn,
    });
  }
  statements.push({
    Sid: "WriteLogs",
    Effect: "Allow",
    Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
    Resource: `${props.logGroupArn}:log-stream:*`,
  });
  const secretArns = unique(
    props.secrets.filter((s) => (s.source ?? "secretsmanager") === "secretsmanager").map((s) => s.arn),
  );
  if (secretArns.length > 0) {
    statements.push({
      Sid: "ReadSecrets",
      Effect: "Allow",
      Action: ["secretsmanager:GetSecretValue"],
      Resource: secretArns,
    });
  }
  const parameterArns = unique(props.secrets.filter((s) => s.source === "ssm").map((s) => s.arn));
  if (parameterArns.length > 0) {
    statements.push({
      Sid: "ReadParameters",
      Effect: "Allow",
      Action: ["ssm:GetParameters"],
      Resource: parameterArns,
    });
  }
  const keys = unique(props.secretsKmsKeyArns);
  if (keys.length > 0) {
    statements.push({ Sid: "DecryptSecrets", Effect: "Allow", Action: ["kms:Decrypt"], Resource: keys });
  }
  return statements;
}

/**
 * The execution role (used by ECS to pull the image, write logs and fetch secrets) and the task
 * role (the application's own AWS identity, with no permissions until the caller grants some).
 */
export class TaskRoles extends Construct {
  public readonly executionRole: IamRole;
  public readonly executionRolePolicy: IamRolePolicy;
  public readonly taskRole: IamRole;

  constructor(scope: Construct, id: string, props: TaskRolesProps) {
    super(scope, id);
    this.executionRole = new IamRole(this, "execution-role", {
      name: `${props.name}-execution`,
      description: `ECS pulls, logs and reads secrets for ${props.name}`,
      assumeRolePolicy: ASSUME_ROLE_POLICY,
      tags: props.tags,
    });
    this.executionRolePolicy = new IamRolePolicy(this, "execution-policy", {
      name: "least-privilege",
      role: this.executionRole.id,
      policy: JSON.stringify({ Version: "2012-10-17", Statement: executionRoleStatements(props) }),
    });
    this.taskRole = new IamRole(this, "task-role", {
      name: `${props.name}-task`,
      description: `Application identity of ${props.name}; grant what it calls`,
      assumeRolePolicy: ASSUME_ROLE_POLICY,
      tags: props.tags,
    });
  }
}
