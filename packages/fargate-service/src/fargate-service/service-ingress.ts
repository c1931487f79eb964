import type { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import type { ITerraformDependable } from "cdktf";
import type { Construct } from "constructs";
import { LoadBalancer } from "../load-balancer/load-balancer";
import {
  APPLICATION_LOAD_BALANCER_OPTION_NAMES,
  type ApplicationLoadBalancerOptions,
  resolveApplicationLoadBalancerOptions,
} from "../shared-load-balancer/shared-load-balancer";
import {
  type SharedLoadBalancerIngress,
  SharedLoadBalancerTarget,
  validateSharedLoadBalancerIngress,
} from "../shared-load-balancer-target/shared-load-balancer-target";
import { resolveTargetGroupOptions, TARGET_GROUP_OPTION_NAMES } from "../target-group/target-group";
import type { PropErrors } from "../validation/validation";
import type { FargateServiceProps } from "./fargate-service-props";

/** An ALB of the service's own forwarding every request to its target group. */
export interface DedicatedLoadBalancerIngress extends ApplicationLoadBalancerOptions {
  readonly kind: "dedicatedLoadBalancer";
}

/** A worker: no load balancer, no target group, no port mapping, nothing may connect in. */
export interface NoIngress {
  readonly kind: "none";
}

/** How requests reach a FargateService's tasks (the `ingress` prop). */
export type ServiceIngress = DedicatedLoadBalancerIngress | SharedLoadBalancerIngress | NoIngress;
export type ServiceIngressKind = ServiceIngress["kind"];
export const SERVICE_INGRESS_KINDS = [
  "dedicatedLoadBalancer",
  "sharedLoadBalancer",
  "none",
] as const satisfies readonly ServiceIngressKind[];

/** The ingress after validation, with the dedicated ALB's options merged from props and ingress. */
export type ResolvedIngress =
  | { readonly kind: "dedicatedLoadBalancer"; readonly alb: ApplicationLoadBalancerOptions }
  | SharedLoadBalancerIngress
  | NoIngress;

/** Props that only a service with a load balancer can use (refused with kind "none"). */
const LOAD_BALANCER_ONLY_PROPS = ["containerPort", "healthCheckGracePeriodSeconds"] as const;

function mergeAlbOptions(
  props: FargateServiceProps,
  ingress: DedicatedLoadBalancerIngress,
  errors: PropErrors,
): ApplicationLoadBalancerOptions {
  for (const name of APPLICATION_LOAD_BALANCER_OPTION_NAMES) {
    if (props[name] !== undefined && ingress[name] !== undefined)
      errors.fail(name, `is set both on the props and in ingress; set it in one place (ingress.${name})`);
  }
  return {
    internetFacing: ingress.internetFacing ?? props.internetFacing,
    certificateArn: ingress.certificateArn ?? props.certificateArn,
    sslPolicy: ingress.sslPolicy ?? props.sslPolicy,
    loadBalancerIngressCidrs: ingress.loadBalancerIngressCidrs ?? props.loadBalancerIngressCidrs,
    idleTimeoutSeconds: ingress.idleTimeoutSeconds ?? props.idleTimeoutSeconds,
    loadBalancerDeletionProtection:
      ingress.loadBalancerDeletionProtection ?? props.loadBalancerDeletionProtection,
  };
}

function refuse(
  props: FargateServiceProps,
  names: readonly (keyof FargateServiceProps)[],
  errors: PropErrors,
  why: string,
): void {
  for (const name of names) if (props[name] !== undefined) errors.fail(name, why);
}

/**
 * Validates `ingress` and the props that depend on its kind (errors name the prop and what is
 * allowed): ALB options only for "dedicatedLoadBalancer", target group options only with a load
 * balancer, no port, grace period or request-count scaling for "none".
 */
export function resolveIngress(props: FargateServiceProps, errors: PropErrors): ResolvedIngress {
  const ingress = props.ingress ?? { kind: "dedicatedLoadBalancer" };
  errors.oneOf("ingress.kind", ingress.kind, SERVICE_INGRESS_KINDS);
  if (ingress.kind === "dedicatedLoadBalancer") {
    const alb = mergeAlbOptions(props, ingress, errors);
    const internetFacing = resolveApplicationLoadBalancerOptions(alb, errors).internetFacing;
    const [prop, subnets, why] = internetFacing
      ? (["network.publicSubnetIds", props.network.publicSubnetIds, "an ALB spans at least two AZs"] as const)
      : ([
          "network.privateSubnetIds",
          props.network.privateSubnetIds,
          "an internal ALB spans at least two AZs",
        ] as const);
    errors.minItems(prop, subnets, 2, why);
    resolveTargetGroupOptions(props, errors);
    return { kind: ingress.kind, alb };
  }
  if (ingress.kind === "sharedLoadBalancer") {
    refuse(
      props,
      APPLICATION_LOAD_BALANCER_OPTION_NAMES,
      errors,
      'applies only to ingress kind "dedicatedLoadBalancer"; with "sharedLoadBalancer" the ALB and its listeners are the SharedLoadBalancer\'s (set it there)',
    );
    validateSharedLoadBalancerIngress(ingress, errors);
    resolveTargetGroupOptions(props, errors);
    return ingress;
  }
  refuse(
    props,
    [...APPLICATION_LOAD_BALANCER_OPTION_NAMES, ...TARGET_GROUP_OPTION_NAMES, ...LOAD_BALANCER_ONLY_PROPS],
    errors,
    'applies only with a load balancer; ingress.kind is "none" (a worker: no load balancer, no port)',
  );
  if (props.autoscaling?.requestsPerTarget !== undefined) {
    errors.fail(
      "autoscaling.requestsPerTarget",
      'needs a load balancer (ALBRequestCountPerTarget); with ingress.kind "none" use autoscaling.cpuTargetPercent only',
    );
  }
  return ingress;
}

/** What the ECS service and autoscaling need from a load balancer the service sits behind. */
export interface LoadBalancerAttachment {
  readonly targetGroup: LbTargetGroup;
  /** The container port the target group sends to. */
  readonly containerPort: number;
  readonly loadBalancerArnSuffix: string;
  /** The ECS service waits for it: ECS refuses a target group not yet attached to an ALB. */
  readonly attachedBy: ITerraformDependable;
  readonly url: string;
  /** Only for a dedicated ALB (a shared one's DNS name lives in its own stack). */
  readonly dnsName?: string;
  readonly loadBalancer?: LoadBalancer;
  readonly sharedLoadBalancerTarget?: SharedLoadBalancerTarget;
}

export interface AttachIngressProps {
  readonly props: FargateServiceProps;
  readonly containerPort: number;
  readonly serviceSecurityGroupId: string;
}

/** Admits the load balancer's security group on the container port of the tasks' security group. */
function allowFromLoadBalancer(scope: Construct, a: AttachIngressProps, loadBalancerSecurityGroupId: string) {
  new VpcSecurityGroupIngressRule(scope, "service-ingress-from-alb", {
    securityGroupId: a.serviceSecurityGroupId,
    referencedSecurityGroupId: loadBalancerSecurityGroupId,
    ipProtocol: "tcp",
    fromPort: a.containerPort,
    toPort: a.containerPort,
    description: "Requests and health checks from the ALB",
  });
}

/**
 * Creates, in `scope` (the FargateService, so that ids keep their Terraform addresses), the load
 * balancer side of a resolved ingress and the service security group's one ingress rule.
 */
export function attachIngress(
  scope: Construct,
  ingress: Exclude<ResolvedIngress, NoIngress>,
  a: AttachIngressProps,
): LoadBalancerAttachment {
  const { props } = a;
  const common = {
    name: props.name,
    vpcId: props.network.vpcId,
    targetPort: a.containerPort,
    targetSecurityGroupId: a.serviceSecurityGroupId,
    tags: props.tags,
  };
  if (ingress.kind === "dedicatedLoadBalancer") {
    const loadBalancer = new LoadBalancer(scope, "load-balancer", {
      ...props,
      ...ingress.alb,
      ...common,
      subnetIds:
        (ingress.alb.internetFacing ?? true) ? props.network.publicSubnetIds : props.network.privateSubnetIds,
    });
    allowFromLoadBalancer(scope, a, loadBalancer.securityGroup.id);
    return {
      targetGroup: loadBalancer.targetGroup,
      containerPort: a.containerPort,
      loadBalancerArnSuffix: loadBalancer.lb.arnSuffix,
      attachedBy: loadBalancer.forwardListener,
      url: loadBalancer.url,
      dnsName: loadBalancer.dnsName,
      loadBalancer,
    };
  }
  const target = new SharedLoadBalancerTarget(scope, "load-balancer-target", {
    ...props,
    ...common,
    ingress,
  });
  allowFromLoadBalancer(scope, a, ingress.loadBalancerSecurityGroupId);
  return {
    targetGroup: target.targetGroup,
    containerPort: a.containerPort,
    loadBalancerArnSuffix: ingress.loadBalancerArnSuffix,
    attachedBy: target.listenerRule,
    url: target.url,
    sharedLoadBalancerTarget: target,
  };
}
