import { FargateService, type FargateServiceProps } from "../fargate-service/fargate-service";
import { synthResources, TEST_IMAGE, TEST_NETWORK } from "../test-support/synth";
import { EXEC_AGENT_WRITABLE_PATHS, executeCommandStatements } from "./execute-command";

const KEY = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555";
const GROUP = "arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/dev/exec-sessions";
const executeCommand = { kmsKeyArn: KEY, logGroupArn: GROUP };

interface Statement {
  Sid: string;
  Action: string[];
  Resource: string | string[];
}

function synth(props: Partial<FargateServiceProps> = {}) {
  const s = synthResources((scope) => {
    new FargateService(scope, "svc", { name: "web", network: TEST_NETWORK, image: TEST_IMAGE, ...props });
  });
  const service = s.all("aws_ecs_task_definition").find((td) => td.family === "web");
  if (!service) throw new Error("no service task definition");
  const migration = s.all("aws_ecs_task_definition").find((td) => td.family === "web-migrate");
  const container = (td: Record<string, unknown> | undefined) =>
    (JSON.parse(String(td?.container_definitions)) as Array<{ mountPoints: unknown[] }>)[0];
  const policy = (name: string) => s.all("aws_iam_role_policy").find((p) => p.name === name);
  return { ...s, service, migration, container, policy };
}

describe("ECS Exec (FargateService executeCommand)", () => {
  const on = synth({ executeCommand });

  it("enables ExecuteCommand on the service", () => {
    expect(on.one("aws_ecs_service").enable_execute_command).toBe(true);
  });

  it("gives the task role (not the execution role) the execute-command policy", () => {
    const policy = on.policy("execute-command");
    expect(policy?.role).toMatch(/^\$\{aws_iam_role\.[^}]*task-role[^}]*\.id\}$/);
    const statements = (JSON.parse(String(policy?.policy)) as { Statement: Statement[] }).Statement;
    expect(statements).toEqual(executeCommandStatements(executeCommand));
  });

  it("scopes kms:Decrypt to the key and log writes to the session group; only what IAM cannot scope is '*'", () => {
    const byAction = Object.fromEntries(
      executeCommandStatements(executeCommand).flatMap((s) => s.Action.map((a) => [a, s.Resource])),
    );
    expect(byAction).toEqual({
      "ssmmessages:CreateControlChannel": "*",
      "ssmmessages:CreateDataChannel": "*",
      "ssmmessages:OpenControlChannel": "*",
      "ssmmessages:OpenDataChannel": "*",
      "kms:Decrypt": KEY,
      "logs:DescribeLogGroups": "*",
      "logs:CreateLogStream": `${GROUP}:log-stream:*`,
      "logs:PutLogEvents": `${GROUP}:log-stream:*`,
    });
  });

  it("mounts task-local volumes at the agent's paths when the root filesystem is read-only", () => {
    expect(EXEC_AGENT_WRITABLE_PATHS).toEqual(["/var/lib/amazon", "/var/log/amazon"]);
    expect(on.service.volume).toEqual([
      { name: "tmp" },
      { name: "exec-agent-var-lib-amazon" },
      { name: "exec-agent-var-log-amazon" },
    ]);
    expect(on.container(on.service).mountPoints).toEqual([
      { sourceVolume: "tmp", containerPath: "/tmp", readOnly: false },
      { sourceVolume: "exec-agent-var-lib-amazon", containerPath: "/var/lib/amazon", readOnly: false },
      { sourceVolume: "exec-agent-var-log-amazon", containerPath: "/var/log/amazon", readOnly: false },
    ]);
  });

  it("leaves the migration task as it was", () => {
    expect(on.migration?.volume).toEqual([{ name: "tmp" }]);
    expect(on.container(on.migration).mountPoints).toHaveLength(1);
  });

  it("needs no agent volumes with a writable root filesystem", () => {
    const writable = synth({ executeCommand, readonlyRootFilesystem: false });
    expect(writable.service).not.toHaveProperty("volume");
    expect(writable.container(writable.service).mountPoints).toEqual([]);
    expect(writable.one("aws_ecs_service").enable_execute_command).toBe(true);
  });

  it("is off by default: no flag, no policy, no agent volumes", () => {
    const off = synth();
    expect(off.one("aws_ecs_service")).not.toHaveProperty("enable_execute_command");
    expect(off.policy("execute-command")).toBeUndefined();
    expect(off.service.volume).toEqual([{ name: "tmp" }]);
  });

  it("refuses ARNs of the wrong kind, naming the field", () => {
    expect(() => synth({ executeCommand: { ...executeCommand, kmsKeyArn: "alias/exec" } })).toThrow(
      /FargateService: executeCommand\.kmsKeyArn "alias\/exec" is invalid: use a KMS key ARN/,
    );
    expect(() => synth({ executeCommand: { ...executeCommand, logGroupArn: `${GROUP}:*` } })).toThrow(
      /FargateService: executeCommand\.logGroupArn ".*:\*" is invalid: use a log group ARN without ':\*'/,
    );
  });
});
