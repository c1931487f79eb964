import type { PropErrors } from "../validation/validation";

/** ECS Exec on a service: where its sessions are encrypted and logged (see `ExecSessionLogging`). */
export interface ExecuteCommandOptions {
  /** The KMS key of the cluster's executeCommandConfiguration (data channel and session log). */
  readonly kmsKeyArn: string;
  /** The log group the cluster sends session transcripts to (without a trailing `:*`). */
  readonly logGroupArn: string;
}

/**
 * Where the SSM agent that ECS Exec injects into the container writes its state and logs; with a
 * read-only root filesystem these need writable (task-local) volumes.
 */
export const EXEC_AGENT_WRITABLE_PATHS = ["/var/lib/amazon", "/var/log/amazon"] as const;

export interface ExecuteCommandStatement {
  readonly Sid: string;
  readonly Effect: "Allow";
  readonly Action: string[];
  readonly Resource: string | string[];
}

const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;
const LOG_GROUP_ARN = /^arn:aws[a-z-]*:logs:[a-z0-9-]+:\d{12}:log-group:[A-Za-z0-9_/.#-]+$/;

/** Checks literal ARNs (references pass); errors name `executeCommand.<field>`. */
export function validateExecuteCommand(errors: PropErrors, options: ExecuteCommandOptions): void {
  errors.pattern(
    "executeCommand.kmsKeyArn",
    options.kmsKeyArn,
    KMS_KEY_ARN,
    "use a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)",
  );
  errors.pattern(
    "executeCommand.logGroupArn",
    options.logGroupArn,
    LOG_GROUP_ARN,
    "use a log group ARN without ':*' (arn:aws:logs:<region>:<account>:log-group:<name>)",
  );
}

/** What the task role needs for the SSM agent in the container to serve and log ECS Exec sessions. */
export function executeCommandStatements(options: ExecuteCommandOptions): ExecuteCommandStatement[] {
  return [
    {
      // Session Manager's message channels have no resource-level permissions: "*" is the only value
      // IAM accepts for these actions.
      Sid: "SessionChannels",
      Effect: "Allow",
      Action: [
        "ssmmessages:CreateControlChannel",
        "ssmmessages:CreateDataChannel",
        "ssmmessages:OpenControlChannel",
        "ssmmessages:OpenDataChannel",
      ],
      Resource: "*",
    },
    { Sid: "DecryptSessions", Effect: "Allow", Action: ["kms:Decrypt"], Resource: options.kmsKeyArn },
    {
      // The agent checks that the log group exists before logging; DescribeLogGroups is a list call
      // IAM evaluates against every group, so it cannot be scoped to one.
      Sid: "FindSessionLogGroup",
      Effect: "Allow",
      Action: ["logs:DescribeLogGroups"],
      Resource: "*",
    },
    {
      Sid: "WriteSessionLog",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: `${options.logGroupArn}:log-stream:*`,
    },
  ];
}
