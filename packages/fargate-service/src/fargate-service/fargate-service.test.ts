import { EcrRepository } from "@cdktf/provider-aws/lib/ecr-repository";
import { Testing } from "cdktf";
import type { Construct } from "constructs";
import { FargateService, type FargateServiceProps } from "./fargate-service";

type Resource = Record<string, unknown>;
interface Synthesized {
  resource: Record<string, Record<string, Resource>>;
  output: Record<string, { value: unknown }>;
}
interface ContainerDefinition {
  name: string;
  image: string;
  user: string;
  readonlyRootFilesystem: boolean;
  stopTimeout: number;
  memory: number;
  command?: string[];
  portMappings: { containerPort: number; hostPort: number }[];
  environment: { name: string; value: string }[];
  secrets: { name: string; valueFrom: string }[];
  mountPoints: { sourceVolume: string; containerPath: string; readOnly: boolean }[];
  logConfiguration: { logDriver: string; options: Record<string, string> };
}
interface PolicyStatement {
  Sid: string;
  Action: string[];
  Resource: string | string[];
}

const network = {
  vpcId: "vpc-0123456789abcdef0",
  publicSubnetIds: ["subnet-pub-a", "subnet-pub-b"],
  privateSubnetIds: ["subnet-priv-a", "subnet-priv-b"],
};
const DIGEST = `sha256:${"0123456789abcdef".repeat(4)}`;
const REPO = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/sample-service";
const image = { repositoryUrl: REPO, digest: DIGEST };
const SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-1234-AbCdEf";
const CERT = "arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555";
const base: FargateServiceProps = { name: "web", network, image };

function synth(
  props: Partial<FargateServiceProps> = {},
  extra?: (scope: Construct, s: FargateService) => void,
) {
  const json = Testing.synthScope((scope) => {
    const service = new FargateService(scope, "svc", { ...base, ...props });
    extra?.(scope, service);
  });
  const parsed = JSON.parse(json) as Synthesized;
  const all = (type: string): Resource[] => Object.values(parsed.resource[type] ?? {});
  const one = (type: string): Resource => {
    const list = all(type);
    expect(list).toHaveLength(1);
    return list[0];
  };
  const byKey = (type: string, keyPart: string): Resource => {
    const entry = Object.entries(parsed.resource[type] ?? {}).find(([k]) => k.includes(keyPart));
    if (!entry) throw new Error(`no ${type} with key containing ${keyPart}`);
    return entry[1];
  };
  const taskDefinition = (family: string) => {
    const td = all("aws_ecs_task_definition").find((r) => r.family === family);
    if (!td) throw new Error(`no task definition ${family}`);
    const [container] = JSON.parse(String(td.container_definitions)) as ContainerDefinition[];
    return { td, container };
  };
  const executionStatements = (): PolicyStatement[] =>
    (JSON.parse(String(one("aws_iam_role_policy").policy)) as { Statement: PolicyStatement[] }).Statement;
  return { json, all, one, byKey, taskDefinition, executionStatements, outputs: parsed.output };
}

const make = (props: Partial<FargateServiceProps>) => () =>
  Testing.synthScope((scope) => {
    new FargateService(scope, "svc", { ...base, ...props });
  });

const ref = (type: string) => new RegExp(`^\\$\\{${type.replace(/\./g, "\\.")}\\.[^}]+\\}$`);

describe("FargateService defaults", () => {
  const s = synth();
  const service = s.one("aws_ecs_service");

  it("deploys rolling at 100/200 percent with circuit-breaker rollback", () => {
    expect(service.deployment_minimum_healthy_percent).toBe(100);
    expect(service.deployment_maximum_percent).toBe(200);
    expect(service.deployment_circuit_breaker).toEqual({ enable: true, rollback: true });
    expect(service.deployment_controller).toEqual({ type: "ECS" });
    expect(service.health_check_grace_period_seconds).toBe(60);
    expect(service.wait_for_steady_state).toBe(false);
  });

  it("runs tasks in the private subnets without public IPs, behind the target group", () => {
    expect(service.launch_type).toBe("FARGATE");
    expect(service.platform_version).toBe("1.4.0");
    expect(service.network_configuration).toEqual({
      subnets: network.privateSubnetIds,
      security_groups: [expect.stringMatching(ref("aws_security_group"))],
      assign_public_ip: false,
    });
    expect(service.load_balancer).toEqual([
      {
        target_group_arn: expect.stringMatching(ref("aws_lb_target_group")),
        container_name: "app",
        container_port: 8080,
      },
    ]);
    expect(service.depends_on).toEqual([expect.stringMatching(/^aws_lb_listener\./)]);
  });

  it("keeps a fixed desired count of 2 that deploys may change (no autoscaling)", () => {
    expect(service.desired_count).toBe(2);
    expect(service.lifecycle).toEqual({ ignore_changes: ["availability_zone_rebalancing"] });
    expect(s.all("aws_appautoscaling_target")).toHaveLength(0);
  });

  it("creates a cluster with Container Insights", () => {
    expect(s.one("aws_ecs_cluster")).toMatchObject({
      name: "web",
      setting: [{ name: "containerInsights", value: "enabled" }],
    });
    expect(service.cluster).toMatch(ref("aws_ecs_cluster"));
  });

  it("defines a Fargate awsvpc task of 256 CPU / 512 MiB whose old revisions stay registered", () => {
    const { td } = s.taskDefinition("web");
    expect(td).toMatchObject({
      requires_compatibilities: ["FARGATE"],
      network_mode: "awsvpc",
      cpu: "256",
      memory: "512",
      runtime_platform: { operating_system_family: "LINUX", cpu_architecture: "X86_64" },
      skip_destroy: true,
      volume: [{ name: "tmp" }],
    });
    expect(td.execution_role_arn).toMatch(ref("aws_iam_role"));
    expect(td.task_role_arn).toMatch(ref("aws_iam_role"));
    expect(td.execution_role_arn).not.toBe(td.task_role_arn);
  });

  it("runs the image by digest as a non-root user on a read-only root filesystem, logging to CloudWatch", () => {
    const { container } = s.taskDefinition("web");
    expect(container.image).toBe(`${REPO}@${DIGEST}`);
    expect(s.json).not.toMatch(/:latest/);
    expect(container).toMatchObject({
      name: "app",
      user: "1000:1000",
      readonlyRootFilesystem: true,
      stopTimeout: 30,
      memory: 512,
      portMappings: [{ containerPort: 8080, hostPort: 8080, protocol: "tcp" }],
      environment: [],
      secrets: [],
      mountPoints: [{ sourceVolume: "tmp", containerPath: "/tmp", readOnly: false }],
    });
    expect(container.command).toBeUndefined();
    expect(container.logConfiguration.logDriver).toBe("awslogs");
    expect(container.logConfiguration.options).toEqual({
      "awslogs-group": expect.stringMatching(ref("aws_cloudwatch_log_group")),
      "awslogs-region": expect.stringMatching(ref("data.aws_region")),
      "awslogs-stream-prefix": "service",
    });
    expect(s.one("aws_cloudwatch_log_group")).toMatchObject({ name: "/ecs/web", retention_in_days: 30 });
  });

  it("defines the migration family: same image, migrate command, no port, its own log prefix", () => {
    const { td, container } = s.taskDefinition("web-migrate");
    expect(td).toMatchObject({ requires_compatibilities: ["FARGATE"], network_mode: "awsvpc", cpu: "256" });
    expect(container.image).toBe(`${REPO}@${DIGEST}`);
    expect(container.command).toEqual(["node", "dist/migrate.js"]);
    expect(container.portMappings).toEqual([]);
    expect(container.user).toBe("1000:1000");
    expect(container.logConfiguration.options["awslogs-stream-prefix"]).toBe("migrate");
  });

  it("admits 0.0.0.0/0 only on the ALB's listener port 80, and the service only from the ALB", () => {
    const albSg = s.byKey("aws_security_group", "load-balancer");
    expect(albSg.name).toBe("web-alb");
    const ingress = Object.entries(
      s.json ? JSON.parse(s.json).resource.aws_vpc_security_group_ingress_rule : {},
    ) as [string, Resource][];
    const open = ingress.filter(([, r]) => r.cidr_ipv4 !== undefined || r.cidr_ipv6 !== undefined);
    expect(open).toHaveLength(1);
    expect(open[0][0]).toMatch(/load-balancer/);
    expect(open[0][1]).toMatchObject({
      cidr_ipv4: "0.0.0.0/0",
      from_port: 80,
      to_port: 80,
      ip_protocol: "tcp",
    });
    const fromAlb = s.byKey("aws_vpc_security_group_ingress_rule", "service-ingress-from-alb");
    expect(fromAlb).toMatchObject({ from_port: 8080, to_port: 8080, ip_protocol: "tcp" });
    expect(fromAlb.security_group_id).toMatch(/service-security-group/);
    expect(fromAlb.referenced_security_group_id).toMatch(/load-balancer_security-group/);
    // Nothing may enter the migration task.
    expect(ingress.some(([, r]) => String(r.security_group_id).includes("migration"))).toBe(false);
  });

  it("lets the ALB send only to the service's security group on the container port", () => {
    const egress = s.byKey("aws_vpc_security_group_egress_rule", "egress-to-targets");
    expect(egress).toMatchObject({ ip_protocol: "tcp", from_port: 8080, to_port: 8080 });
    expect(egress.referenced_security_group_id).toMatch(/service-security-group/);
    expect(egress).not.toHaveProperty("cidr_ipv4");
  });

  it("puts an internet-facing ALB in the public subnets, dropping invalid headers, HTTP only", () => {
    expect(s.one("aws_lb")).toMatchObject({
      name: "web",
      load_balancer_type: "application",
      internal: false,
      subnets: network.publicSubnetIds,
      drop_invalid_header_fields: true,
      idle_timeout: 60,
      enable_deletion_protection: false,
    });
    const listener = s.one("aws_lb_listener");
    expect(listener).toMatchObject({ port: 80, protocol: "HTTP" });
    expect(listener.default_action).toEqual([
      { type: "forward", target_group_arn: expect.stringMatching(ref("aws_lb_target_group")) },
    ]);
  });

  it("health-checks /_ready on an ip target group with a 30 s deregistration delay", () => {
    expect(s.one("aws_lb_target_group")).toMatchObject({
      name: "web-tg",
      target_type: "ip",
      protocol: "HTTP",
      port: 8080,
      vpc_id: network.vpcId,
      deregistration_delay: "30",
      health_check: {
        enabled: true,
        path: "/_ready",
        port: "traffic-port",
        protocol: "HTTP",
        matcher: "200",
        interval: 15,
        timeout: 5,
        healthy_threshold: 2,
        unhealthy_threshold: 3,
      },
    });
  });

  it("gives the execution role only scoped permissions (the ECR token is the one '*')", () => {
    const statements = s.executionStatements();
    expect(statements.map((st) => st.Sid)).toEqual(["EcrAuthorizationToken", "EcrPullImage", "WriteLogs"]);
    const wildcard = statements.filter(
      (st) => st.Resource === "*" || (Array.isArray(st.Resource) && st.Resource.includes("*")),
    );
    expect(wildcard).toEqual([expect.objectContaining({ Action: ["ecr:GetAuthorizationToken"] })]);
    expect(statements[1].Resource).toBe("arn:aws:ecr:eu-west-1:123456789012:repository/sample-service");
    expect(statements[2].Resource).toMatch(/^\$\{aws_cloudwatch_log_group\.[^}]+\.arn\}:log-stream:\*$/);
    expect(s.all("aws_iam_role")).toHaveLength(2);
    expect(s.all("aws_iam_role_policy_attachment")).toHaveLength(0);
  });

  it("lets tasks and migration tasks reach out (egress all) by default", () => {
    const egress = s.all("aws_vpc_security_group_egress_rule").filter((r) => r.cidr_ipv4 === "0.0.0.0/0");
    expect(egress).toHaveLength(2);
    for (const rule of egress) expect(rule.ip_protocol).toBe("-1");
  });

  it("outputs what the migrate step needs under stable names", () => {
    expect(Object.keys(s.outputs).sort()).toEqual(
      [
        "web_cluster_arn",
        "web_cluster_name",
        "web_image",
        "web_load_balancer_dns_name",
        "web_log_group_name",
        "web_migration_container_name",
        "web_migration_log_stream_prefix",
        "web_migration_security_group_ids",
        "web_migration_subnet_ids",
        "web_migration_task_definition_arn",
        "web_migration_task_family",
        "web_service_arn",
        "web_service_name",
        "web_service_security_group_id",
        "web_target_group_arn",
        "web_url",
      ].sort(),
    );
    const o = s.outputs;
    expect(o.web_cluster_arn.value).toMatch(/^\$\{aws_ecs_cluster\.[^}]+\.arn\}$/);
    expect(o.web_migration_task_family.value).toBe("web-migrate");
    expect(o.web_migration_container_name.value).toBe("app");
    expect(o.web_migration_subnet_ids.value).toEqual(network.privateSubnetIds);
    expect(o.web_migration_security_group_ids.value).toEqual([
      expect.stringMatching(/^\$\{aws_security_group\.svc_migration_security-group_[^}]+\.id\}$/),
    ]);
    expect(o.web_log_group_name.value).toMatch(/^\$\{aws_cloudwatch_log_group\.[^}]+\.name\}$/);
    expect(o.web_service_arn.value).toMatch(/^\$\{aws_ecs_service\.[^}]+\.id\}$/);
    expect(o.web_url.value).toMatch(/^http:\/\/\$\{aws_lb\.[^}]+\.dns_name\}$/);
    expect(o.web_image.value).toBe(`${REPO}@${DIGEST}`);
  });

  it("exposes typed handles", () => {
    Testing.synthScope((scope) => {
      const svc = new FargateService(scope, "svc", base);
      expect(svc.migrationTaskFamily).toBe("web-migrate");
      expect(svc.containerName).toBe("app");
      expect(svc.containerPort).toBe(8080);
      expect(svc.imageUri).toBe(`${REPO}@${DIGEST}`);
      expect(svc.ecsCluster).toBeDefined();
      expect(svc.autoscaling).toBeUndefined();
      expect(svc.loadBalancer?.listenerPorts).toEqual([80]);
      expect(svc.outputNames.cluster_arn).toBe("web_cluster_arn");
      expect(svc.url).toContain("http://");
    });
  });
});

describe("FargateService props that change behaviour", () => {
  it("alarms: the target 5xx and unhealthy-host alarms roll a deployment back; the service waits for them", () => {
    const s = synth({ alarms: { topicArn: "arn:aws:sns:eu-west-1:123456789012:dev-alarms" } });
    const service = s.one("aws_ecs_service");
    expect(service.alarms).toEqual({
      alarm_names: ["web-target-5xx", "web-unhealthy-hosts"],
      enable: true,
      rollback: true,
    });
    expect(service.depends_on).toEqual(
      expect.arrayContaining([expect.stringMatching(/^aws_cloudwatch_metric_alarm\./)]),
    );
    expect(s.all("aws_cloudwatch_metric_alarm")).toHaveLength(6);
  });

  it("no alarms: no alarms block, the circuit breaker alone", () => {
    const service = synth().one("aws_ecs_service");
    expect(service.alarms).toBeUndefined();
    expect(service.deployment_circuit_breaker).toEqual({ enable: true, rollback: true });
  });

  it("certificateArn: HTTPS on 443 with a modern TLS policy, 80 redirects, 443 opened", () => {
    const s = synth({ certificateArn: CERT });
    const https = s.all("aws_lb_listener").find((l) => l.port === 443);
    expect(https).toMatchObject({
      protocol: "HTTPS",
      certificate_arn: CERT,
      ssl_policy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
      default_action: [
        { type: "forward", target_group_arn: expect.stringMatching(ref("aws_lb_target_group")) },
      ],
    });
    const http = s.all("aws_lb_listener").find((l) => l.port === 80);
    expect(http).toMatchObject({
      protocol: "HTTP",
      default_action: [
        { type: "redirect", redirect: { port: "443", protocol: "HTTPS", status_code: "HTTP_301" } },
      ],
    });
    const open = s.all("aws_vpc_security_group_ingress_rule").filter((r) => r.cidr_ipv4 === "0.0.0.0/0");
    expect(open.map((r) => r.from_port).sort()).toEqual([443, 80]);
    expect(s.outputs.web_url.value).toMatch(/^https:\/\//);
    expect(s.one("aws_ecs_service").depends_on).toEqual([
      expect.stringMatching(/^aws_lb_listener\.svc_load-balancer_https/),
    ]);
  });

  it("autoscaling: desired count starts at minTasks and is ignored afterwards; CPU and request tracking", () => {
    const s = synth({
      autoscaling: { minTasks: 3, maxTasks: 10, cpuTargetPercent: 50, requestsPerTarget: 600 },
    });
    const service = s.one("aws_ecs_service");
    expect(service.desired_count).toBe(3);
    expect(service.lifecycle).toEqual({ ignore_changes: ["availability_zone_rebalancing", "desired_count"] });
    expect(s.one("aws_appautoscaling_target")).toMatchObject({
      service_namespace: "ecs",
      scalable_dimension: "ecs:service:DesiredCount",
      min_capacity: 3,
      max_capacity: 10,
    });
    expect(String(s.one("aws_appautoscaling_target").resource_id)).toMatch(
      /^service\/\$\{aws_ecs_cluster\.[^}]+\.name\}\/\$\{aws_ecs_service\.[^}]+\.name\}$/,
    );
    const policies = s.all("aws_appautoscaling_policy");
    const cpu = policies.find((p) => p.name === "web-cpu");
    const requests = policies.find((p) => p.name === "web-requests");
    expect(cpu?.target_tracking_scaling_policy_configuration).toEqual({
      target_value: 50,
      scale_in_cooldown: 300,
      scale_out_cooldown: 60,
      predefined_metric_specification: { predefined_metric_type: "ECSServiceAverageCPUUtilization" },
    });
    expect(requests?.target_tracking_scaling_policy_configuration).toMatchObject({
      target_value: 600,
      predefined_metric_specification: {
        predefined_metric_type: "ALBRequestCountPerTarget",
        resource_label: expect.stringMatching(
          /^\$\{aws_lb\.[^}]+\.arn_suffix\}\/\$\{aws_lb_target_group\.[^}]+\.arn_suffix\}$/,
        ),
      },
    });
    for (const p of policies) expect(p.policy_type).toBe("TargetTrackingScaling");
  });

  it("existing cluster: none created, the service and autoscaling use it", () => {
    const cluster = { arn: "arn:aws:ecs:eu-west-1:123456789012:cluster/shared", name: "shared" };
    const s = synth({ cluster, autoscaling: { minTasks: 2, maxTasks: 4 } });
    expect(s.all("aws_ecs_cluster")).toHaveLength(0);
    expect(s.one("aws_ecs_service").cluster).toBe(cluster.arn);
    expect(String(s.one("aws_appautoscaling_target").resource_id)).toMatch(/^service\/shared\//);
    expect(s.outputs.web_cluster_arn.value).toBe(cluster.arn);
    expect(s.outputs.web_cluster_name.value).toBe("shared");
  });

  it("accepts the network construct's shape (readonly lists, extra fields) as is", () => {
    const networkRef: {
      readonly vpcId: string;
      readonly cidrBlock: string;
      readonly publicSubnetIds: readonly string[];
      readonly privateSubnetIds: readonly string[];
    } = { ...network, cidrBlock: "10.0.0.0/16" };
    const s = synth({ network: networkRef });
    expect(s.one("aws_lb").subnets).toEqual(network.publicSubnetIds);
  });

  it("containerInsights false turns it off on the created cluster", () => {
    expect(synth({ containerInsights: false }).one("aws_ecs_cluster").setting).toEqual([
      { name: "containerInsights", value: "disabled" },
    ]);
  });

  it("internetFacing false: an internal ALB in the private subnets", () => {
    expect(synth({ internetFacing: false }).one("aws_lb")).toMatchObject({
      internal: true,
      subnets: network.privateSubnetIds,
    });
  });

  it("secrets: injected by ARN and JSON key, readable by the execution role and nothing else", () => {
    const kms = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555";
    const param = "arn:aws:ssm:eu-west-1:123456789012:parameter/web/api-key";
    const s = synth({
      environment: { NODE_ENV: "production", PGDATABASE: "app" },
      secrets: {
        PGUSER: { arn: SECRET, jsonKey: "username" },
        PGPASSWORD: { arn: SECRET, jsonKey: "password" },
        API_KEY: { arn: param, source: "ssm" },
      },
      secretsKmsKeyArns: [kms],
    });
    for (const family of ["web", "web-migrate"]) {
      const { container } = s.taskDefinition(family);
      expect(container.secrets).toEqual([
        { name: "API_KEY", valueFrom: param },
        { name: "PGPASSWORD", valueFrom: `${SECRET}:password::` },
        { name: "PGUSER", valueFrom: `${SECRET}:username::` },
      ]);
      expect(container.environment).toEqual([
        { name: "NODE_ENV", value: "production" },
        { name: "PGDATABASE", value: "app" },
      ]);
    }
    const statements = s.executionStatements();
    expect(statements.find((st) => st.Sid === "ReadSecrets")).toEqual({
      Sid: "ReadSecrets",
      Effect: "Allow",
      Action: ["secretsmanager:GetSecretValue"],
      Resource: [SECRET],
    });
    expect(statements.find((st) => st.Sid === "ReadParameters")?.Resource).toEqual([param]);
    expect(statements.find((st) => st.Sid === "DecryptSecrets")?.Resource).toEqual([kms]);
    expect(s.json).not.toMatch(/"password"\s*:/);
  });

  it("migrationSecrets: the migration task gets its own login, the service keeps its own, the role reads both", () => {
    const MIGRATOR = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:dev/web/db-migrator-AbCdEf";
    const s = synth({
      secrets: { PGPASSWORD: { arn: SECRET, jsonKey: "password" } },
      migrationSecrets: { PGPASSWORD: { arn: MIGRATOR, jsonKey: "password" } },
    });
    expect(s.taskDefinition("web").container.secrets).toEqual([
      { name: "PGPASSWORD", valueFrom: `${SECRET}:password::` },
    ]);
    expect(s.taskDefinition("web-migrate").container.secrets).toEqual([
      { name: "PGPASSWORD", valueFrom: `${MIGRATOR}:password::` },
    ]);
    expect(s.executionStatements().find((st) => st.Sid === "ReadSecrets")?.Resource).toEqual([
      SECRET,
      MIGRATOR,
    ]);
  });

  // biome-ignore lint/suspicious/noTemplateCurlyInString: literal template text on purpose (escaping test)
  it("environment values keep literal ${...} and %{...} text (escaped for Terraform)", () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: literal template text on purpose (escaping test)
    const { container } = synth({ environment: { GREETING: "cost: ${price} %{x}" } }).taskDefinition("web");
    expect(container.environment).toEqual([{ name: "GREETING", value: "cost: $${price} %%{x}" }]);
  });

  it("a referenced repository scopes pulls to image.repositoryArn", () => {
    let statements: PolicyStatement[] = [];
    const json = Testing.synthScope((scope) => {
      const repo = new EcrRepository(scope, "repo", { name: "sample-service" });
      new FargateService(scope, "svc", {
        ...base,
        image: { repositoryUrl: repo.repositoryUrl, repositoryArn: repo.arn, digest: DIGEST },
      });
    });
    const parsed = JSON.parse(json) as Synthesized;
    statements = (
      JSON.parse(String(Object.values(parsed.resource.aws_iam_role_policy)[0].policy)) as {
        Statement: PolicyStatement[];
      }
    ).Statement;
    expect(statements.find((st) => st.Sid === "EcrPullImage")?.Resource).toMatch(
      /^\$\{aws_ecr_repository\.[^}]+\.arn\}$/,
    );
  });

  it("an image outside ECR gets no ECR permissions", () => {
    const s = synth({ image: { repositoryUrl: "ghcr.io/acme/web", digest: DIGEST } });
    expect(s.executionStatements().map((st) => st.Sid)).toEqual(["WriteLogs"]);
  });

  it("allowAllOutbound false: HTTPS out only, plus allowEgressTo rules on service and migration groups", () => {
    const s = synth({ allowAllOutbound: false }, (_scope, svc) =>
      svc.allowEgressTo("sg-0123456789abcdef0", 5432),
    );
    const egress = s.all("aws_vpc_security_group_egress_rule");
    expect(egress.filter((r) => r.ip_protocol === "-1")).toHaveLength(0);
    expect(egress.filter((r) => r.cidr_ipv4 === "0.0.0.0/0").map((r) => r.from_port)).toEqual([443, 443]);
    const toDb = egress.filter((r) => r.referenced_security_group_id === "sg-0123456789abcdef0");
    expect(toDb).toHaveLength(2);
    for (const rule of toDb)
      expect(rule).toMatchObject({ from_port: 5432, to_port: 5432, ip_protocol: "tcp" });
  });

  it("readonlyRootFilesystem false: no scratch volume", () => {
    const { td, container } = synth({ readonlyRootFilesystem: false }).taskDefinition("web");
    expect(td).not.toHaveProperty("volume");
    expect(container.readonlyRootFilesystem).toBe(false);
    expect(container.mountPoints).toEqual([]);
  });

  it("sizes, ports, health check, delays and commands pass through", () => {
    const s = synth({
      cpu: 1024,
      memoryMiB: 4096,
      cpuArchitecture: "ARM64",
      containerPort: 3000,
      containerName: "api",
      healthCheckPath: "/healthz",
      deregistrationDelaySeconds: 5,
      stopTimeoutSeconds: 120,
      user: "node",
      migrationCommand: ["node", "migrate.js", "--up"],
      logRetentionDays: 365,
      waitForSteadyState: true,
      minimumHealthyPercent: 50,
      maximumPercent: 100,
    });
    const { td, container } = s.taskDefinition("web");
    expect(td).toMatchObject({
      cpu: "1024",
      memory: "4096",
      runtime_platform: { cpu_architecture: "ARM64" },
    });
    expect(container).toMatchObject({ name: "api", stopTimeout: 120, user: "node", memory: 4096 });
    expect(container.portMappings).toEqual([{ containerPort: 3000, hostPort: 3000, protocol: "tcp" }]);
    expect(s.taskDefinition("web-migrate").container.command).toEqual(["node", "migrate.js", "--up"]);
    expect(s.one("aws_lb_target_group")).toMatchObject({
      port: 3000,
      deregistration_delay: "5",
      health_check: expect.objectContaining({ path: "/healthz" }),
    });
    expect(s.one("aws_cloudwatch_log_group").retention_in_days).toBe(365);
    expect(s.one("aws_ecs_service")).toMatchObject({
      wait_for_steady_state: true,
      deployment_minimum_healthy_percent: 50,
      deployment_maximum_percent: 100,
    });
  });
});

describe("FargateService validation", () => {
  it.each([
    ["name", { name: "Web" }],
    ["name", { name: "a-very-long-service-name-over-28" }],
    ["network.vpcId", { network: { ...network, vpcId: "my-vpc" } }],
    ["network.privateSubnetIds", { network: { ...network, privateSubnetIds: [] } }],
    ["network.publicSubnetIds", { network: { ...network, publicSubnetIds: ["subnet-a"] } }],
    [
      "network.privateSubnetIds",
      { internetFacing: false, network: { ...network, privateSubnetIds: ["subnet-a"] } },
    ],
    [
      "containerInsights",
      {
        cluster: { arn: "arn:aws:ecs:eu-west-1:123456789012:cluster/x", name: "x" },
        containerInsights: true,
      },
    ],
    ["image.digest", { image: { repositoryUrl: REPO, digest: "latest" } }],
    ["image.repositoryUrl", { image: { repositoryUrl: `${REPO}:latest`, digest: DIGEST } }],
    ["image.repositoryUrl", { image: { repositoryUrl: `${REPO}@${DIGEST}`, digest: DIGEST } }],
    [
      "image.repositoryArn",
      { image: { repositoryUrl: REPO, digest: DIGEST, repositoryArn: "arn:aws:s3:::bucket" } },
    ],
    ["cpu", { cpu: 300 }],
    ["memoryMiB", { cpu: 256, memoryMiB: 4096 }],
    ["cpuArchitecture", { cpuArchitecture: "ARM" as never }],
    ["platformVersion", { platformVersion: "latest" }],
    ["containerName", { containerName: "my app" }],
    ["containerPort", { containerPort: 70000 }],
    ["environment", { environment: { "1BAD": "x" } }],
    ["secrets", { secrets: { "BAD-NAME": { arn: SECRET } } }],
    ["secrets", { environment: { PGUSER: "x" }, secrets: { PGUSER: { arn: SECRET, jsonKey: "username" } } }],
    ["secrets.PGUSER.arn", { secrets: { PGUSER: { arn: "arn:aws:s3:::bucket/secret" } } }],
    [
      "secrets.K.jsonKey",
      {
        secrets: {
          K: { arn: "arn:aws:ssm:eu-west-1:123456789012:parameter/k", source: "ssm", jsonKey: "a" },
        },
      },
    ],
    ["secrets.K.source", { secrets: { K: { arn: SECRET, source: "vault" as never } } }],
    ["migrationSecrets.PGUSER.arn", { migrationSecrets: { PGUSER: { arn: "arn:aws:s3:::bucket/secret" } } }],
    ["secretsKmsKeyArns", { secretsKmsKeyArns: ["alias/aws/secretsmanager"] }],
    ["user", { user: "root" }],
    ["user", { user: "0:1000" }],
    ["user", { user: "bad user" }],
    ["stopTimeoutSeconds", { stopTimeoutSeconds: 121 }],
    ["logRetentionDays", { logRetentionDays: 10 }],
    ["desiredCount", { desiredCount: -1 }],
    ["desiredCount", { desiredCount: 5, autoscaling: { minTasks: 1, maxTasks: 4 } }],
    ["autoscaling.minTasks", { autoscaling: { minTasks: 0, maxTasks: 4 } }],
    ["autoscaling.maxTasks", { autoscaling: { minTasks: 4, maxTasks: 2 } }],
    ["autoscaling.cpuTargetPercent", { autoscaling: { minTasks: 1, maxTasks: 2, cpuTargetPercent: 95 } }],
    ["autoscaling.requestsPerTarget", { autoscaling: { minTasks: 1, maxTasks: 2, requestsPerTarget: 0 } }],
    [
      "autoscaling.scaleInCooldownSeconds",
      { autoscaling: { minTasks: 1, maxTasks: 2, scaleInCooldownSeconds: -5 } },
    ],
    [
      "autoscaling.scaleOutCooldownSeconds",
      { autoscaling: { minTasks: 1, maxTasks: 2, scaleOutCooldownSeconds: 4000 } },
    ],
    ["minimumHealthyPercent", { minimumHealthyPercent: 101 }],
    ["maximumPercent", { maximumPercent: 99 }],
    ["maximumPercent", { minimumHealthyPercent: 100, maximumPercent: 100 }],
    ["healthCheckGracePeriodSeconds", { healthCheckGracePeriodSeconds: 3601 }],
    ["migrationCommand", { migrationCommand: [] }],
    ["certificateArn", { certificateArn: "arn:aws:iam::123456789012:server-certificate/x" }],
    ["sslPolicy", { sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06" }],
    ["sslPolicy", { certificateArn: CERT, sslPolicy: "TLSv1.2" }],
    ["loadBalancerIngressCidrs", { loadBalancerIngressCidrs: [] }],
    ["loadBalancerIngressCidrs", { loadBalancerIngressCidrs: ["10.0.0.0/33"] }],
    ["healthCheckPath", { healthCheckPath: "_ready" }],
    ["healthCheckIntervalSeconds", { healthCheckIntervalSeconds: 4 }],
    ["healthCheckTimeoutSeconds", { healthCheckTimeoutSeconds: 1 }],
    ["healthCheckTimeoutSeconds", { healthCheckIntervalSeconds: 10, healthCheckTimeoutSeconds: 10 }],
    ["healthyThresholdCount", { healthyThresholdCount: 11 }],
    ["unhealthyThresholdCount", { unhealthyThresholdCount: 1 }],
    ["deregistrationDelaySeconds", { deregistrationDelaySeconds: 3601 }],
    ["idleTimeoutSeconds", { idleTimeoutSeconds: 0 }],
  ] as const)("rejects a bad %s", (prop, props) => {
    const escaped = prop.replace(/\./g, "\\.");
    expect(make(props as Partial<FargateServiceProps>)).toThrow(new RegExp(`FargateService: ${escaped}\\b`));
  });

  it("requires image.repositoryArn when the repository URL is a reference", () => {
    const build = () =>
      Testing.synthScope((scope) => {
        const repo = new EcrRepository(scope, "repo", { name: "sample-service" });
        new FargateService(scope, "svc", {
          ...base,
          image: { repositoryUrl: repo.repositoryUrl, digest: DIGEST },
        });
      });
    expect(build).toThrow(/image\.repositoryArn is required when image\.repositoryUrl is a reference/);
  });

  it("names both sizes and the allowed set for that CPU", () => {
    expect(make({ cpu: 512, memoryMiB: 512 })).toThrow(
      "FargateService: memoryMiB 512 is not valid with cpu 512; allowed memoryMiB for cpu 512: 1024, 2048, 3072, 4096",
    );
  });

  it("rejects bad allowEgressTo arguments", () => {
    const call = (sg: string, port: number) => () =>
      Testing.synthScope((scope) => {
        new FargateService(scope, "svc", base).allowEgressTo(sg, port);
      });
    expect(call("db", 5432)).toThrow(/allowEgressTo\(securityGroupId\)/);
    expect(call("sg-0123456789abcdef0", 0)).toThrow(/allowEgressTo\(port\)/);
  });
});
