import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Construct } from "constructs";
import { IPV4_CIDR, PropErrors } from "../validation/validation";

/** TLS policy for the HTTPS listener: TLS 1.3 with TLS 1.2 fallback, forward secrecy only. */
export const DEFAULT_SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

/** Load balancer settings a FargateService exposes to its callers (all optional there). */
export interface LoadBalancerOptions {
  /**
   * Internet-facing ALB in the public subnets; false makes it internal, in the private subnets.
   * @default true
   */
  readonly internetFacing?: boolean;
  /**
   * ACM certificate ARN. When given, the ALB listens on 443 (HTTPS) and 80 redirects to 443.
   * @default undefined (HTTP on 80 only)
   */
  readonly certificateArn?: string;
  /**
   * TLS policy of the HTTPS listener (only with certificateArn); must start with "ELBSecurityPolicy-".
   * @default "ELBSecurityPolicy-TLS13-1-2-2021-06"
   */
  readonly sslPolicy?: string;
  /**
   * IPv4 CIDRs admitted on the listener ports.
   * @default ["0.0.0.0/0"]
   */
  readonly loadBalancerIngressCidrs?: readonly string[];
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
  /**
   * Idle connection timeout of the ALB, 1..4000 seconds.
   * @default 60
   */
  readonly idleTimeoutSeconds?: number;
  /**
   * Deletion protection of the ALB.
   * @default false
   */
  readonly loadBalancerDeletionProtection?: boolean;
}

export interface LoadBalancerProps extends LoadBalancerOptions {
  /** ALB name (1-32 characters); the target group is `<name>-tg` ... so at most 28. */
  readonly name: string;
  readonly vpcId: string;
  /** Subnets of the ALB (public for internet-facing, private for internal); two AZs at least. */
  readonly subnetIds: readonly string[];
  /** Port the targets (containers) listen on. */
  readonly targetPort: number;
  /** Security group of the targets: the ALB may send only to it, on targetPort. */
  readonly targetSecurityGroupId: string;
  readonly tags?: Record<string, string>;
}

interface ResolvedOptions {
  readonly internetFacing: boolean;
  readonly sslPolicy: string;
  readonly ingressCidrs: readonly string[];
  readonly healthCheckPath: string;
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
  readonly healthyThreshold: number;
  readonly unhealthyThreshold: number;
  readonly deregistrationDelaySeconds: number;
  readonly idleTimeoutSeconds: number;
}

/** Validates the options (errors name the option and what is allowed) and applies defaults. */
export function resolveLoadBalancerOptions(
  options: LoadBalancerOptions,
  errors = new PropErrors("LoadBalancer"),
): ResolvedOptions {
  if (options.certificateArn !== undefined) {
    errors.pattern(
      "certificateArn",
      options.certificateArn,
      /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/,
      "use an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)",
    );
  }
  if (options.sslPolicy !== undefined) {
    if (options.certificateArn === undefined)
      errors.fail("sslPolicy", "is set but certificateArn is not (no HTTPS listener)");
    errors.pattern(
      "sslPolicy",
      options.sslPolicy,
      /^ELBSecurityPolicy-[A-Za-z0-9-]+$/,
      'use an ELB policy name ("ELBSecurityPolicy-...")',
    );
  }
  const ingressCidrs = options.loadBalancerIngressCidrs ?? ["0.0.0.0/0"];
  if (ingressCidrs.length === 0)
    errors.fail("loadBalancerIngressCidrs", "is empty: nobody could reach the load balancer");
  for (const cidr of ingressCidrs) {
    errors.pattern(
      "loadBalancerIngressCidrs",
      cidr,
      IPV4_CIDR,
      "use IPv4 CIDRs such as 0.0.0.0/0 or 10.0.0.0/16",
    );
  }
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
    internetFacing: options.internetFacing ?? true,
    sslPolicy: options.sslPolicy ?? DEFAULT_SSL_POLICY,
    ingressCidrs,
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
    idleTimeoutSeconds: errors.integer("idleTimeoutSeconds", options.idleTimeoutSeconds ?? 60, 1, 4000),
  };
}

/**
 * An application load balancer in front of one `ip` target group: its own security group open on
 * the listener ports only, egress only to the targets' security group on their port, invalid
 * header fields dropped. With a certificate, HTTPS on 443 and a permanent redirect on 80.
 */
export class LoadBalancer extends Construct {
  public readonly lb: Lb;
  public readonly targetGroup: LbTargetGroup;
  public readonly securityGroup: SecurityGroup;
  /** The listener that forwards to the target group (HTTPS with a certificate, else HTTP). */
  public readonly forwardListener: LbListener;
  /** The HTTP listener that redirects to HTTPS (only with a certificate). */
  public readonly redirectListener?: LbListener;
  /** Ports the ALB accepts traffic on. */
  public readonly listenerPorts: number[];
  /** `http://` or `https://` plus the ALB DNS name. */
  public readonly url: string;
  public readonly dnsName: string;

  constructor(scope: Construct, id: string, props: LoadBalancerProps) {
    super(scope, id);
    const o = resolveLoadBalancerOptions(props);
    const https = props.certificateArn !== undefined;
    this.listenerPorts = https ? [80, 443] : [80];

    this.securityGroup = new SecurityGroup(this, "security-group", {
      name: `${props.name}-alb`,
      description: `ALB of ${props.name}: listener ports in, target port out`,
      vpcId: props.vpcId,
      tags: props.tags,
    });
    for (const port of this.listenerPorts) {
      o.ingressCidrs.forEach((cidr, index) => {
        new VpcSecurityGroupIngressRule(this, `ingress-${port}-${index}`, {
          securityGroupId: this.securityGroup.id,
          cidrIpv4: cidr,
          ipProtocol: "tcp",
          fromPort: port,
          toPort: port,
          description: `${port === 443 ? "HTTPS" : "HTTP"} from ${cidr}`,
        });
      });
    }
    new VpcSecurityGroupEgressRule(this, "egress-to-targets", {
      securityGroupId: this.securityGroup.id,
      referencedSecurityGroupId: props.targetSecurityGroupId,
      ipProtocol: "tcp",
      fromPort: props.targetPort,
      toPort: props.targetPort,
      description: "Requests and health checks to the service tasks",
    });

    this.lb = new Lb(this, "alb", {
      name: props.name,
      loadBalancerType: "application",
      internal: !o.internetFacing,
      // Providers type lists as mutable but never mutate them; a list token must be passed as is.
      subnets: props.subnetIds as string[],
      securityGroups: [this.securityGroup.id],
      dropInvalidHeaderFields: true,
      idleTimeout: o.idleTimeoutSeconds,
      enableDeletionProtection: props.loadBalancerDeletionProtection ?? false,
      tags: props.tags,
    });
    this.dnsName = this.lb.dnsName;

    this.targetGroup = new LbTargetGroup(this, "target-group", {
      name: `${props.name}-tg`,
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

    const forward = [{ type: "forward", targetGroupArn: this.targetGroup.arn }];
    if (https) {
      this.forwardListener = new LbListener(this, "https", {
        loadBalancerArn: this.lb.arn,
        port: 443,
        protocol: "HTTPS",
        certificateArn: props.certificateArn,
        sslPolicy: o.sslPolicy,
        defaultAction: forward,
        tags: props.tags,
      });
      this.redirectListener = new LbListener(this, "http", {
        loadBalancerArn: this.lb.arn,
        port: 80,
        protocol: "HTTP",
        defaultAction: [
          { type: "redirect", redirect: { port: "443", protocol: "HTTPS", statusCode: "HTTP_301" } },
        ],
        tags: props.tags,
      });
      this.url = `https://${this.lb.dnsName}`;
    } else {
      this.forwardListener = new LbListener(this, "http", {
        loadBalancerArn: this.lb.arn,
        port: 80,
        protocol: "HTTP",
        defaultAction: forward,
        tags: props.tags,
      });
      this.url = `http://${this.lb.dnsName}`;
    }
  }
}
