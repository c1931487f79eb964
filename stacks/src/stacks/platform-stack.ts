import { DataAwsRoute53Zone } from "@cdktf/provider-aws/lib/data-aws-route53-zone";
import { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster";
import type { AwsEnvironmentConfig } from "@platform/env-config";
import {
  AlarmTopic,
  DnsValidatedCertificate,
  ExecSessionLogging,
  type HostedZoneRef,
  LoadBalancerAlias,
  LoadBalancerLogBucket,
  SharedLoadBalancer,
} from "@platform/fargate-service";
import type { Construct } from "constructs";
import { AwsLayerStack, type AwsLayerStackProps } from "./aws-layer-stack";
import { networkPlaceholders, type PlatformLoadBalancerOutputs, type PlatformOutputs } from "./stack-outputs";

export interface PlatformStackProps extends Omit<AwsLayerStackProps, "region"> {
  readonly config: AwsEnvironmentConfig;
  /** State key of `network-<env>` (VPC and subnets of the load balancer). */
  readonly networkStateKey: string;
  /**
   * Whether any service takes traffic: without web services there is no load balancer at all.
   * @default true
   */
  readonly loadBalancer?: boolean;
}

/**
 * `platform-<env>`: what the services of an environment share, the ECS cluster (named `<env>`), the
 * alarm topic, and
 * one application load balancer (`<env>`) whose listener answers 404 until a web service's stack adds
 * its rule. Applied with the foundation, so the migrate step has a cluster before any service exists.
 */
export class PlatformStack extends AwsLayerStack {
  public readonly cluster: EcsCluster;
  /**
   * Every cluster records ECS Exec sessions (KMS key, `/ecs/<env>/exec-sessions`), whether or not the
   * environment's `exec.enabled` lets services accept them: turning exec on then touches services only.
   */
  public readonly execSessionLogging: ExecSessionLogging;
  /** `<env>-alarms`: every service's alarms notify it. */
  public readonly alarmTopic: AlarmTopic;
  /** Undefined when the environment has no web service. */
  public readonly loadBalancer?: SharedLoadBalancer;
  /** With `dns` and no `certificateArn`: the load balancer's certificate for `domain`. */
  public readonly certificate?: DnsValidatedCertificate;
  /** With `dns`: `domain` -> the load balancer. */
  public readonly alias?: LoadBalancerAlias;

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id, { ...props, region: props.config.region });
    const { config } = props;
    const network = this.readUpstream(
      "network",
      props.networkStateKey,
      networkPlaceholders(config.network.vpcCidr, config.network.azCount),
    );
    this.execSessionLogging = new ExecSessionLogging(this, "exec-sessions", {
      environmentName: config.name,
      logRetentionDays: config.logRetentionDays,
    });
    this.cluster = new EcsCluster(this, "cluster", {
      name: config.name,
      setting: [{ name: "containerInsights", value: "enabled" }],
      configuration: this.execSessionLogging.clusterConfiguration,
    });
    this.alarmTopic = new AlarmTopic(this, "alarm-topic", {
      name: `${config.name}-alarms`,
      emailEndpoints: config.alarms.emails,
    });
    this.exportOutputs<PlatformOutputs>({
      cluster_arn: this.cluster.arn,
      cluster_name: this.cluster.name,
      alarm_topic_arn: this.alarmTopic.arn,
      exec_session_kms_key_arn: this.execSessionLogging.kmsKey.arn,
      exec_session_log_group_arn: this.execSessionLogging.logGroup.arn,
    });
    if (props.loadBalancer === false) return;

    const zone = config.dns && this.hostedZone(config.dns);
    if (zone && config.domain && !config.certificateArn) {
      this.certificate = new DnsValidatedCertificate(this, "certificate", {
        domainName: config.domain,
        hostedZone: zone,
      });
    }
    this.loadBalancer = new SharedLoadBalancer(this, "load-balancer", {
      name: config.name,
      network: {
        vpcId: network.vpc_id,
        publicSubnetIds: network.public_subnet_ids,
        privateSubnetIds: network.private_subnet_ids,
      },
      certificateArn: config.certificateArn ?? this.certificate?.certificateArn,
      loadBalancerDeletionProtection: config.loadBalancer.deletionProtection,
      ...(config.loadBalancer.accessLogRetentionDays !== undefined && {
        accessLogs: new LoadBalancerLogBucket(this, "access-logs", {
          bucketPrefix: `${config.name}-alb-logs-`,
          retentionDays: config.loadBalancer.accessLogRetentionDays,
        }),
      }),
    });
    const lb = this.loadBalancer;
    if (zone && config.domain) {
      this.alias = new LoadBalancerAlias(this, "alias", {
        hostedZone: zone,
        recordName: config.domain,
        target: { dnsName: lb.dnsName, zoneId: lb.loadBalancer.zoneId },
      });
    }
    this.exportOutputs<PlatformLoadBalancerOutputs>({
      listener_arn: lb.listener.arn,
      load_balancer_arn_suffix: lb.arnSuffix,
      load_balancer_security_group_id: lb.securityGroup.id,
      load_balancer_url: lb.url,
    });
  }

  /** The zone by id when the config names it, else looked up by name (public zones only). */
  private hostedZone(dns: NonNullable<AwsEnvironmentConfig["dns"]>): HostedZoneRef {
    if (dns.hostedZoneId) return { zoneId: dns.hostedZoneId, zoneName: dns.zoneName };
    const found = new DataAwsRoute53Zone(this, "zone", { name: dns.zoneName, privateZone: false });
    return { zoneId: found.zoneId, zoneName: dns.zoneName };
  }
}
