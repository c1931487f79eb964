import { LbListenerRule, type LbListenerRuleCondition } from "@cdktf/provider-aws/lib/lb-listener-rule";
import type { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import type { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { Token } from "cdktf";
import { Construct } from "constructs";
import {
  allowLoadBalancerToTargets,
  createIpTargetGroup,
  resolveTargetGroupOptions,
  type TargetGroupOptions,
} from "../target-group/target-group";
import { PropErrors, SECURITY_GROUP_ID } from "../validation/validation";

/** Which requests of the shared load balancer go to a service. */
export interface ListenerRuleOptions {
  /**
   * Path patterns (`path_pattern` condition), each starting with "/", at most 128 characters,
   * `*` and `?` as wildcards, e.g. `["/api/*"]`. With `hosts` too, a request must match both.
   * @default [] (any path; then `hosts` is required)
   */
  readonly pathPatterns?: readonly string[];
  /**
   * Host patterns (`host_header` condition), e.g. `["api.example.com", "*.example.org"]`.
   * @default [] (any host; then `pathPatterns` is required)
   */
  readonly hosts?: readonly string[];
  /** Rule priority on the listener, 1..50000, unique per listener; lower is evaluated first. */
  readonly priority: number;
}

/**
 * Attachment of a service to a `SharedLoadBalancer` (possibly in another stack: every field may be
 * a Terraform reference, e.g. from remote state; only literal values are validated).
 */
export interface SharedLoadBalancerIngress {
  readonly kind: "sharedLoadBalancer";
  /** ARN of the listener the rule attaches to (`SharedLoadBalancer.listener.arn`). */
  readonly listenerArn: string;
  /** The ALB's security group (`SharedLoadBalancer.securityGroup.id`): egress to the tasks is added to it. */
  readonly loadBalancerSecurityGroupId: string;
  /** `app/<name>/<id>` (`SharedLoadBalancer.arnSuffix`), for request-count autoscaling. */
  readonly loadBalancerArnSuffix: string;
  /** `http(s)://<ALB DNS name>` (`SharedLoadBalancer.url`). */
  readonly loadBalancerUrl: string;
  readonly rule: ListenerRuleOptions;
}

/** ALB limit: condition values per rule, all conditions together. */
export const MAX_LISTENER_RULE_CONDITION_VALUES = 5;
/** ALB limit: rule priorities. */
export const MAX_LISTENER_RULE_PRIORITY = 50000;

const LISTENER_ARN =
  /^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:listener\/app\/[^/]+\/[0-9a-f]+\/[0-9a-f]+$/;
const ARN_SUFFIX = /^app\/[A-Za-z0-9-]+\/[0-9a-f]+$/;
const URL = /^https?:\/\/[^/\s]+$/;
const PATH_PATTERN = /^\/[^\s]{0,127}$/;
const HOST_PATTERN = /^[A-Za-z0-9*?.-]{1,128}$/;

const literal = <T>(values: readonly T[] | undefined): readonly T[] =>
  values === undefined || Token.isUnresolved(values) ? [] : values;

/**
 * Validates a shared load balancer attachment (errors name `<prefix><field>`); references
 * (tokens) pass and are checked by AWS at apply time.
 */
export function validateSharedLoadBalancerIngress(
  ingress: SharedLoadBalancerIngress,
  errors: PropErrors,
  prefix = "ingress.",
): void {
  errors.pattern(
    `${prefix}listenerArn`,
    ingress.listenerArn,
    LISTENER_ARN,
    "use an ALB listener ARN (arn:aws:elasticloadbalancing:<region>:<account>:listener/app/...)",
  );
  errors.pattern(
    `${prefix}loadBalancerSecurityGroupId`,
    ingress.loadBalancerSecurityGroupId,
    SECURITY_GROUP_ID,
    "use a security group id (sg-...)",
  );
  errors.pattern(
    `${prefix}loadBalancerArnSuffix`,
    ingress.loadBalancerArnSuffix,
    ARN_SUFFIX,
    "use the ALB's arn_suffix (app/<name>/<id>)",
  );
  errors.pattern(
    `${prefix}loadBalancerUrl`,
    ingress.loadBalancerUrl,
    URL,
    "use http(s)://<host> without a path",
  );

  const rule = `${prefix}rule`;
  const { pathPatterns, hosts, priority } = ingress.rule;
  const unresolvedLists = [pathPatterns, hosts].some((l) => l !== undefined && Token.isUnresolved(l));
  const paths = literal(pathPatterns);
  const hostValues = literal(hosts);
  if (!unresolvedLists && paths.length === 0 && hostValues.length === 0) {
    errors.fail(rule, "has neither pathPatterns nor hosts: give at least one path or host pattern");
  }
  if (paths.length + hostValues.length > MAX_LISTENER_RULE_CONDITION_VALUES) {
    errors.fail(
      rule,
      `has ${paths.length + hostValues.length} condition values (pathPatterns + hosts); an ALB rule allows at most ${MAX_LISTENER_RULE_CONDITION_VALUES}`,
    );
  }
  for (const path of paths) {
    errors.pattern(
      `${rule}.pathPatterns`,
      path,
      PATH_PATTERN,
      'start with "/", at most 128 characters, no spaces (wildcards * and ?)',
    );
  }
  for (const host of hostValues) {
    errors.pattern(
      `${rule}.hosts`,
      host,
      HOST_PATTERN,
      "use a host name pattern: letters, digits, '.', '-', wildcards * and ?, at most 128 characters",
    );
  }
  if (!Token.isUnresolved(priority))
    errors.integer(`${rule}.priority`, priority, 1, MAX_LISTENER_RULE_PRIORITY);
}

/**
 * The URL a service is reached at: the load balancer URL plus the literal prefix of the first
 * path pattern (`/api/*` gives `<url>/api/`; `/*`, host-only rules and references give `<url>`).
 */
export function serviceUrl(ingress: SharedLoadBalancerIngress): string {
  const first = literal(ingress.rule.pathPatterns)[0];
  if (first === undefined || Token.isUnresolved(first)) return ingress.loadBalancerUrl;
  const prefix = first.split(/[*?]/)[0];
  return prefix === "/" ? ingress.loadBalancerUrl : `${ingress.loadBalancerUrl}${prefix}`;
}

export interface SharedLoadBalancerTargetProps extends TargetGroupOptions {
  /** Service name; the target group is `<name>-tg` (at most 32 characters). */
  readonly name: string;
  readonly vpcId: string;
  /** Port the containers listen on. */
  readonly targetPort: number;
  /** Security group of the tasks: the ALB may send only to it, on targetPort. */
  readonly targetSecurityGroupId: string;
  readonly ingress: SharedLoadBalancerIngress;
  /**
   * Tags on the target group and the listener rule.
   * @default {}
   */
  readonly tags?: Record<string, string>;
}

/**
 * A service's place on a shared load balancer: its own `ip` target group with its health check,
 * a listener rule (path_pattern and/or host_header, priority) forwarding to it, and egress of the
 * ALB's security group to the tasks' security group on the target port only.
 */
export class SharedLoadBalancerTarget extends Construct {
  public readonly targetGroup: LbTargetGroup;
  public readonly listenerRule: LbListenerRule;
  /** Egress rule on the shared ALB's security group to the tasks. */
  public readonly loadBalancerEgress: VpcSecurityGroupEgressRule;
  /** See `serviceUrl`. */
  public readonly url: string;

  constructor(scope: Construct, id: string, props: SharedLoadBalancerTargetProps) {
    super(scope, id);
    const errors = new PropErrors("SharedLoadBalancerTarget");
    validateSharedLoadBalancerIngress(props.ingress, errors);
    const options = resolveTargetGroupOptions(props, errors);
    const { rule } = props.ingress;

    this.targetGroup = createIpTargetGroup(this, "target-group", {
      name: `${props.name}-tg`,
      vpcId: props.vpcId,
      targetPort: props.targetPort,
      options,
      tags: props.tags,
    });

    const condition: LbListenerRuleCondition[] = [];
    // Providers type lists as mutable but never mutate them; a list token must be passed as is.
    if (
      rule.pathPatterns !== undefined &&
      (Token.isUnresolved(rule.pathPatterns) || rule.pathPatterns.length > 0)
    )
      condition.push({ pathPattern: { values: rule.pathPatterns as string[] } });
    if (rule.hosts !== undefined && (Token.isUnresolved(rule.hosts) || rule.hosts.length > 0))
      condition.push({ hostHeader: { values: rule.hosts as string[] } });
    this.listenerRule = new LbListenerRule(this, "listener-rule", {
      listenerArn: props.ingress.listenerArn,
      priority: rule.priority,
      condition,
      action: [{ type: "forward", targetGroupArn: this.targetGroup.arn }],
      tags: props.tags,
    });

    this.loadBalancerEgress = allowLoadBalancerToTargets(this, "load-balancer-egress", {
      loadBalancerSecurityGroupId: props.ingress.loadBalancerSecurityGroupId,
      targetSecurityGroupId: props.targetSecurityGroupId,
      targetPort: props.targetPort,
    });
    this.url = serviceUrl(props.ingress);
  }
}
