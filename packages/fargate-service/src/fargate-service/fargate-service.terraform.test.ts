import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { validateWithTerraform } from "@platform/testing";
import { App, TerraformStack } from "cdktf";
import { SharedLoadBalancer } from "../shared-load-balancer/shared-load-balancer";
import { FargateService } from "./fargate-service";

// terraform init + validate load the 700 MB AWS provider: room to run, not a timing assertion.
const TERRAFORM_TIMEOUT_MS = 180_000;

const network = {
  vpcId: "vpc-0123456789abcdef0",
  publicSubnetIds: ["subnet-pub-a", "subnet-pub-b"],
  privateSubnetIds: ["subnet-priv-a", "subnet-priv-b"],
};
const image = {
  repositoryUrl: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/sample-service",
  digest: `sha256:${"a".repeat(64)}`,
};
const secretArn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-1234-AbCdEf";

function validateStack(build: (stack: TerraformStack) => void) {
  const app = new App();
  const stack = new TerraformStack(app, "service");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  build(stack);
  return validateWithTerraform(stack);
}

describe("FargateService terraform validate", () => {
  it(
    "HTTPS, autoscaling, secrets and restricted egress: the real AWS provider 5.100.0 schema accepts it",
    () => {
      const result = validateStack((stack) => {
        const service = new FargateService(stack, "web", {
          name: "sample-service",
          network,
          image,
          // biome-ignore lint/suspicious/noTemplateCurlyInString: literal template text on purpose (escaping test)
          environment: { NODE_ENV: "production", GREETING: "cost: ${price} %{if}" },
          secrets: {
            PGUSER: { arn: secretArn, jsonKey: "username" },
            PGPASSWORD: { arn: secretArn, jsonKey: "password" },
            API_KEY: { arn: "arn:aws:ssm:eu-west-1:123456789012:parameter/app/key", source: "ssm" },
          },
          certificateArn:
            "arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555",
          autoscaling: { minTasks: 2, maxTasks: 6 },
          allowAllOutbound: false,
        });
        service.allowEgressTo("sg-0123456789abcdef0", 5432, "PostgreSQL");
      });
      expect(result.errors).toEqual([]);
      expect(result.valid).toBe(true);
    },
    TERRAFORM_TIMEOUT_MS,
  );

  it(
    "defaults with an existing cluster: accepted too",
    () => {
      const result = validateStack((stack) => {
        new FargateService(stack, "web", {
          name: "web",
          network,
          image,
          cluster: { arn: "arn:aws:ecs:eu-west-1:123456789012:cluster/shared", name: "shared" },
        });
      });
      expect(result.errors).toEqual([]);
      expect(result.valid).toBe(true);
    },
    TERRAFORM_TIMEOUT_MS,
  );

  it(
    "two services on one SharedLoadBalancer (path rules, priorities, request-count scaling): accepted",
    () => {
      const result = validateStack((stack) => {
        const shared = new SharedLoadBalancer(stack, "shared-alb", {
          name: "platform-dev",
          network,
          certificateArn:
            "arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555",
        });
        new FargateService(stack, "api", {
          name: "api",
          network,
          image,
          ingress: shared.ingressFor({ pathPatterns: ["/api/*"], priority: 10 }),
          healthCheckPath: "/api/_ready",
          autoscaling: { minTasks: 2, maxTasks: 6, requestsPerTarget: 500 },
        });
        new FargateService(stack, "web", {
          name: "web",
          network,
          image,
          containerPort: 3000,
          ingress: shared.ingressFor({ pathPatterns: ["/*"], hosts: ["www.example.com"], priority: 100 }),
        });
      });
      expect(result.errors).toEqual([]);
      expect(result.valid).toBe(true);
    },
    TERRAFORM_TIMEOUT_MS,
  );

  it(
    "worker (ingress kind none) with CPU autoscaling and a container health check: accepted",
    () => {
      const result = validateStack((stack) => {
        new FargateService(stack, "worker", {
          name: "sample-worker",
          network,
          image,
          ingress: { kind: "none" },
          containerHealthCheck: { command: ["CMD", "node", "dist/health.js"] },
          autoscaling: { minTasks: 1, maxTasks: 4, cpuTargetPercent: 70 },
          allowAllOutbound: false,
        });
      });
      expect(result.errors).toEqual([]);
      expect(result.valid).toBe(true);
    },
    TERRAFORM_TIMEOUT_MS,
  );
});
