import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target";
import { Construct } from "constructs";
import { PropErrors } from "../validation/validation";

/** Target-tracking autoscaling of an ECS service's task count. */
export interface ServiceAutoscalingOptions {
  /** Fewest running tasks, 1..5000. */
  readonly minTasks: number;
  /** Most running tasks, minTasks..5000. */
  readonly maxTasks: number;
  /**
   * Average CPU utilisation (percent) to hold, 10..90.
   * @default 60
   */
  readonly cpuTargetPercent?: number;
  /**
   * ALB requests per task per minute to hold (ALBRequestCountPerTarget), 1..100000.
   * @default 1000
   */
  readonly requestsPerTarget?: number;
  /**
   * Seconds after a scale-in before another scale-in, 0..3600.
   * @default 300
   */
  readonly scaleInCooldownSeconds?: number;
  /**
   * Seconds after a scale-out before another scale-out, 0..3600.
   * @default 60
   */
  readonly scaleOutCooldownSeconds?: number;
}

/** ECS's per-service task limit. */
export const MAX_TASKS_PER_SERVICE = 5000;

export interface ServiceAutoscalingProps extends ServiceAutoscalingOptions {
  /** Prefix of the policy names. */
  readonly name: string;
  readonly clusterName: string;
  readonly serviceName: string;
  /**
   * `arn_suffix` of the ALB and of the target group, for the request-count policy; both or
   * neither (a service without a load balancer scales on CPU only).
   * @default undefined (no request-count policy)
   */
  readonly loadBalancerArnSuffix?: string;
  /** @default undefined (no request-count policy) */
  readonly targetGroupArnSuffix?: string;
}

interface ResolvedAutoscaling {
  readonly minTasks: number;
  readonly maxTasks: number;
  readonly cpuTargetPercent: number;
  readonly requestsPerTarget: number;
  readonly scaleInCooldownSeconds: number;
  readonly scaleOutCooldownSeconds: number;
}

/** Validates autoscaling options (errors name `<prefix>.<option>`) and applies defaults. */
export function resolveAutoscalingOptions(
  options: ServiceAutoscalingOptions,
  errors = new PropErrors("ServiceAutoscaling"),
  prefix = "autoscaling.",
): ResolvedAutoscaling {
  const minTasks = errors.integer(`${prefix}minTasks`, options.minTasks, 1, MAX_TASKS_PER_SERVICE);
  const maxTasks = errors.integer(`${prefix}maxTasks`, options.maxTasks, 1, MAX_TASKS_PER_SERVICE);
  if (maxTasks < minTasks)
    errors.fail(`${prefix}maxTasks`, `${maxTasks} is less than ${prefix}minTasks (${minTasks})`);
  return {
    minTasks,
    maxTasks,
    cpuTargetPercent: errors.integer(`${prefix}cpuTargetPercent`, options.cpuTargetPercent ?? 60, 10, 90),
    requestsPerTarget: errors.integer(
      `${prefix}requestsPerTarget`,
      options.requestsPerTarget ?? 1000,
      1,
      100000,
    ),
    scaleInCooldownSeconds: errors.integer(
      `${prefix}scaleInCooldownSeconds`,
      options.scaleInCooldownSeconds ?? 300,
      0,
      3600,
    ),
    scaleOutCooldownSeconds: errors.integer(
      `${prefix}scaleOutCooldownSeconds`,
      options.scaleOutCooldownSeconds ?? 60,
      0,
      3600,
    ),
  };
}

/**
 * Scalable target on the service's desired count plus CPU target tracking, and request-count
 * tracking when the service sits behind a load balancer.
 */
export class ServiceAutoscaling extends Construct {
  public readonly target: AppautoscalingTarget;
  public readonly cpuPolicy: AppautoscalingPolicy;
  /** Only with `loadBalancerArnSuffix` and `targetGroupArnSuffix`. */
  public readonly requestCountPolicy?: AppautoscalingPolicy;

  constructor(scope: Construct, id: string, props: ServiceAutoscalingProps) {
    super(scope, id);
    const errors = new PropErrors("ServiceAutoscaling");
    const o = resolveAutoscalingOptions(props, errors, "");
    const { loadBalancerArnSuffix, targetGroupArnSuffix } = props;
    const withRequests = loadBalancerArnSuffix !== undefined && targetGroupArnSuffix !== undefined;
    if ((loadBalancerArnSuffix === undefined) !== (targetGroupArnSuffix === undefined))
      errors.fail("loadBalancerArnSuffix", "and targetGroupArnSuffix go together: give both or neither");
    if (!withRequests && props.requestsPerTarget !== undefined)
      errors.fail(
        "requestsPerTarget",
        "needs loadBalancerArnSuffix and targetGroupArnSuffix (no load balancer)",
      );
    this.target = new AppautoscalingTarget(this, "target", {
      serviceNamespace: "ecs",
      scalableDimension: "ecs:service:DesiredCount",
      resourceId: `service/${props.clusterName}/${props.serviceName}`,
      minCapacity: o.minTasks,
      maxCapacity: o.maxTasks,
    });
    const common = {
      policyType: "TargetTrackingScaling",
      serviceNamespace: this.target.serviceNamespace,
      scalableDimension: this.target.scalableDimension,
      resourceId: this.target.resourceId,
    };
    this.cpuPolicy = new AppautoscalingPolicy(this, "cpu", {
      ...common,
      name: `${props.name}-cpu`,
      targetTrackingScalingPolicyConfiguration: {
        targetValue: o.cpuTargetPercent,
        scaleInCooldown: o.scaleInCooldownSeconds,
        scaleOutCooldown: o.scaleOutCooldownSeconds,
        predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
      },
    });
    if (!withRequests) return;
    this.requestCountPolicy = new AppautoscalingPolicy(this, "requests", {
      ...common,
      name: `${props.name}-requests`,
      targetTrackingScalingPolicyConfiguration: {
        targetValue: o.requestsPerTarget,
        scaleInCooldown: o.scaleInCooldownSeconds,
        scaleOutCooldown: o.scaleOutCooldownSeconds,
        predefinedMetricSpecification: {
          predefinedMetricType: "ALBRequestCountPerTarget",
          resourceLabel: `${loadBalancerArnSuffix}/${targetGroupArnSuffix}`,
        },
      },
    });
  }
}
