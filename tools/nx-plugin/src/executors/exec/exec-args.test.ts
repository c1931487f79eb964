import { sessionTarget } from "./exec-aws";
import { dockerExecArgs } from "./exec-local";

describe("dockerExecArgs", () => {
  it("keeps stdin open and asks for a TTY only when this terminal is one", () => {
    expect(dockerExecArgs("local-sample-service-1", ["node"], true)).toEqual([
      "exec",
      "-i",
      "-t",
      "local-sample-service-1",
      "node",
    ]);
    expect(dockerExecArgs("r1", ["node", "-e", "1"], false)).toEqual(["exec", "-i", "r1", "node", "-e", "1"]);
  });
});

describe("sessionTarget", () => {
  it("is ecs:<cluster name>_<task id>_<container runtime id>, as the AWS CLI builds it", () => {
    expect(
      sessionTarget({
        cluster: "arn:aws:ecs:eu-west-1:123456789012:cluster/dev",
        taskArn: "arn:aws:ecs:eu-west-1:123456789012:task/dev/0123456789abcdef",
        containerName: "app",
        runtimeId: "0123456789abcdef-1234567890",
      }),
    ).toBe("ecs:dev_0123456789abcdef_0123456789abcdef-1234567890");
  });
});
