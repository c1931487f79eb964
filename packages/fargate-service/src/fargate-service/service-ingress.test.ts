import { Testing } from "cdktf";
import { SharedLoadBalancer } from "../shared-load-balancer/shared-load-balancer";
import type { SharedLoadBalancerIngress } from "../shared-load-balancer-target/shared-load-balancer-target";
import { ref, synthResources, TEST_IMAGE, TEST_NETWORK } from "../test-support/synth";
import { FargateService, type FargateServiceProps } from "./fargate-service";

const network = TEST_NETWORK;
const image = TEST_IMAGE;
const CERT = "arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555";
const base: FargateServiceProps = { name: "api", network, image, containerPort: 3000 };
const shared: SharedLoadBalancerIngress = {
  kind: "sharedLoadBalancer",
  listenerArn:
    "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/platform-dev/0123456789abcdef/fedcba9876543210",
  loadBalancerSecurityGroupId: "sg-0aaaaaaaaaaaaaaa1",
  loadBalancerArnSuffix: "app/platform-dev/0123456789abcdef",
  loadBalancerUrl: "https://platform.example.com",
  rule: { pathPatterns: ["/api/*"], priority: 10 },
};
const worker = { ...base, containerPort: undefined, ingress: { kind: "none" } } as const;

const synth = (props: Partial<FargateServiceProps>) =>
  synthResources((scope) => {
    new FargateService(scope, "svc", { ...base, ...props });
  });
const container = (s: ReturnType<typeof synth>) => {
  const td = s.all("aws_ecs_task_definition").find((r) => r.family === "api");
  return (JSON.parse(String(td?.container_definitions)) as Record<string, unknown>[])[0];
};

describe("FargateService ingress: dedicatedLoadBalancer", () => {
  it("given explicitly with its ALB options, it synthesizes what the default does", () => {
    const explicit = synth({ ingress: { kind: "dedicatedLoadBalancer", certificateArn: CERT } });
    const implicit = synth({ certificateArn: CERT });
    expect(explicit.json).toEqual(implicit.json);
    expect(explicit.all("aws_lb")).toHaveLength(1);
    expect(explicit.all("aws_lb_listener_rule")).toHaveLength(0);
  });
});

describe("FargateService ingress: sharedLoadBalancer", () => {
  const s = synth({ ingress: shared, autoscaling: { minTasks: 2, maxTasks: 4 } });
  const service = s.one("aws_ecs_service");

  it("creates no ALB or listener of its own: a target group and a listener rule on the shared listener", () => {
    expect(s.all("aws_lb")).toHaveLength(0);
    expect(s.all("aws_lb_listener")).toHaveLength(0);
    expect(s.one("aws_lb_target_group")).toMatchObject({ name: "api-tg", port: 3000, target_type: "ip" });
    expect(s.one("aws_lb_listener_rule")).toMatchObject({
      listener_arn: shared.listenerArn,
      priority: 10,
      condition: [{ path_pattern: { values: ["/api/*"] } }],
    });
  });

  it("admits only the shared ALB's security group on the container port; the ALB may send only there", () => {
    const ingress = s.one("aws_vpc_security_group_ingress_rule");
    expect(ingress).toMatchObject({
      referenced_security_group_id: shared.loadBalancerSecurityGroupId,
      from_port: 3000,
      to_port: 3000,
      ip_protocol: "tcp",
    });
    expect(ingress.security_group_id).toMatch(/service-security-group/);
    const egress = s
      .all("aws_vpc_security_group_egress_rule")
      .filter((r) => r.security_group_id === shared.loadBalancerSecurityGroupId);
    expect(egress).toEqual([expect.objectContaining({ from_port: 3000, to_port: 3000 })]);
    expect(String(egress[0].referenced_security_group_id)).toMatch(/service-security-group/);
  });

  it("the ECS service uses the new target group and waits for the listener rule", () => {
    expect(service.load_balancer).toEqual([
      {
        target_group_arn: expect.stringMatching(ref("aws_lb_target_group")),
        container_name: "app",
        container_port: 3000,
      },
    ]);
    expect(service.depends_on).toEqual([expect.stringMatching(/^aws_lb_listener_rule\./)]);
    expect(service.health_check_grace_period_seconds).toBe(60);
  });

  it("request-count autoscaling uses the shared ALB's arn suffix and the target group's", () => {
    const requests = s.all("aws_appautoscaling_policy").find((p) => p.name === "api-requests");
    expect(requests?.target_tracking_scaling_policy_configuration).toMatchObject({
      predefined_metric_specification: {
        predefined_metric_type: "ALBRequestCountPerTarget",
        resource_label: expect.stringMatching(
          /^app\/platform-dev\/0123456789abcdef\/\$\{aws_lb_target_group\.[^}]+\.arn_suffix\}$/,
        ),
      },
    });
  });

  it("url is serviceUrl; outputs url and target group, no ALB DNS name", () => {
    expect(s.outputs.api_url.value).toBe("https://platform.example.com/api/");
    expect(s.outputs.api_target_group_arn.value).toMatch(ref("aws_lb_target_group"));
    expect(s.outputs).not.toHaveProperty("api_load_balancer_dns_name");
  });

  it("attaches in the same stack through SharedLoadBalancer.ingressFor (host rule)", () => {
    const both = synthResources((scope) => {
      const alb = new SharedLoadBalancer(scope, "alb", { name: "platform-dev", network });
      const svc = new FargateService(scope, "svc", {
        ...base,
        ingress: alb.ingressFor({ hosts: ["api.example.com"], priority: 20 }),
      });
      expect(svc.ingressKind).toBe("sharedLoadBalancer");
      expect(svc.loadBalancer).toBeUndefined();
      expect(svc.sharedLoadBalancerTarget).toBeDefined();
    });
    expect(both.one("aws_lb_listener_rule")).toMatchObject({
      listener_arn: expect.stringMatching(ref("aws_lb_listener")),
      condition: [{ host_header: { values: ["api.example.com"] } }],
    });
    expect(both.outputs.api_url.value).toMatch(/^http:\/\/\$\{aws_lb\.[^}]+\.dns_name\}$/);
  });
});

describe("FargateService ingress: none (worker)", () => {
  const s = synth({ ...worker, autoscaling: { minTasks: 1, maxTasks: 3 } });
  const service = s.one("aws_ecs_service");

  it("creates no load balancer, target group, listener or rule", () => {
    for (const type of ["aws_lb", "aws_lb_target_group", "aws_lb_listener", "aws_lb_listener_rule"])
      expect(s.all(type)).toHaveLength(0);
    expect(service).not.toHaveProperty("load_balancer");
    expect(service).not.toHaveProperty("health_check_grace_period_seconds");
    expect(service).not.toHaveProperty("depends_on");
  });

  it("nothing may connect in: no ingress rule at all, no port mapping", () => {
    expect(s.all("aws_vpc_security_group_ingress_rule")).toHaveLength(0);
    expect(container(s).portMappings).toEqual([]);
    expect(container(s)).not.toHaveProperty("healthCheck");
  });

  it("still rolls back on failed deploys and scales on CPU only", () => {
    expect(service.deployment_circuit_breaker).toEqual({ enable: true, rollback: true });
    expect(s.all("aws_appautoscaling_policy").map((p) => p.name)).toEqual(["api-cpu"]);
  });

  it("url and containerPort are undefined; only the always-present outputs", () => {
    Testing.synthScope((scope) => {
      const svc = new FargateService(scope, "svc", worker);
      expect(svc.ingressKind).toBe("none");
      expect([svc.url, svc.containerPort, svc.targetGroup, svc.loadBalancer]).toEqual([
        undefined,
        undefined,
        undefined,
        undefined,
      ]);
      expect(svc.outputNames.url).toBeUndefined();
      expect(svc.outputNames.cluster_arn).toBe("api_cluster_arn");
    });
    expect(Object.keys(s.outputs)).not.toEqual(
      expect.arrayContaining([expect.stringMatching(/url|target_group|load_balancer/)]),
    );
    expect(Object.keys(s.outputs)).toHaveLength(13);
  });

  it("containerHealthCheck: rendered in the service container only, with defaults", () => {
    const h = synth({ ...worker, containerHealthCheck: { command: ["CMD", "node", "dist/health.js"] } });
    expect(container(h).healthCheck).toEqual({
      command: ["CMD", "node", "dist/health.js"],
      interval: 30,
      timeout: 5,
      retries: 3,
      startPeriod: 0,
    });
    const migrate = h.all("aws_ecs_task_definition").find((r) => r.family === "api-migrate");
    expect(String(migrate?.container_definitions)).not.toContain("healthCheck");
  });
});

describe("FargateService ingress validation", () => {
  it.each([
    ["ingress.kind", { ingress: { kind: "nlb" } as never }],
    [
      "certificateArn",
      { certificateArn: CERT, ingress: { kind: "dedicatedLoadBalancer", certificateArn: CERT } },
    ],
    ["certificateArn", { ingress: { kind: "dedicatedLoadBalancer", certificateArn: "arn:aws:iam::1:x" } }],
    ["certificateArn", { certificateArn: CERT, ingress: shared }],
    ["internetFacing", { internetFacing: false, ingress: shared }],
    ["ingress.listenerArn", { ingress: { ...shared, listenerArn: "listener" } }],
    ["ingress.rule", { ingress: { ...shared, rule: { priority: 1 } } }],
    ["ingress.rule.priority", { ingress: { ...shared, rule: { pathPatterns: ["/*"], priority: 0 } } }],
    ["healthCheckPath", { healthCheckPath: "_ready", ingress: shared }],
    ["certificateArn", { ...worker, certificateArn: CERT }],
    ["loadBalancerIngressCidrs", { ...worker, loadBalancerIngressCidrs: ["10.0.0.0/8"] }],
    ["healthCheckPath", { ...worker, healthCheckPath: "/_ready" }],
    ["containerPort", { ...worker, containerPort: 8080 }],
    ["healthCheckGracePeriodSeconds", { ...worker, healthCheckGracePeriodSeconds: 30 }],
    [
      "autoscaling.requestsPerTarget",
      { ...worker, autoscaling: { minTasks: 1, maxTasks: 2, requestsPerTarget: 100 } },
    ],
    ["containerHealthCheck.command", { containerHealthCheck: { command: ["curl", "localhost"] } }],
    ["containerHealthCheck.command", { containerHealthCheck: { command: ["CMD"] } }],
    [
      "containerHealthCheck.intervalSeconds",
      { containerHealthCheck: { command: ["CMD", "x"], intervalSeconds: 1 } },
    ],
    [
      "containerHealthCheck.timeoutSeconds",
      { containerHealthCheck: { command: ["CMD", "x"], intervalSeconds: 10, timeoutSeconds: 10 } },
    ],
    ["containerHealthCheck.retries", { containerHealthCheck: { command: ["CMD", "x"], retries: 11 } }],
    [
      "containerHealthCheck.startPeriodSeconds",
      { containerHealthCheck: { command: ["CMD", "x"], startPeriodSeconds: 301 } },
    ],
  ] as const)("rejects %s", (prop, props) => {
    expect(() => synth(props as Partial<FargateServiceProps>)).toThrow(
      new RegExp(`FargateService: ${prop.replace(/\./g, "\\.")}\\b`),
    );
  });

  it("says why and what is allowed", () => {
    expect(() => synth({ certificateArn: CERT, ingress: shared })).toThrow(
      /certificateArn applies only to ingress kind "dedicatedLoadBalancer"/,
    );
    expect(() => synth({ ...worker, containerPort: 8080 })).toThrow(
      /containerPort applies only with a load balancer; ingress\.kind is "none"/,
    );
    expect(() => synth({ ingress: { kind: "nlb" } as never })).toThrow(
      /ingress\.kind "nlb" is invalid; allowed: dedicatedLoadBalancer, sharedLoadBalancer, none/,
    );
  });
});
