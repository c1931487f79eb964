import {
  CloudwatchMetricAlarm,
  type CloudwatchMetricAlarmConfig,
} from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { Construct } from "constructs";
import { PropErrors } from "../validation/validation";

/** Thresholds of a service's alarms; every one has a default that suits a small web service. */
export interface ServiceAlarmsOptions {
  /**
   * SNS topic every alarm notifies (alarm and OK).
   * @default - no notification; the alarms still drive the deployment rollback
   */
  readonly topicArn?: string;
  /**
   * 5xx responses from the service's targets per minute that trip the alarm, 1..100000.
   * @default 5
   */
  readonly target5xxPerMinute?: number;
  /**
   * 5xx responses the load balancer itself returned for the service's target group per minute, 1..100000.
   * @default 5
   */
  readonly loadBalancer5xxPerMinute?: number;
  /**
   * p95 target response time (seconds) that trips the alarm, 0.01..60.
   * @default 1
   */
  readonly p95ResponseTimeSeconds?: number;
  /**
   * Average ECS CPU utilisation (percent) that trips the alarm, 1..100.
   * @default 85
   */
  readonly cpuPercent?: number;
  /**
   * Average ECS memory utilisation (percent) that trips the alarm, 1..100.
   * @default 85
   */
  readonly memoryPercent?: number;
  /**
   * Consecutive one-minute periods over the threshold before an alarm fires, 1..60.
   * @default 3
   */
  readonly evaluationPeriods?: number;
}

export interface ServiceAlarmsProps extends ServiceAlarmsOptions {
  /** Prefix of the alarm names (the service's name). */
  readonly name: string;
  readonly clusterName: string;
  readonly serviceName: string;
  /**
   * `arn_suffix` of the load balancer and of the service's target group: both for a web service (the
   * request alarms), neither for a worker (CPU and memory only).
   * @default undefined - no request alarms
   */
  readonly loadBalancerArnSuffix?: string;
  /** @default undefined - no request alarms */
  readonly targetGroupArnSuffix?: string;
}

/** What differs between the alarms: the metric, its statistic and the threshold. */
type AlarmMetric = Omit<CloudwatchMetricAlarmConfig, "alarmName" | "alarmDescription" | "evaluationPeriods">;

interface ResolvedThresholds {
  readonly target5xxPerMinute: number;
  readonly loadBalancer5xxPerMinute: number;
  readonly p95ResponseTimeSeconds: number;
  readonly cpuPercent: number;
  readonly memoryPercent: number;
  readonly evaluationPeriods: number;
}

/** Validates the options (errors name `<prefix><option>`) and applies defaults. */
export function resolveAlarmOptions(
  options: ServiceAlarmsOptions,
  errors = new PropErrors("ServiceAlarms"),
  prefix = "",
): ResolvedThresholds {
  return {
    target5xxPerMinute: errors.integer(
      `${prefix}target5xxPerMinute`,
      options.target5xxPerMinute ?? 5,
      1,
      100000,
    ),
    loadBalancer5xxPerMinute: errors.integer(
      `${prefix}loadBalancer5xxPerMinute`,
      options.loadBalancer5xxPerMinute ?? 5,
      1,
      100000,
    ),
    p95ResponseTimeSeconds: errors.number(
      `${prefix}p95ResponseTimeSeconds`,
      options.p95ResponseTimeSeconds ?? 1,
      0.01,
      60,
    ),
    cpuPercent: errors.integer(`${prefix}cpuPercent`, options.cpuPercent ?? 85, 1, 100),
    memoryPercent: errors.integer(`${prefix}memoryPercent`, options.memoryPercent ?? 85, 1, 100),
    evaluationPeriods: errors.integer(`${prefix}evaluationPeriods`, options.evaluationPeriods ?? 3, 1, 60),
  };
}

/**
 * CloudWatch alarms of one ECS service: CPU and memory for every service; for a web service behind a
 * load balancer also target 5xx, load balancer 5xx, unhealthy hosts and p95 response time. The target
 * 5xx and unhealthy-host alarms are the deployment alarms: wired into the ECS service's `alarms` block,
 * a new version that passes its health checks but fails requests is rolled back.
 */
export class ServiceAlarms extends Construct {
  /** Every alarm, by what it watches. */
  public readonly alarms: Readonly<Record<string, CloudwatchMetricAlarm>>;
  /** Names of the alarms that stop and roll back a deployment (empty for a worker). */
  public readonly deploymentAlarmNames: readonly string[];

  constructor(scope: Construct, id: string, props: ServiceAlarmsProps) {
    super(scope, id);
    const errors = new PropErrors("ServiceAlarms");
    const t = resolveAlarmOptions(props, errors);
    const web = props.loadBalancerArnSuffix !== undefined || props.targetGroupArnSuffix !== undefined;
    if (web && (props.loadBalancerArnSuffix === undefined || props.targetGroupArnSuffix === undefined))
      errors.fail("loadBalancerArnSuffix", "and targetGroupArnSuffix go together: give both, or neither");

    const actions = props.topicArn ? { alarmActions: [props.topicArn], okActions: [props.topicArn] } : {};
    const common = {
      period: 60,
      evaluationPeriods: t.evaluationPeriods,
      datapointsToAlarm: t.evaluationPeriods,
      ...actions,
    };
    const ecs = { ClusterName: props.clusterName, ServiceName: props.serviceName };
    const alarm = (key: string, description: string, config: AlarmMetric) =>
      new CloudwatchMetricAlarm(this, key, {
        alarmName: `${props.name}-${key}`,
        alarmDescription: description,
        ...common,
        ...config,
      });
    const alarms: Record<string, CloudwatchMetricAlarm> = {
      cpu: alarm("cpu", `${props.name}: average CPU above ${t.cpuPercent}%`, {
        namespace: "AWS/ECS",
        metricName: "CPUUtilization",
        dimensions: ecs,
        statistic: "Average",
        threshold: t.cpuPercent,
        comparisonOperator: "GreaterThanThreshold",
        treatMissingData: "notBreaching",
      }),
      memory: alarm("memory", `${props.name}: average memory above ${t.memoryPercent}%`, {
        namespace: "AWS/ECS",
        metricName: "MemoryUtilization",
        dimensions: ecs,
        statistic: "Average",
        threshold: t.memoryPercent,
        comparisonOperator: "GreaterThanThreshold",
        treatMissingData: "notBreaching",
      }),
    };
    const deployment: string[] = [];
    if (props.loadBalancerArnSuffix && props.targetGroupArnSuffix) {
      const elb = { LoadBalancer: props.loadBalancerArnSuffix, TargetGroup: props.targetGroupArnSuffix };
      const elbAlarm = (
        key: string,
        description: string,
        metricName: string,
        threshold: number,
        statistic: "Sum" | "Maximum",
      ) =>
        alarm(key, description, {
          namespace: "AWS/ApplicationELB",
          metricName,
          dimensions: elb,
          statistic,
          threshold,
          comparisonOperator: "GreaterThanOrEqualToThreshold",
          // No requests means nothing failed.
          treatMissingData: "notBreaching",
        });
      alarms["target-5xx"] = elbAlarm(
        "target-5xx",
        `${props.name}: ${t.target5xxPerMinute}+ 5xx responses from its tasks per minute`,
        "HTTPCode_Target_5XX_Count",
        t.target5xxPerMinute,
        "Sum",
      );
      alarms["elb-5xx"] = elbAlarm(
        "elb-5xx",
        `${props.name}: ${t.loadBalancer5xxPerMinute}+ 5xx responses from the load balancer per minute`,
        "HTTPCode_ELB_5XX_Count",
        t.loadBalancer5xxPerMinute,
        "Sum",
      );
      alarms["unhealthy-hosts"] = elbAlarm(
        "unhealthy-hosts",
        `${props.name}: a target failing its health check`,
        "UnHealthyHostCount",
        1,
        "Maximum",
      );
      alarms["p95-response-time"] = alarm(
        "p95-response-time",
        `${props.name}: p95 response time above ${t.p95ResponseTimeSeconds} s`,
        {
          namespace: "AWS/ApplicationELB",
          metricName: "TargetResponseTime",
          dimensions: elb,
          extendedStatistic: "p95",
          threshold: t.p95ResponseTimeSeconds,
          comparisonOperator: "GreaterThanThreshold",
          treatMissingData: "notBreaching",
        },
      );
      deployment.push(`${props.name}-target-5xx`, `${props.name}-unhealthy-hosts`);
    }
    this.alarms = alarms;
    this.deploymentAlarmNames = deployment;
  }
}
