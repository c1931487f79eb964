import type { AwsEnvironmentConfig } from "@platform/env-config";
import { Network } from "@platform/network";
import type { Construct } from "constructs";
import { AwsLayerStack, type AwsLayerStackProps } from "./aws-layer-stack";
import type { NetworkOutputs } from "./stack-outputs";

export interface NetworkStackProps extends Omit<AwsLayerStackProps, "region"> {
  readonly config: AwsEnvironmentConfig;
}

/**
 * `network-<env>`: the VPC, subnets per AZ, NAT per config, flow logs to CloudWatch (retention: the
 * environment's logRetentionDays). Exports ids for the layers above.
 */
export class NetworkStack extends AwsLayerStack {
  public readonly network: Network;

  constructor(scope: Construct, id: string, props: NetworkStackProps) {
    super(scope, id, { ...props, region: props.config.region });
    const { config } = props;
    this.network = new Network(this, "network", {
      name: config.name,
      region: config.region,
      cidrBlock: config.network.vpcCidr,
      azCount: config.network.azCount,
      natGateways: config.network.natGateways,
      // Accepted and rejected traffic of every environment, kept as long as its service logs.
      flowLogs: { retentionDays: config.logRetentionDays },
    });
    this.exportOutputs<NetworkOutputs>({
      vpc_id: this.network.vpcId,
      vpc_cidr: this.network.cidrBlock,
      public_subnet_ids: [...this.network.publicSubnetIds],
      private_subnet_ids: [...this.network.privateSubnetIds],
      availability_zones: [...this.network.availabilityZones],
    });
  }
}
