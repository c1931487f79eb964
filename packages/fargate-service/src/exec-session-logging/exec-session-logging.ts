import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { DataAwsRegion } from "@cdktf/provider-aws/lib/data-aws-region";
import type { EcsClusterConfiguration } from "@cdktf/provider-aws/lib/ecs-cluster";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Construct } from "constructs";
import { LOG_RETENTION_DAYS } from "../fargate-service/fargate-service-props";
import { PropErrors } from "../validation/validation";

export interface ExecSessionLoggingProps {
  /** The environment (the cluster's name): the log group is `/ecs/<environmentName>/exec-sessions`. */
  readonly environmentName: string;
  /**
   * The environment's log retention (days, one of LOG_RETENTION_DAYS); session logs keep at least
   * 365 days, so an audit can find who ran what in a task long after the service logs expired.
   * @default 365
   */
  readonly logRetentionDays?: number;
  /**
   * Key deletion waiting period (days, 7..30): a key scheduled for deletion by mistake can be restored.
   * @default 30
   */
  readonly keyDeletionWindowDays?: number;
  /**
   * Tags on the key and the log group.
   * @default {}
   */
  readonly tags?: Record<string, string>;
}

/** Session logs are audit records: kept at least this long whatever the environment keeps. */
export const MIN_EXEC_SESSION_RETENTION_DAYS = 365;

const ENVIRONMENT_NAME = /^[a-z][a-z0-9-]{0,19}$/;

/**
 * What a cluster needs for ECS Exec sessions to be encrypted and recorded: a customer-managed KMS key
 * (rotated yearly) that encrypts the sessions' data channel and their log, and the log group
 * `/ecs/<env>/exec-sessions` encrypted with it. The key policy lets the account administer the key
 * (IAM policies grant its use, e.g. the task role's kms:Decrypt) and CloudWatch Logs use it for this
 * log group only. Pass `clusterConfiguration` to the cluster and `kmsKey.arn` / `logGroup.arn` to each
 * service's `executeCommand`.
 */
export class ExecSessionLogging extends Construct {
  public readonly kmsKey: KmsKey;
  public readonly logGroup: CloudwatchLogGroup;
  /** The ECS cluster's `configuration`: sessions encrypted with the key and logged (OVERRIDE). */
  public readonly clusterConfiguration: EcsClusterConfiguration;

  constructor(scope: Construct, id: string, props: ExecSessionLoggingProps) {
    super(scope, id);
    const errors = new PropErrors("ExecSessionLogging");
    errors.pattern(
      "environmentName",
      props.environmentName,
      ENVIRONMENT_NAME,
      "use 1-20 of a-z, 0-9 and -, starting with a letter",
    );
    const environmentRetention = errors.oneOf(
      "logRetentionDays",
      props.logRetentionDays ?? MIN_EXEC_SESSION_RETENTION_DAYS,
      LOG_RETENTION_DAYS,
    );
    const deletionWindow = errors.integer("keyDeletionWindowDays", props.keyDeletionWindowDays ?? 30, 7, 30);

    const logGroupName = `/ecs/${props.environmentName}/exec-sessions`;
    const account = new DataAwsCallerIdentity(this, "account").accountId;
    const region = new DataAwsRegion(this, "region").name;
    const partition = new DataAwsPartition(this, "partition").partition;
    // A literal ARN, not the log group's: the group is created after (and encrypted with) the key.
    const logGroupArn = `arn:${partition}:logs:${region}:${account}:log-group:${logGroupName}`;
    // A key policy, not an IAM policy: "Resource": "*" in it means this key only. Rendered inline (not
    // through aws_iam_policy_document, which policy scanners read as an identity policy).
    const policy = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "AccountAdministersTheKey",
          Effect: "Allow",
          Principal: { AWS: `arn:${partition}:iam::${account}:root` },
          Action: "kms:*",
          Resource: "*",
        },
        {
          Sid: "CloudWatchLogsEncryptsTheSessionLog",
          Effect: "Allow",
          Principal: { Service: `logs.${region}.amazonaws.com` },
          Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
          Resource: "*",
          Condition: { ArnEquals: { "kms:EncryptionContext:aws:logs:arn": logGroupArn } },
        },
      ],
    });
    this.kmsKey = new KmsKey(this, "key", {
      description: `ECS Exec sessions of ${props.environmentName}: data channel and ${logGroupName}`,
      enableKeyRotation: true,
      deletionWindowInDays: deletionWindow,
      policy,
      tags: props.tags,
    });
    this.logGroup = new CloudwatchLogGroup(this, "log-group", {
      name: logGroupName,
      retentionInDays: Math.max(MIN_EXEC_SESSION_RETENTION_DAYS, environmentRetention),
      kmsKeyId: this.kmsKey.arn,
      tags: props.tags,
    });
    this.clusterConfiguration = {
      executeCommandConfiguration: {
        kmsKeyId: this.kmsKey.arn,
        // OVERRIDE: the cluster's log group, never the task definition's awslogs (DEFAULT).
        logging: "OVERRIDE",
        logConfiguration: {
          cloudWatchLogGroupName: this.logGroup.name,
          cloudWatchEncryptionEnabled: true,
        },
      },
    };
  }
}
