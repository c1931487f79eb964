import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import type { Construct } from "constructs";
import type { PropErrors } from "../validation/validation";

/** Health check and draining of a service's `ip` target group. */
export interface TargetGroupOptions {
  /**
   * Health check path of the target group; starts with "/", at most 1024 characters.
   * @default "/_ready"
   */
  readonly healthCheckPath?: string;
  /**
   * Seconds between health checks, 5..300.
   * @default 15
   */
  readonly healthCheckIntervalSeconds?: number;
  /**
   * Seconds before a health check counts as failed, 2..120 and less than the interval.
   * @default 5
   */
  readonly healthCheckTimeoutSeconds?: number;
  /**
   * Consecutive successes before a target is healthy, 2..10.
   * @default 2
   */
  readonly healthyThresholdCount?: number;
  /**
   * Consecutive failures before a target is unhealthy, 2..10.
   * @default 3
   */
  readonly unhealthyThresholdCount?: number;
  /**
   * Seconds the ALB keeps sending in-flight requests to a deregistering task, 0..3600. Short
   * (not AWS's 300) so rolling deploys finish fast; the service drains on SIGTERM anyway.
   * @default 30
   */
  readonly deregistrationDelaySeconds?: number;
}

/** The option names of TargetGroupOptions (e.g. to refuse them where there is no target group). */
export const TARGET_GROUP_OPTION_NAMES = [
  "healthCheckPath",
  "healthCheckIntervalSeconds",
  "healthCheckTimeoutSeconds",
  "healthyThresholdCount",
  "unhealthyThresholdCount",
  "deregistrationDelaySeconds",
] as const satisfies readonly (keyof TargetGroupOptions)[];

export interface ResolvedTargetGroupOptions {
  readonly healthCheckPath: string;
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
  readonly healthyThreshold: number;
  readonly unhealthyThreshold: number;
  readonly deregistrationDelaySeconds: number;
}

/** Validates the options (errors name the option and what is allowed) and applies defaults. */
export function resolveTargetGroupOptions(
  options: TargetGroupOptions,
  errors: PropErrors,
): ResolvedTargetGroupOptions {
  const healthCheckPath = options.healthCheckPath ?? "/_ready";
  if (!/^\/[A-Za-z0-9._~!$&'()*+,;=:@/%-]*$/.test(healthCheckPath) || healthCheckPath.length > 1024) {
    errors.fail(
      "healthCheckPath",
      `"${healthCheckPath}" is invalid: an URL path starting with "/", at most 1024 characters`,
    );
  }
  const intervalSeconds = errors.integer(
    "healthCheckIntervalSeconds",
    options.healthCheckIntervalSeconds ?? 15,
    5,
    300,
  );
  const timeoutSeconds = errors.integer(
    "healthCheckTimeoutSeconds",
    options.healthCheckTimeoutSeconds ?? 5,
    2,
    120,
  );
  if (timeoutSeconds >= intervalSeconds) {
    errors.fail(
      "healthCheckTimeoutSeconds",
      `${timeoutSeconds} must be less than healthCheckIntervalSeconds (${intervalSeconds})`,
    );
  }
  return {
    healthCheckPath,
    intervalSeconds,
    timeoutSeconds,
    healthyThreshold: errors.integer("healthyThresholdCount", options.healthyThresholdCount ?? 2, 2, 10),
    unhealthyThreshold: errors.integer(
      "unhealthyThresholdCount",
      options.unhealthyThresholdCount ?? 3,
      2,
      10,
    ),
    deregistrationDelaySeconds: errors.integer(
      "deregistrationDelaySeconds",
      options.deregistrationDelaySeconds ?? 30,
      0,
      3600,
    ),
  };
}

export interface IpTargetGroupProps {
  /** Target group name, `<service name>-tg` (at most 32 characters). */
  readonly name: string;
  readonly vpcId: string;
  /** Port the targets (containers) listen on. */
  readonly targetPort: number;
  readonly options: ResolvedTargetGroupOptions;
  readonly tags?: Record<string, string>;
}

/** An HTTP `ip` target group (Fargate tasks) health-checked on `traffic-port`, matcher 200. */
export function createIpTargetGroup(scope: Construct, id: string, props: IpTargetGroupProps): LbTargetGroup {
  const o = props.options;
  return new LbTargetGroup(scope, id, {
    name: props.name,
    vpcId: props.vpcId,
    targetType: "ip",
    protocol: "HTTP",
    port: props.targetPort,
    deregistrationDelay: String(o.deregistrationDelaySeconds),
    healthCheck: {
      enabled: true,
      protocol: "HTTP",
      path: o.healthCheckPath,
      port: "traffic-port",
      matcher: "200",
      interval: o.intervalSeconds,
      timeout: o.timeoutSeconds,
      healthyThreshold: o.healthyThreshold,
      unhealthyThreshold: o.unhealthyThreshold,
    },
    tags: props.tags,
  });
}

/** Egress of a load balancer's security group to the targets' security group on their port only. */
export function allowLoadBalancerToTargets(
  scope: Construct,
  id: string,
  props: { loadBalancerSecurityGroupId: string; targetSecurityGroupId: string; targetPort: number },
): VpcSecurityGroupEgressRule {
  return new VpcSecurityGroupEgressRule(scope, id, {
    securityGroupId: props.loadBalancerSecurityGroupId,
    referencedSecurityGroupId: props.targetSecurityGroupId,
    ipProtocol: "tcp",
    fromPort: props.targetPort,
    toPort: props.targetPort,
    description: "Requests and health checks to the service tasks",
  });
}
