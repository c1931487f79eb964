import { DataTerraformRemoteStateS3 } from "cdktf";
import { ref, synthResources } from "../test-support/synth";
import {
  type ListenerRuleOptions,
  type SharedLoadBalancerIngress,
  SharedLoadBalancerTarget,
  type SharedLoadBalancerTargetProps,
  serviceUrl,
} from "./shared-load-balancer-target";

const LISTENER =
  "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/platform-dev/0123456789abcdef/fedcba9876543210";
const ALB_SG = "sg-0aaaaaaaaaaaaaaa1";
const TASK_SG = "sg-0bbbbbbbbbbbbbbb2";
const ingress = (rule: ListenerRuleOptions = { pathPatterns: ["/api/*"], priority: 10 }) =>
  ({
    kind: "sharedLoadBalancer",
    listenerArn: LISTENER,
    loadBalancerSecurityGroupId: ALB_SG,
    loadBalancerArnSuffix: "app/platform-dev/0123456789abcdef",
    loadBalancerUrl: "https://platform.example.com",
    rule,
  }) satisfies SharedLoadBalancerIngress;
const base: SharedLoadBalancerTargetProps = {
  name: "api",
  vpcId: "vpc-0123456789abcdef0",
  targetPort: 3000,
  targetSecurityGroupId: TASK_SG,
  ingress: ingress(),
};

const synth = (props: Partial<SharedLoadBalancerTargetProps> = {}) =>
  synthResources((scope) => {
    new SharedLoadBalancerTarget(scope, "target", { ...base, ...props });
  });
const withRule = (rule: ListenerRuleOptions) => synth({ ingress: ingress(rule) });

describe("SharedLoadBalancerTarget", () => {
  it("path rule: a path_pattern condition with the priority, forwarding to its own target group", () => {
    const rule = withRule({ pathPatterns: ["/api/*"], priority: 10 }).one("aws_lb_listener_rule");
    expect(rule).toMatchObject({
      listener_arn: LISTENER,
      priority: 10,
      condition: [{ path_pattern: { values: ["/api/*"] } }],
      action: [{ type: "forward", target_group_arn: expect.stringMatching(ref("aws_lb_target_group")) }],
    });
  });

  it("host rule: a host_header condition only", () => {
    const rule = withRule({ hosts: ["api.example.com"], priority: 20 }).one("aws_lb_listener_rule");
    expect(rule.condition).toEqual([{ host_header: { values: ["api.example.com"] } }]);
    expect(rule.priority).toBe(20);
  });

  it("path and host: both conditions (a request must match both)", () => {
    const rule = withRule({ pathPatterns: ["/v2/*"], hosts: ["*.example.org"], priority: 5 }).one(
      "aws_lb_listener_rule",
    );
    expect(rule.condition).toEqual([
      { path_pattern: { values: ["/v2/*"] } },
      { host_header: { values: ["*.example.org"] } },
    ]);
  });

  it("target group <name>-tg: ip, HTTP on the target port, health check path and delay", () => {
    const tg = synth({ healthCheckPath: "/healthz", deregistrationDelaySeconds: 10 }).one(
      "aws_lb_target_group",
    );
    expect(tg).toMatchObject({
      name: "api-tg",
      target_type: "ip",
      protocol: "HTTP",
      port: 3000,
      deregistration_delay: "10",
      health_check: expect.objectContaining({ path: "/healthz", port: "traffic-port", matcher: "200" }),
    });
  });

  it("the shared ALB's security group may send only to the task security group on the target port", () => {
    const egress = synth().one("aws_vpc_security_group_egress_rule");
    expect(egress).toMatchObject({
      security_group_id: ALB_SG,
      referenced_security_group_id: TASK_SG,
      ip_protocol: "tcp",
      from_port: 3000,
      to_port: 3000,
    });
    expect(egress).not.toHaveProperty("cidr_ipv4");
  });

  it("accepts references from remote state (nothing to validate at synth time)", () => {
    const s = synthResources((scope) => {
      const remote = new DataTerraformRemoteStateS3(scope, "alb", { bucket: "state", key: "alb" });
      new SharedLoadBalancerTarget(scope, "target", {
        ...base,
        ingress: {
          kind: "sharedLoadBalancer",
          listenerArn: remote.getString("listener_arn"),
          loadBalancerSecurityGroupId: remote.getString("load_balancer_security_group_id"),
          loadBalancerArnSuffix: remote.getString("load_balancer_arn_suffix"),
          loadBalancerUrl: remote.getString("load_balancer_url"),
          rule: { pathPatterns: remote.getList("paths"), priority: remote.getNumber("priority") },
        },
      });
    });
    expect(s.one("aws_lb_listener_rule").listener_arn).toMatch(ref("data.terraform_remote_state"));
  });
});

describe("serviceUrl", () => {
  const url = (rule: ListenerRuleOptions) => serviceUrl(ingress(rule));
  it.each([
    [{ pathPatterns: ["/api/*"], priority: 1 }, "https://platform.example.com/api/"],
    [{ pathPatterns: ["/*"], priority: 1 }, "https://platform.example.com"],
    [{ hosts: ["api.example.com"], priority: 1 }, "https://platform.example.com"],
  ])("%j gives %s", (rule, expected) => {
    expect(url(rule)).toBe(expected);
  });
});

describe("SharedLoadBalancerTarget validation", () => {
  const LONG = `/${"a".repeat(128)}`;
  it.each([
    ["ingress.listenerArn", { listenerArn: "arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/x" }],
    ["ingress.loadBalancerSecurityGroupId", { loadBalancerSecurityGroupId: "alb-sg" }],
    ["ingress.loadBalancerArnSuffix", { loadBalancerArnSuffix: "platform-dev" }],
    ["ingress.loadBalancerUrl", { loadBalancerUrl: "https://platform.example.com/api" }],
    ["ingress.rule", { rule: { priority: 1 } }],
    ["ingress.rule", { rule: { pathPatterns: ["/a", "/b", "/c"], hosts: ["x", "y", "z"], priority: 1 } }],
    ["ingress.rule.pathPatterns", { rule: { pathPatterns: ["api/*"], priority: 1 } }],
    ["ingress.rule.pathPatterns", { rule: { pathPatterns: [LONG], priority: 1 } }],
    ["ingress.rule.hosts", { rule: { hosts: ["api example.com"], priority: 1 } }],
    ["ingress.rule.priority", { rule: { pathPatterns: ["/*"], priority: 0 } }],
    ["ingress.rule.priority", { rule: { pathPatterns: ["/*"], priority: 50001 } }],
  ] as const)("rejects a bad %s", (prop, override) => {
    expect(() => synth({ ingress: { ...ingress(), ...override } })).toThrow(
      new RegExp(`SharedLoadBalancerTarget: ${prop.replace(/\./g, "\\.")} `),
    );
  });

  it.each([
    ["healthCheckPath", { healthCheckPath: "_ready" }],
    ["healthCheckTimeoutSeconds", { healthCheckIntervalSeconds: 10, healthCheckTimeoutSeconds: 10 }],
    ["deregistrationDelaySeconds", { deregistrationDelaySeconds: 3601 }],
  ] as const)("rejects a bad target group option %s", (prop, props) => {
    expect(() => synth(props)).toThrow(new RegExp(`SharedLoadBalancerTarget: ${prop}\\b`));
  });

  it("names the allowed values", () => {
    expect(() => withRule({ pathPatterns: ["/*"], priority: 0 })).toThrow(
      "SharedLoadBalancerTarget: ingress.rule.priority 0 is invalid: use an integer from 1 to 50000",
    );
    expect(() => withRule({ priority: 3 })).toThrow(/give at least one path or host pattern/);
  });
});
