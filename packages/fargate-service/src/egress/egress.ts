import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import type { Construct } from "constructs";

/**
 * Outbound rules of a task security group. On Fargate the image pull, log delivery and secret
 * fetch go through the task's own network interface, so 443 is always needed. All traffic when
 * `allowAllOutbound` (the database, other APIs); otherwise 443 only, plus `allowEgressTo` rules.
 */
export function addTaskEgress(scope: Construct, securityGroupId: string, allowAllOutbound: boolean): void {
  if (allowAllOutbound) {
    new VpcSecurityGroupEgressRule(scope, "egress-all", {
      securityGroupId,
      cidrIpv4: "0.0.0.0/0",
      ipProtocol: "-1",
      description: "All outbound (database, image pull, logs, secrets, APIs)",
    });
  } else {
    new VpcSecurityGroupEgressRule(scope, "egress-https", {
      securityGroupId,
      cidrIpv4: "0.0.0.0/0",
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      description: "AWS APIs: image pull, logs, secrets (NAT or VPC endpoints)",
    });
  }
}
