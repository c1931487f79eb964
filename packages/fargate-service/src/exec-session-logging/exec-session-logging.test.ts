import { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster";
import { synthResources } from "../test-support/synth";
import { ExecSessionLogging, type ExecSessionLoggingProps } from "./exec-session-logging";

function synth(props: Partial<ExecSessionLoggingProps> = {}) {
  return synthResources((scope) => {
    const logging = new ExecSessionLogging(scope, "exec", { environmentName: "staging", ...props });
    new EcsCluster(scope, "cluster", { name: "staging", configuration: logging.clusterConfiguration });
  });
}

type Statement = Record<string, unknown> & { Sid: string };

function keyPolicyStatements(key: Record<string, unknown>): Statement[] {
  return (JSON.parse(String(key.policy)) as { Statement: Statement[] }).Statement;
}

describe("ExecSessionLogging", () => {
  const s = synth({ logRetentionDays: 30 });

  it("creates a rotated KMS key with its own key policy", () => {
    expect(s.one("aws_kms_key")).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30 });
    expect(keyPolicyStatements(s.one("aws_kms_key")).map((st) => st.Sid)).toEqual([
      "AccountAdministersTheKey",
      "CloudWatchLogsEncryptsTheSessionLog",
    ]);
  });

  it("lets the account root administer the key", () => {
    const [admin] = keyPolicyStatements(s.one("aws_kms_key"));
    expect(admin).toMatchObject({
      Effect: "Allow",
      Action: "kms:*",
      Resource: "*",
      Principal: {
        AWS: expect.stringMatching(
          /^arn:\$\{data\.aws_partition\.[^}]+\}:iam::\$\{data\.aws_caller_identity\.[^}]+\.account_id\}:root$/,
        ),
      },
    });
  });

  it("lets CloudWatch Logs of the region use the key only for the session log group", () => {
    const logs = keyPolicyStatements(s.one("aws_kms_key"))[1];
    expect(logs.Principal).toEqual({
      Service: expect.stringMatching(/^logs\.\$\{data\.aws_region\.[^}]+\.name\}\.amazonaws\.com$/),
    });
    expect(logs.Action).toEqual(
      expect.arrayContaining(["kms:Encrypt*", "kms:Decrypt*", "kms:GenerateDataKey*"]),
    );
    expect(logs.Action).not.toContain("kms:*");
    expect(logs.Condition).toEqual({
      ArnEquals: {
        "kms:EncryptionContext:aws:logs:arn": expect.stringMatching(
          /^arn:\$\{data\.aws_partition\.[^}]+\}:logs:\$\{data\.aws_region\.[^}]+\.name\}:\$\{data\.aws_caller_identity\.[^}]+\.account_id\}:log-group:\/ecs\/staging\/exec-sessions$/,
        ),
      },
    });
  });

  it("encrypts /ecs/<env>/exec-sessions with the key and keeps it at least 365 days", () => {
    expect(s.one("aws_cloudwatch_log_group")).toMatchObject({
      name: "/ecs/staging/exec-sessions",
      retention_in_days: 365,
      kms_key_id: expect.stringMatching(/^\$\{aws_kms_key\.[^}]+\.arn\}$/),
    });
    expect(synth({ logRetentionDays: 731 }).one("aws_cloudwatch_log_group").retention_in_days).toBe(731);
  });

  it("configures the cluster to encrypt sessions with the key and log them to the group (OVERRIDE)", () => {
    expect(s.one("aws_ecs_cluster").configuration).toEqual({
      execute_command_configuration: {
        kms_key_id: expect.stringMatching(/^\$\{aws_kms_key\.[^}]+\.arn\}$/),
        logging: "OVERRIDE",
        log_configuration: {
          cloud_watch_log_group_name: expect.stringMatching(/^\$\{aws_cloudwatch_log_group\.[^}]+\.name\}$/),
          cloud_watch_encryption_enabled: true,
        },
      },
    });
  });

  it("refuses a bad environment name, retention or deletion window, naming them", () => {
    expect(() => synth({ environmentName: "Prod_1" })).toThrow(
      /ExecSessionLogging: environmentName "Prod_1" is invalid/,
    );
    expect(() => synth({ logRetentionDays: 10 })).toThrow(
      /ExecSessionLogging: logRetentionDays 10 is invalid; allowed: 1, 3, 5/,
    );
    expect(() => synth({ keyDeletionWindowDays: 3 })).toThrow(
      /ExecSessionLogging: keyDeletionWindowDays 3 is invalid: use an integer from 7 to 30/,
    );
  });
});
