import { TerraformOutput } from "cdktf";
import { ref, synthResources, TEST_NETWORK } from "../test-support/synth";
import {
  NO_SERVICE_MATCHED_RESPONSE,
  SharedLoadBalancer,
  type SharedLoadBalancerProps,
} from "./shared-load-balancer";

const network = TEST_NETWORK;
const CERT = "arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555";
const base: SharedLoadBalancerProps = { name: "platform-dev", network };

const synth = (props: Partial<SharedLoadBalancerProps> = {}) =>
  synthResources((scope) => {
    new SharedLoadBalancer(scope, "alb", { ...base, ...props });
  });

describe("SharedLoadBalancer", () => {
  it("answers a fixed 404 when no service's rule matches (HTTP listener on 80 by default)", () => {
    const listener = synth().one("aws_lb_listener");
    expect(listener).toMatchObject({ port: 80, protocol: "HTTP" });
    expect(listener.default_action).toEqual([
      {
        type: "fixed-response",
        fixed_response: {
          status_code: "404",
          content_type: "text/plain",
          message_body: NO_SERVICE_MATCHED_RESPONSE.messageBody,
        },
      },
    ]);
  });

  it("is an internet-facing ALB in the public subnets dropping invalid headers, with no target group", () => {
    const s = synth();
    expect(s.one("aws_lb")).toMatchObject({
      name: "platform-dev",
      load_balancer_type: "application",
      internal: false,
      subnets: network.publicSubnetIds,
      drop_invalid_header_fields: true,
      idle_timeout: 60,
      enable_deletion_protection: false,
    });
    expect(s.all("aws_lb_target_group")).toHaveLength(0);
  });

  it("internetFacing false: internal, in the private subnets", () => {
    expect(synth({ internetFacing: false }).one("aws_lb")).toMatchObject({
      internal: true,
      subnets: network.privateSubnetIds,
    });
  });

  it("certificateArn: HTTPS on 443 carrying the 404, 80 redirects to 443", () => {
    const listeners = synth({ certificateArn: CERT }).all("aws_lb_listener");
    const https = listeners.find((l) => l.port === 443);
    expect(https).toMatchObject({
      protocol: "HTTPS",
      certificate_arn: CERT,
      ssl_policy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
      default_action: [expect.objectContaining({ type: "fixed-response" })],
    });
    expect(listeners.find((l) => l.port === 80)?.default_action).toEqual([
      { type: "redirect", redirect: { port: "443", protocol: "HTTPS", status_code: "HTTP_301" } },
    ]);
  });

  it("admits loadBalancerIngressCidrs on the listener ports only and has no egress of its own", () => {
    const s = synth({ certificateArn: CERT, loadBalancerIngressCidrs: ["10.0.0.0/16", "192.168.0.0/24"] });
    expect(s.one("aws_security_group").name).toBe("platform-dev-alb");
    const ingress = s.all("aws_vpc_security_group_ingress_rule").map((r) => [r.cidr_ipv4, r.from_port]);
    expect(ingress.sort()).toEqual(
      [
        ["10.0.0.0/16", 80],
        ["10.0.0.0/16", 443],
        ["192.168.0.0/24", 80],
        ["192.168.0.0/24", 443],
      ].sort(),
    );
    expect(s.all("aws_vpc_security_group_egress_rule")).toHaveLength(0);
  });

  it("outputs what service stacks read from remote state, under stable names", () => {
    const o = synth({ certificateArn: CERT }).outputs;
    expect(Object.keys(o).sort()).toEqual([
      "platform_dev_listener_arn",
      "platform_dev_load_balancer_arn",
      "platform_dev_load_balancer_arn_suffix",
      "platform_dev_load_balancer_dns_name",
      "platform_dev_load_balancer_security_group_id",
      "platform_dev_load_balancer_url",
    ]);
    expect(o.platform_dev_listener_arn.value).toMatch(/^\$\{aws_lb_listener\.alb_https_[^}]+\.arn\}$/);
    expect(o.platform_dev_load_balancer_arn_suffix.value).toMatch(/^\$\{aws_lb\.[^}]+\.arn_suffix\}$/);
    expect(o.platform_dev_load_balancer_security_group_id.value).toMatch(ref("aws_security_group"));
    expect(o.platform_dev_load_balancer_url.value).toMatch(/^https:\/\/\$\{aws_lb\.[^}]+\.dns_name\}$/);
  });

  it("ingressFor: the listener, security group, arn suffix and URL with the rule", () => {
    const rule = { pathPatterns: ["/api/*"], priority: 10 };
    const s = synthResources((scope) => {
      const alb = new SharedLoadBalancer(scope, "alb", base);
      new TerraformOutput(scope, "ingress", { value: alb.ingressFor(rule) });
      expect(alb.listenerPorts).toEqual([80]);
      expect(alb.outputNames.listener_arn).toBe("platform_dev_listener_arn");
    });
    expect(s.outputs.ingress.value).toEqual({
      kind: "sharedLoadBalancer",
      listenerArn: expect.stringMatching(/^\$\{aws_lb_listener\.alb_http_[^}]+\.arn\}$/),
      loadBalancerSecurityGroupId: expect.stringMatching(/^\$\{aws_security_group\.[^}]+\.id\}$/),
      loadBalancerArnSuffix: expect.stringMatching(/^\$\{aws_lb\.[^}]+\.arn_suffix\}$/),
      loadBalancerUrl: expect.stringMatching(/^http:\/\/\$\{aws_lb\.[^}]+\.dns_name\}$/),
      rule,
    });
  });
});

describe("SharedLoadBalancer validation", () => {
  it.each([
    ["name", { name: "Platform" }],
    ["name", { name: "internal-alb" }],
    ["name", { name: "a".repeat(29) }],
    ["network.vpcId", { network: { ...network, vpcId: "my-vpc" } }],
    ["network.publicSubnetIds", { network: { ...network, publicSubnetIds: ["subnet-a"] } }],
    [
      "network.privateSubnetIds",
      { internetFacing: false, network: { ...network, privateSubnetIds: ["subnet-a"] } },
    ],
    ["certificateArn", { certificateArn: "arn:aws:iam::123456789012:server-certificate/x" }],
    ["sslPolicy", { sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06" }],
    ["sslPolicy", { certificateArn: CERT, sslPolicy: "TLSv1.2" }],
    ["loadBalancerIngressCidrs", { loadBalancerIngressCidrs: [] }],
    ["loadBalancerIngressCidrs", { loadBalancerIngressCidrs: ["10.0.0.0/33"] }],
    ["idleTimeoutSeconds", { idleTimeoutSeconds: 4001 }],
  ] as const)("rejects a bad %s", (prop, props) => {
    expect(() => synth(props as Partial<SharedLoadBalancerProps>)).toThrow(
      new RegExp(`SharedLoadBalancer: ${prop.replace(/\./g, "\\.")}\\b`),
    );
  });

  it("names the allowed values", () => {
    expect(() => synth({ idleTimeoutSeconds: 0 })).toThrow(
      "SharedLoadBalancer: idleTimeoutSeconds 0 is invalid: use an integer from 1 to 4000",
    );
  });
});
