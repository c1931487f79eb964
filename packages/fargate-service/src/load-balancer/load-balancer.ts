import type { Lb } from "@cdktf/provider-aws/lib/lb";
import type { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import type { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import type { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Construct } from "constructs";
import {
  type ApplicationLoadBalancerOptions,
  createApplicationLoadBalancer,
  type ResolvedApplicationLoadBalancerOptions,
  resolveApplicationLoadBalancerOptions,
} from "../shared-load-balancer/shared-load-balancer";
import {
  allowLoadBalancerToTargets,
  createIpTargetGroup,
  type ResolvedTargetGroupOptions,
  resolveTargetGroupOptions,
  type TargetGroupOptions,
} from "../target-group/target-group";
import { PropErrors } from "../validation/validation";

/** Load balancer settings a FargateService exposes to its callers (all optional there). */
export interface LoadBalancerOptions extends ApplicationLoadBalancerOptions, TargetGroupOptions {}

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

/** Validates the options (errors name the option and what is allowed) and applies defaults. */
export function resolveLoadBalancerOptions(
  options: LoadBalancerOptions,
  errors = new PropErrors("LoadBalancer"),
): ResolvedApplicationLoadBalancerOptions & { readonly targetGroup: ResolvedTargetGroupOptions } {
  const alb = resolveApplicationLoadBalancerOptions(options, errors);
  return { ...alb, targetGroup: resolveTargetGroupOptions(options, errors) };
}

/**
 * An application load balancer of its own in front of one `ip` target group: its own security
 * group open on the listener ports only, egress only to the targets' security group on their
 * port, invalid header fields dropped, every request forwarded to the target group. With a
 * certificate, HTTPS on 443 and a permanent redirect on 80. (A `SharedLoadBalancer` serves several
 * services by listener rules instead.)
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

    // Created before the ALB so that the listener can forward to it; ids keep the Terraform
    // addresses this construct always had.
    this.targetGroup = createIpTargetGroup(this, "target-group", {
      name: `${props.name}-tg`,
      vpcId: props.vpcId,
      targetPort: props.targetPort,
      options: o.targetGroup,
      tags: props.tags,
    });
    const parts = createApplicationLoadBalancer(this, {
      name: props.name,
      securityGroupDescription: `ALB of ${props.name}: listener ports in, target port out`,
      vpcId: props.vpcId,
      subnetIds: props.subnetIds,
      options: o,
      defaultAction: { type: "forward", targetGroupArn: this.targetGroup.arn },
      tags: props.tags,
    });
    this.lb = parts.lb;
    this.securityGroup = parts.securityGroup;
    this.forwardListener = parts.listener;
    this.redirectListener = parts.redirectListener;
    this.listenerPorts = parts.listenerPorts;
    this.url = parts.url;
    this.dnsName = parts.lb.dnsName;
    allowLoadBalancerToTargets(this, "egress-to-targets", {
      loadBalancerSecurityGroupId: this.securityGroup.id,
      targetSecurityGroupId: props.targetSecurityGroupId,
      targetPort: props.targetPort,
    });
  }
}
