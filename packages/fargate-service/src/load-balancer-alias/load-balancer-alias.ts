import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { Construct } from "constructs";
import type { HostedZoneRef } from "../dns-validated-certificate/dns-validated-certificate";
import { PropErrors } from "../validation/validation";

/** What an alias record needs of a load balancer. */
export interface AliasTarget {
  readonly dnsName: string;
  /** The load balancer's canonical hosted zone (not the record's zone). */
  readonly zoneId: string;
}

export interface LoadBalancerAliasProps {
  /** Zone the record is written to. */
  readonly hostedZone: HostedZoneRef;
  /** Host name: the zone's name or a name under it. */
  readonly recordName: string;
  readonly target: AliasTarget;
}

/** An `A` alias record from a host name to a load balancer (no TTL to manage, free of query charges). */
export class LoadBalancerAlias extends Construct {
  public readonly record: Route53Record;
  /** The host name the record answers for. */
  public readonly fqdn: string;

  constructor(scope: Construct, id: string, props: LoadBalancerAliasProps) {
    super(scope, id);
    const errors = new PropErrors("LoadBalancerAlias");
    const zoneName = props.hostedZone.zoneName.replace(/\.$/, "");
    if (props.recordName !== zoneName && !props.recordName.endsWith(`.${zoneName}`))
      errors.fail("recordName", `"${props.recordName}" is not in the zone ${zoneName}`);
    this.record = new Route53Record(this, "record", {
      zoneId: props.hostedZone.zoneId,
      name: props.recordName,
      type: "A",
      alias: { name: props.target.dnsName, zoneId: props.target.zoneId, evaluateTargetHealth: true },
    });
    this.fqdn = props.recordName;
  }
}
