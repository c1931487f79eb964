import { synthResources } from "../test-support/synth";
import { ServiceAlarms, type ServiceAlarmsProps } from "./service-alarms";

const TOPIC = "arn:aws:sns:eu-west-1:123456789012:dev-alarms";
const web: ServiceAlarmsProps = {
  name: "web",
  clusterName: "dev",
  serviceName: "web",
  topicArn: TOPIC,
  loadBalancerArnSuffix: "app/dev/0123456789abcdef",
  targetGroupArnSuffix: "targetgroup/web/0123456789abcdef",
};

function synth(props: ServiceAlarmsProps) {
  let alarms: ServiceAlarms | undefined;
  const s = synthResources((scope) => {
    alarms = new ServiceAlarms(scope, "alarms", props);
  });
  const byName = (name: string) => {
    const found = s.all("aws_cloudwatch_metric_alarm").find((a) => a.alarm_name === name);
    if (!found) throw new Error(`no alarm ${name}`);
    return found;
  };
  return { ...s, byName, alarms: alarms as ServiceAlarms };
}

describe("ServiceAlarms", () => {
  it("a web service: CPU, memory, target 5xx, load balancer 5xx, unhealthy hosts and p95, each notifying the topic", () => {
    const s = synth(web);
    expect(
      s
        .all("aws_cloudwatch_metric_alarm")
        .map((a) => a.alarm_name)
        .sort(),
    ).toEqual([
      "web-cpu",
      "web-elb-5xx",
      "web-memory",
      "web-p95-response-time",
      "web-target-5xx",
      "web-unhealthy-hosts",
    ]);
    for (const a of s.all("aws_cloudwatch_metric_alarm")) {
      expect(a.alarm_actions).toEqual([TOPIC]);
      expect(a.ok_actions).toEqual([TOPIC]);
      expect(a).toMatchObject({ period: 60, evaluation_periods: 3, datapoints_to_alarm: 3 });
    }
  });

  it("watches the service's own target group for 5xx, missing data meaning nothing failed", () => {
    expect(synth(web).byName("web-target-5xx")).toMatchObject({
      namespace: "AWS/ApplicationELB",
      metric_name: "HTTPCode_Target_5XX_Count",
      dimensions: { LoadBalancer: web.loadBalancerArnSuffix, TargetGroup: web.targetGroupArnSuffix },
      statistic: "Sum",
      threshold: 5,
      comparison_operator: "GreaterThanOrEqualToThreshold",
      treat_missing_data: "notBreaching",
    });
  });

  it("p95 response time is an extended statistic", () => {
    expect(synth({ ...web, p95ResponseTimeSeconds: 0.5 }).byName("web-p95-response-time")).toMatchObject({
      metric_name: "TargetResponseTime",
      extended_statistic: "p95",
      threshold: 0.5,
    });
  });

  it("names the target 5xx and unhealthy-host alarms as the deployment alarms", () => {
    expect(synth(web).alarms.deploymentAlarmNames).toEqual(["web-target-5xx", "web-unhealthy-hosts"]);
  });

  it("a worker: CPU and memory on its ECS service only, no deployment alarms", () => {
    const s = synth({ name: "jobs", clusterName: "dev", serviceName: "jobs", cpuPercent: 70 });
    expect(
      s
        .all("aws_cloudwatch_metric_alarm")
        .map((a) => a.alarm_name)
        .sort(),
    ).toEqual(["jobs-cpu", "jobs-memory"]);
    expect(s.byName("jobs-cpu")).toMatchObject({
      namespace: "AWS/ECS",
      metric_name: "CPUUtilization",
      dimensions: { ClusterName: "dev", ServiceName: "jobs" },
      threshold: 70,
    });
    expect(s.byName("jobs-cpu").alarm_actions).toBeUndefined();
    expect(s.alarms.deploymentAlarmNames).toEqual([]);
  });

  it("refuses a threshold out of range, naming it", () => {
    expect(() => synth({ ...web, cpuPercent: 120 })).toThrow(
      /ServiceAlarms: cpuPercent 120 is invalid: use an integer from 1 to 100/,
    );
    expect(() => synth({ ...web, p95ResponseTimeSeconds: 0 })).toThrow(/p95ResponseTimeSeconds 0 is invalid/);
  });

  it("refuses a target group without its load balancer", () => {
    expect(() => synth({ ...web, loadBalancerArnSuffix: undefined })).toThrow(
      /ServiceAlarms: loadBalancerArnSuffix and targetGroupArnSuffix go together/,
    );
  });
});
