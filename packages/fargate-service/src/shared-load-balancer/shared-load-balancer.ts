import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener, type LbListenerDefaultAction } from "@cdktf/provider-aws/lib/lb-listener";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import type { ServiceNetwork } from "../fargate-service/fargate-service-props";
import type { AccessLogDestination } from "../load-balancer-log-bucket/load-balancer-log-bucket";
import type {
  ListenerRuleOptions,
  SharedLoadBalancerIngress,
} from "../shared-load-balancer-target/shared-load-balancer-target";
import { IPV4_CIDR, PropErrors } from "../validation/validation";

/** TLS policy for the HTTPS listener: TLS 1.3 with TLS 1.2 fallback, forward secrecy only. */
export const DEFAULT_SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

/** Settings of an application load balancer and its listeners (all optional). */
export interface ApplicationLoadBalancerOptions {
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
   * Idle connection timeout of the ALB, 1..4000 seconds.
   * @default 60
   */
  readonly idleTimeoutSeconds?: number;
  /**
   * Deletion protection of the ALB.
   * @default false
   */
  readonly loadBalancerDeletionProtection?: boolean;
  /**
   * Where the ALB writes its access logs (a {@link LoadBalancerLogBucket}); the ALB is created after
   * the bucket admits it.
   * @default undefined - no access logs
   */
  readonly accessLogs?: AccessLogDestination;
  /**
   * Key prefix of the access logs in the bucket (several load balancers can share one bucket).
   * @default the load balancer's name
   */
  readonly accessLogPrefix?: string;
}

/** The option names of ApplicationLoadBalancerOptions (e.g. to refuse them where there is no ALB). */
export const APPLICATION_LOAD_BALANCER_OPTION_NAMES = [
  "internetFacing",
  "certificateArn",
  "sslPolicy",
  "loadBalancerIngressCidrs",
  "idleTimeoutSeconds",
  "loadBalancerDeletionProtection",
  "accessLogs",
  "accessLogPrefix",
] as const satisfies readonly (keyof ApplicationLoadBalancerOptions)[];

export interface ResolvedApplicationLoadBalancerOptions {
  readonly internetFacing: boolean;
  readonly certificateArn?: string;
  readonly sslPolicy: string;
  readonly ingressCidrs: readonly string[];
  readonly idleTimeoutSeconds: number;
  readonly deletionProtection: boolean;
  readonly accessLogs?: AccessLogDestination;
  readonly accessLogPrefix?: string;
}

/** Validates the ALB options (errors name the option and what is allowed) and applies defaults. */
export function resolveApplicationLoadBalancerOptions(
  options: ApplicationLoadBalancerOptions,
  errors: PropErrors,
): ResolvedApplicationLoadBalancerOptions {
  if (options.certificateArn !== undefined) {
    errors.pattern(
      "certificateArn",
      options.certificateArn,
      /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/,
      "use an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)",
    );
  }
  if (options.accessLogPrefix !== undefined && options.accessLogs === undefined)
    errors.fail("accessLogPrefix", "is set but accessLogs is not (no access logs)");
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
  return {
    internetFacing: options.internetFacing ?? true,
    certificateArn: options.certificateArn,
    sslPolicy: options.sslPolicy ?? DEFAULT_SSL_POLICY,
    ingressCidrs,
    idleTimeoutSeconds: errors.integer("idleTimeoutSeconds", options.idleTimeoutSeconds ?? 60, 1, 4000),
    deletionProtection: options.loadBalancerDeletionProtection ?? false,
    accessLogs: options.accessLogs,
    accessLogPrefix:
      options.accessLogPrefix === undefined
        ? undefined
        : errors.pattern(
            "accessLogPrefix",
            options.accessLogPrefix,
            /^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*$/,
            "use an S3 key prefix without leading or trailing / (AWSLogs is appended)",
          ),
  };
}

interface ApplicationLoadBalancerParts {
  readonly securityGroup: SecurityGroup;
  readonly lb: Lb;
  /** HTTPS listener with a certificate, else HTTP: the one carrying `defaultAction`. */
  readonly listener: LbListener;
  readonly redirectListener?: LbListener;
  readonly listenerPorts: number[];
  readonly url: string;
}

/**
 * Creates, in `scope`, an ALB with its own security group (ingress on the listener ports from the
 * ingress CIDRs only, no egress: callers add egress to their targets), invalid header fields
 * dropped, and its listeners: with a certificate HTTPS on 443 carrying `defaultAction` and a
 * permanent redirect on 80; without, HTTP on 80 carrying `defaultAction`.
 */
export function createApplicationLoadBalancer(
  scope: Construct,
  props: {
    readonly name: string;
    readonly securityGroupDescription: string;
    readonly vpcId: string;
    readonly subnetIds: readonly string[];
    readonly options: ResolvedApplicationLoadBalancerOptions;
    readonly defaultAction: LbListenerDefaultAction;
    readonly tags?: Record<string, string>;
  },
): ApplicationLoadBalancerParts {
  const o = props.options;
  const https = o.certificateArn !== undefined;
  const listenerPorts = https ? [80, 443] : [80];

  const securityGroup = new SecurityGroup(scope, "security-group", {
    name: `${props.name}-alb`,
    description: props.securityGroupDescription,
    vpcId: props.vpcId,
    tags: props.tags,
  });
  for (const port of listenerPorts) {
    o.ingressCidrs.forEach((cidr, index) => {
      new VpcSecurityGroupIngressRule(scope, `ingress-${port}-${index}`, {
        securityGroupId: securityGroup.id,
        cidrIpv4: cidr,
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
        description: `${port === 443 ? "HTTPS" : "HTTP"} from ${cidr}`,
      });
    });
  }

  const lb = new Lb(scope, "alb", {
    name: props.name,
    loadBalancerType: "application",
    internal: !o.internetFacing,
    // Providers type lists as mutable but never mutate them; a list token must be passed as is.
    subnets: props.subnetIds as string[],
    securityGroups: [securityGroup.id],
    dropInvalidHeaderFields: true,
    idleTimeout: o.idleTimeoutSeconds,
    enableDeletionProtection: o.deletionProtection,
    ...(o.accessLogs && {
      accessLogs: { bucket: o.accessLogs.bucketName, prefix: o.accessLogPrefix ?? props.name, enabled: true },
      // ELB checks at creation that it may write to the bucket.
      dependsOn: [o.accessLogs.writeAccess],
    }),
    tags: props.tags,
  });

  if (https) {
    const listener = new LbListener(scope, "https", {
      loadBalancerArn: lb.arn,
      port: 443,
      protocol: "HTTPS",
      certificateArn: o.certificateArn,
      sslPolicy: o.sslPolicy,
      defaultAction: [props.defaultAction],
      tags: props.tags,
    });
    const redirectListener = new LbListener(scope, "http", {
      loadBalancerArn: lb.arn,
      port: 80,
      protocol: "HTTP",
      defaultAction: [
        { type: "redirect", redirect: { port: "443", protocol: "HTTPS", statusCode: "HTTP_301" } },
      ],
      tags: props.tags,
    });
    return { securityGroup, lb, listener, redirectListener, listenerPorts, url: `https://${lb.dnsName}` };
  }
  const listener = new LbListener(scope, "http", {
    loadBalancerArn: lb.arn,
    port: 80,
    protocol: "HTTP",
    defaultAction: [props.defaultAction],
    tags: props.tags,
  });
  return { securityGroup, lb, listener, listenerPorts, url: `http://${lb.dnsName}` };
}

export interface SharedLoadBalancerProps extends ApplicationLoadBalancerOptions {
  /**
   * ALB name, also the prefix of its security group (`<name>-alb`) and outputs: 1-28 characters
   * of a-z, 0-9 and "-", starting with a letter, not ending with "-", not starting with "internal-".
   */
  readonly name: string;
  /** VPC and subnets: public subnets for an internet-facing ALB, private for an internal one. */
  readonly network: ServiceNetwork;
  /**
   * Tags on the ALB, its security group and listeners (on top of the provider's default tags).
   * @default {}
   */
  readonly tags?: Record<string, string>;
}

/** Output keys of a SharedLoadBalancer (Terraform output names are `<name with _>_<key>`). */
export const SHARED_LOAD_BALANCER_OUTPUT_KEYS = [
  "listener_arn",
  "load_balancer_arn",
  "load_balancer_arn_suffix",
  "load_balancer_security_group_id",
  "load_balancer_url",
  "load_balancer_dns_name",
] as const;
export type SharedLoadBalancerOutputKey = (typeof SHARED_LOAD_BALANCER_OUTPUT_KEYS)[number];

/** Answer of the listeners when no service's rule matches. */
export const NO_SERVICE_MATCHED_RESPONSE = {
  statusCode: "404",
  contentType: "text/plain",
  messageBody: "Not found: no service matches this host and path",
} as const;

const ALB_NAME = /^(?!internal-)[a-z](?:[a-z0-9-]{0,26}[a-z0-9])?$/;

/**
 * The one application load balancer of an environment, shared by its web services: each service
 * adds a listener rule (path and/or host) forwarding to its own target group, plus an egress rule
 * on this ALB's security group to its tasks on its container port (`FargateService` with
 * `ingress: sharedLoadBalancer.ingressFor(rule)` or the same fields read from remote state).
 * Requests no rule matches get a fixed 404. The security group admits only the listener ports
 * from `loadBalancerIngressCidrs` and has no egress of its own.
 */
export class SharedLoadBalancer extends Construct {
  public readonly loadBalancer: Lb;
  public readonly securityGroup: SecurityGroup;
  /** The listener services attach their rules to: HTTPS with a certificate, else HTTP. */
  public readonly listener: LbListener;
  /** The HTTP listener that redirects to HTTPS (only with a certificate). */
  public readonly redirectListener?: LbListener;
  /** Ports the ALB accepts traffic on: [80] or [80, 443]. */
  public readonly listenerPorts: readonly number[];
  /** `http://` or `https://` plus the ALB DNS name. */
  public readonly url: string;
  public readonly dnsName: string;
  /** `app/<name>/<id>`: the ALBRequestCountPerTarget resource label's first half. */
  public readonly arnSuffix: string;
  /** Terraform output name per key, e.g. `outputNames.listener_arn === "platform_dev_listener_arn"`. */
  public readonly outputNames: Readonly<Record<SharedLoadBalancerOutputKey, string>>;

  constructor(scope: Construct, id: string, props: SharedLoadBalancerProps) {
    super(scope, id);
    const errors = new PropErrors("SharedLoadBalancer");
    if (!ALB_NAME.test(props.name)) {
      errors.fail(
        "name",
        `"${props.name}" is invalid: 1-28 characters of a-z, 0-9 and "-", starting with a letter, not ending with "-", not starting with "internal-"`,
      );
    }
    const options = resolveApplicationLoadBalancerOptions(props, errors);
    errors.pattern("network.vpcId", props.network.vpcId, /^vpc-[0-9a-f]+$/, "use a VPC id (vpc-...)");
    const subnetsProp = options.internetFacing ? "network.publicSubnetIds" : "network.privateSubnetIds";
    const subnetIds = options.internetFacing ? props.network.publicSubnetIds : props.network.privateSubnetIds;
    errors.minItems(subnetsProp, subnetIds, 2, "an ALB spans at least two AZs");

    const parts = createApplicationLoadBalancer(this, {
      name: props.name,
      securityGroupDescription: `Shared ALB ${props.name}: listener ports in, each service's port out`,
      vpcId: props.network.vpcId,
      subnetIds,
      options,
      defaultAction: { type: "fixed-response", fixedResponse: { ...NO_SERVICE_MATCHED_RESPONSE } },
      tags: props.tags,
    });
    this.loadBalancer = parts.lb;
    this.securityGroup = parts.securityGroup;
    this.listener = parts.listener;
    this.redirectListener = parts.redirectListener;
    this.listenerPorts = parts.listenerPorts;
    this.url = parts.url;
    this.dnsName = parts.lb.dnsName;
    this.arnSuffix = parts.lb.arnSuffix;

    const values: Record<SharedLoadBalancerOutputKey, { value: string; description: string }> = {
      listener_arn: { value: this.listener.arn, description: "Listener the services' rules attach to" },
      load_balancer_arn: { value: this.loadBalancer.arn, description: "Shared ALB ARN" },
      load_balancer_arn_suffix: { value: this.arnSuffix, description: "Shared ALB ARN suffix (metrics)" },
      load_balancer_security_group_id: {
        value: this.securityGroup.id,
        description: "Shared ALB security group",
      },
      load_balancer_url: { value: this.url, description: "http(s)://<ALB DNS name>" },
      load_balancer_dns_name: { value: this.dnsName, description: "Shared ALB DNS name" },
    };
    const prefix = props.name.replace(/-/g, "_");
    const outputNames = {} as Record<SharedLoadBalancerOutputKey, string>;
    for (const key of SHARED_LOAD_BALANCER_OUTPUT_KEYS) {
      outputNames[key] = `${prefix}_${key}`;
      new TerraformOutput(this, `output-${key}`, values[key]).overrideLogicalId(outputNames[key]);
    }
    this.outputNames = outputNames;
  }

  /** The `ingress` prop of a FargateService in the same stack that attaches here with `rule`. */
  public ingressFor(rule: ListenerRuleOptions): SharedLoadBalancerIngress {
    return {
      kind: "sharedLoadBalancer",
      listenerArn: this.listener.arn,
      loadBalancerSecurityGroupId: this.securityGroup.id,
      loadBalancerArnSuffix: this.arnSuffix,
      loadBalancerUrl: this.url,
      rule,
    };
  }
}
