import "cdktf/lib/testing/adapters/jest";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsAvailabilityZones } from "@cdktf/provider-aws/lib/data-aws-availability-zones";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { Route } from "@cdktf/provider-aws/lib/route";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { TerraformVariable, Testing } from "cdktf";
import {
  FARGATE_PRIVATE_ENDPOINTS,
  type FlowLogTrafficType,
  type NatGatewayMode,
  Network,
  type NetworkProps,
  type NetworkRef,
  type VpcEndpointService,
} from "./network";

Testing.setupJest();

/** A Terraform reference as cdktf writes it into the JSON: `${expr}`. */
const ref = (expr: string) => `\${${expr}}`;

type Block = Record<string, unknown>;
type ResourceClass = { readonly tfResourceType: string };

function synth(props: Partial<NetworkProps> = {}): string {
  return Testing.synthScope((scope) => {
    new Network(scope, "net", { region: "eu-west-1", ...props });
  });
}

/** The synthesized blocks of one resource type, ordered by logical id (private-* before public-*). */
function resources(json: string, type: ResourceClass): Block[] {
  const parsed = JSON.parse(json) as { resource?: Record<string, Record<string, Block>> };
  return Object.values(parsed.resource?.[type.tfResourceType] ?? {});
}

function build(props: Partial<NetworkProps> = {}): Network {
  let network: Network | undefined;
  Testing.synthScope((scope) => {
    network = new Network(scope, "net", { region: "eu-west-1", ...props });
  });
  return network!;
}

describe("Network defaults", () => {
  const json = synth();

  it("creates a /16 VPC with DNS hostnames and DNS support on", () => {
    expect(json).toHaveResourceWithProperties(Vpc, {
      cidr_block: "10.0.0.0/16",
      enable_dns_hostnames: true,
      enable_dns_support: true,
    });
  });

  it("locks down the default security group (no rules at all)", () => {
    const [sg] = resources(json, DefaultSecurityGroup);
    expect(sg).toBeDefined();
    expect(sg).not.toHaveProperty("ingress");
    expect(sg).not.toHaveProperty("egress");
  });

  it("spreads a public and a private subnet over two derived zones", () => {
    const subnets = resources(json, Subnet);
    expect(subnets.map((s) => [s.availability_zone, s.cidr_block, (s.tags as Block).Tier])).toEqual([
      ["eu-west-1a", "10.0.0.0/19", "private"],
      ["eu-west-1b", "10.0.32.0/19", "private"],
      ["eu-west-1a", "10.0.248.0/21", "public"],
      ["eu-west-1b", "10.0.240.0/21", "public"],
    ]);
    expect(subnets.every((s) => s.map_public_ip_on_launch === false)).toBe(true);
  });

  it("routes the public subnets to an internet gateway", () => {
    expect(json).toHaveResource(InternetGateway);
    expect(json).toHaveResourceWithProperties(Route, {
      destination_cidr_block: "0.0.0.0/0",
      gateway_id: ref("aws_internet_gateway.net_internet-gateway_96D1ADCB.id"),
      route_table_id: ref("aws_route_table.net_public-route-table_142DED7A.id"),
    });
    expect(resources(json, RouteTableAssociation)).toHaveLength(4);
  });

  it("uses a single NAT gateway in the first public subnet for every private route table", () => {
    const nats = resources(json, NatGateway);
    expect(nats).toHaveLength(1);
    expect(nats[0].subnet_id).toBe(ref("aws_subnet.net_public-subnet-0_F2591545.id"));
    expect(resources(json, Eip)).toEqual([expect.objectContaining({ domain: "vpc" })]);
    const natRoutes = resources(json, Route).filter((r) => r.nat_gateway_id);
    expect(natRoutes.map((r) => r.nat_gateway_id)).toEqual([
      ref("aws_nat_gateway.net_nat-gateway-0_9FB4A760.id"),
      ref("aws_nat_gateway.net_nat-gateway-0_9FB4A760.id"),
    ]);
  });

  it("gives every zone its own private route table", () => {
    expect(resources(json, RouteTable)).toHaveLength(3);
  });

  it("has no flow logs, endpoints or zone lookup", () => {
    for (const type of [FlowLog, CloudwatchLogGroup, IamRole, VpcEndpoint, SecurityGroup]) {
      expect(json).not.toHaveResource(type);
    }
    expect(json).not.toHaveDataSource(DataAwsAvailabilityZones);
  });

  it("exposes the handles other constructs use", () => {
    const network = build();
    const networkRef: NetworkRef = network;
    expect(networkRef.cidrBlock).toBe("10.0.0.0/16");
    expect(networkRef.publicSubnetIds).toHaveLength(2);
    expect(networkRef.privateSubnetIds).toHaveLength(2);
    expect(network.availabilityZones).toEqual(["eu-west-1a", "eu-west-1b"]);
    expect(network.privateSubnetCidrs).toEqual(["10.0.0.0/19", "10.0.32.0/19"]);
    expect(network.publicSubnetCidrs).toEqual(["10.0.248.0/21", "10.0.240.0/21"]);
    expect(network.natGateways).toHaveLength(1);
    expect(network.flowLogGroup).toBeUndefined();
    expect(network.endpointSecurityGroup).toBeUndefined();
  });
});

describe("Network props", () => {
  it('natGateways "perAz" creates one NAT gateway and private route per zone', () => {
    const json = synth({ azCount: 3, natGateways: "perAz" });
    const nats = resources(json, NatGateway);
    expect(nats.map((n) => n.subnet_id)).toEqual([
      ref("aws_subnet.net_public-subnet-0_F2591545.id"),
      ref("aws_subnet.net_public-subnet-1_18331A35.id"),
      ref("aws_subnet.net_public-subnet-2_56ADAEA4.id"),
    ]);
    expect(resources(json, Eip)).toHaveLength(3);
    expect(resources(json, RouteTable)).toHaveLength(4);
    const natRoutes = resources(json, Route).filter((r) => r.nat_gateway_id);
    expect(new Set(natRoutes.map((r) => r.nat_gateway_id)).size).toBe(3);
    expect(new Set(natRoutes.map((r) => r.route_table_id)).size).toBe(3);
  });

  it('natGateways "none" creates no NAT gateway, EIP or default route for private subnets', () => {
    const json = synth({ natGateways: "none" });
    expect(json).not.toHaveResource(NatGateway);
    expect(json).not.toHaveResource(Eip);
    expect(resources(json, Route)).toHaveLength(1); // the public subnets' internet route
    expect(resources(json, RouteTable)).toHaveLength(3);
  });

  it("availabilityZones sets the zones and the zone count", () => {
    const json = synth({ availabilityZones: ["eu-west-1c", "eu-west-1a", "eu-west-1b"] });
    const zones = resources(json, Subnet).map((s) => s.availability_zone);
    expect(zones).toEqual([
      "eu-west-1c",
      "eu-west-1a",
      "eu-west-1b",
      "eu-west-1c",
      "eu-west-1a",
      "eu-west-1b",
    ]);
  });

  it("lookupAvailabilityZones reads regular zones from the aws_availability_zones data source", () => {
    const json = synth({ lookupAvailabilityZones: true, azCount: 2 });
    expect(json).toHaveDataSourceWithProperties(DataAwsAvailabilityZones, {
      state: "available",
      filter: [{ name: "opt-in-status", values: ["opt-in-not-required"] }],
    });
    const zones = resources(json, Subnet).map((s) => s.availability_zone);
    expect(zones.slice(0, 2)).toEqual([
      ref("element(data.aws_availability_zones.net_availability-zones_29D87498.names, 0)"),
      ref("element(data.aws_availability_zones.net_availability-zones_29D87498.names, 1)"),
    ]);
  });

  it("cidrBlock and the prefix lengths set the subnet layout", () => {
    const network = build({
      cidrBlock: "172.20.0.0/20",
      privateSubnetPrefixLength: 23,
      publicSubnetPrefixLength: 26,
    });
    expect(network.privateSubnetCidrs).toEqual(["172.20.0.0/23", "172.20.2.0/23"]);
    expect(network.publicSubnetCidrs).toEqual(["172.20.15.192/26", "172.20.15.128/26"]);
  });

  it("caps the default public prefix at /28 for a /24 VPC", () => {
    const network = build({ cidrBlock: "10.1.2.0/24" });
    expect(network.privateSubnetCidrs).toEqual(["10.1.2.0/27", "10.1.2.32/27"]);
    expect(network.publicSubnetCidrs).toEqual(["10.1.2.240/28", "10.1.2.224/28"]);
  });

  it("default prefixes fit 6 zones in every VPC from /16 to /23, and 5 in a /24", () => {
    for (let prefix = 16; prefix <= 23; prefix++) {
      expect(build({ cidrBlock: `10.0.0.0/${prefix}`, azCount: 6 }).privateSubnetIds).toHaveLength(6);
    }
    expect(build({ cidrBlock: "10.0.0.0/24", azCount: 5 }).privateSubnetIds).toHaveLength(5);
    expect(() => build({ cidrBlock: "10.0.0.0/24", azCount: 6 })).toThrow(/do not fit 6 availability zones/);
  });

  it("name prefixes the Name tags", () => {
    const json = synth({ name: "dev" });
    expect(json).toHaveResourceWithProperties(Vpc, { tags: { Name: "dev" } });
    expect(json).toHaveResourceWithProperties(Subnet, { tags: { Name: "dev-private-1", Tier: "private" } });
  });

  describe("flowLogs", () => {
    const json = synth({ name: "dev", flowLogs: {} });

    it("sends all traffic to a log group with 30 days' retention", () => {
      expect(json).toHaveResourceWithProperties(CloudwatchLogGroup, {
        name: "/vpc/dev/flow-logs",
        retention_in_days: 30,
      });
      expect(json).toHaveResourceWithProperties(FlowLog, {
        traffic_type: "ALL",
        log_destination_type: "cloud-watch-logs",
        log_destination: ref("aws_cloudwatch_log_group.net_flow-log-group_FC5A1DD4.arn"),
        iam_role_arn: ref("aws_iam_role.net_flow-log-role_F2008DAD.arn"),
        max_aggregation_interval: 600,
        vpc_id: ref("aws_vpc.net_vpc_189A1278.id"),
      });
    });

    it("uses a role only VPC Flow Logs of this account can assume", () => {
      const [role] = resources(json, IamRole);
      const policy = JSON.parse(role.assume_role_policy as string);
      expect(policy.Statement).toEqual([
        expect.objectContaining({
          Principal: { Service: "vpc-flow-logs.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: expect.objectContaining({ StringEquals: { "aws:SourceAccount": expect.any(String) } }),
        }),
      ]);
    });

    it("lets the role write only to its own log group", () => {
      const [rolePolicy] = resources(json, IamRolePolicy);
      const statements = JSON.parse(rolePolicy.policy as string).Statement as Block[];
      const logGroupArn = ref("aws_cloudwatch_log_group.net_flow-log-group_FC5A1DD4.arn");
      expect(statements[0]).toEqual({
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
        Resource: [logGroupArn, `${logGroupArn}:*`],
      });
      expect(statements[1].Resource).toMatch(/^arn:\$\{.*\}:logs:eu-west-1:\$\{.*\}:log-group:\*$/);
      expect(statements.flatMap((s) => s.Resource)).not.toContain("*");
    });

    it("takes retention, traffic type, aggregation interval and a KMS key", () => {
      const kmsKeyArn = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
      const custom = synth({
        flowLogs: { retentionDays: 365, trafficType: "REJECT", maxAggregationIntervalSeconds: 60, kmsKeyArn },
      });
      expect(custom).toHaveResourceWithProperties(CloudwatchLogGroup, {
        retention_in_days: 365,
        kms_key_id: kmsKeyArn,
      });
      expect(custom).toHaveResourceWithProperties(FlowLog, {
        traffic_type: "REJECT",
        max_aggregation_interval: 60,
      });
    });
  });

  describe("vpcEndpoints", () => {
    const json = synth({ vpcEndpoints: FARGATE_PRIVATE_ENDPOINTS, natGateways: "none" });
    const endpoints = resources(json, VpcEndpoint);

    it("creates interface endpoints with private DNS in the private subnets", () => {
      const interfaces = endpoints.filter((e) => e.vpc_endpoint_type === "Interface");
      expect(interfaces.map((e) => e.service_name)).toEqual([
        "com.amazonaws.eu-west-1.ecr.api",
        "com.amazonaws.eu-west-1.ecr.dkr",
        "com.amazonaws.eu-west-1.logs",
        "com.amazonaws.eu-west-1.secretsmanager",
      ]);
      for (const e of interfaces) {
        expect(e).toEqual(
          expect.objectContaining({
            private_dns_enabled: true,
            subnet_ids: [
              ref("aws_subnet.net_private-subnet-0_2B9AFAEE.id"),
              ref("aws_subnet.net_private-subnet-1_6A2FDE73.id"),
            ],
            security_group_ids: [ref("aws_security_group.net_endpoint-security-group_541B741F.id")],
          }),
        );
      }
    });

    it("admits only HTTPS from the VPC CIDR to the interface endpoints", () => {
      const [sg] = resources(json, SecurityGroup);
      expect(sg).not.toHaveProperty("ingress");
      expect(sg).not.toHaveProperty("egress");
      expect(resources(json, VpcSecurityGroupIngressRule)).toEqual([
        expect.objectContaining({
          ip_protocol: "tcp",
          from_port: 443,
          to_port: 443,
          cidr_ipv4: "10.0.0.0/16",
        }),
      ]);
      expect(json).not.toHaveResource(VpcSecurityGroupEgressRule);
    });

    it("routes S3 through a gateway endpoint from every private route table", () => {
      expect(endpoints.filter((e) => e.vpc_endpoint_type === "Gateway")).toEqual([
        expect.objectContaining({
          service_name: "com.amazonaws.eu-west-1.s3",
          route_table_ids: [
            ref("aws_route_table.net_private-route-table-0_573D7520.id"),
            ref("aws_route_table.net_private-route-table-1_9F4F3679.id"),
          ],
        }),
      ]);
    });

    it("creates no security group when only the s3 gateway endpoint is requested", () => {
      const s3Only = synth({ vpcEndpoints: ["s3"] });
      expect(s3Only).not.toHaveResource(SecurityGroup);
      expect(resources(s3Only, VpcEndpoint)).toHaveLength(1);
    });
  });
});

describe("Network validation", () => {
  const make = (props: Partial<NetworkProps>) => () => build(props);

  it("rejects an invalid name", () => {
    expect(make({ name: "-bad name" })).toThrow(/Network "net": name must be 1-40 letters/);
  });

  it("rejects a malformed region", () => {
    expect(make({ region: "Ireland" })).toThrow(/region must be an AWS region name/);
  });

  it("rejects a malformed cidrBlock", () => {
    expect(make({ cidrBlock: "10.0.0.0" })).toThrow(/cidrBlock must be an IPv4 CIDR block/);
  });

  it("rejects a cidrBlock with host bits set", () => {
    expect(make({ cidrBlock: "10.0.0.1/16" })).toThrow(
      /cidrBlock "10.0.0.1\/16" has host bits set; did you mean 10.0.0.0\/16/,
    );
  });

  it.each(["10.0.0.0/8", "10.0.0.0/25"])("rejects cidrBlock %s outside /16../24", (cidrBlock) => {
    expect(make({ cidrBlock })).toThrow(/cidrBlock must have a prefix length from \/16 to \/24/);
  });

  it("rejects a cidrBlock that is a Terraform expression", () => {
    expect(() =>
      Testing.synthScope((scope) => {
        const cidr = new TerraformVariable(scope, "cidr", { type: "string" });
        new Network(scope, "net", { region: "eu-west-1", cidrBlock: cidr.stringValue });
      }),
    ).toThrow(/cidrBlock must be a literal CIDR string/);
  });

  it.each([1, 7, 2.5])("rejects azCount %p", (azCount) => {
    expect(make({ azCount })).toThrow(/azCount must be an integer from 2 to 6/);
  });

  it("rejects availabilityZones together with lookupAvailabilityZones", () => {
    expect(make({ availabilityZones: ["eu-west-1a", "eu-west-1b"], lookupAvailabilityZones: true })).toThrow(
      /availabilityZones and lookupAvailabilityZones cannot both be set/,
    );
  });

  it("rejects availabilityZones whose length differs from azCount", () => {
    expect(make({ availabilityZones: ["eu-west-1a", "eu-west-1b"], azCount: 3 })).toThrow(
      /availabilityZones has 2 names but azCount is 3/,
    );
  });

  it("rejects a repeated availability zone", () => {
    expect(make({ availabilityZones: ["eu-west-1a", "eu-west-1a"] })).toThrow(
      /availabilityZones must not repeat/,
    );
  });

  it("rejects a zone outside the region", () => {
    expect(make({ availabilityZones: ["eu-west-1a", "us-east-1b"] })).toThrow(
      /availabilityZones must be zones of region eu-west-1.*"us-east-1b"/,
    );
  });

  it("rejects a region expression without zone names or lookup", () => {
    expect(() =>
      Testing.synthScope((scope) => {
        const region = new TerraformVariable(scope, "region", { type: "string" });
        new Network(scope, "net", { region: region.stringValue });
      }),
    ).toThrow(/region is a Terraform expression.*set availabilityZones or lookupAvailabilityZones/);
  });

  it("rejects a privateSubnetPrefixLength not longer than the VPC's", () => {
    expect(make({ privateSubnetPrefixLength: 16 })).toThrow(
      /privateSubnetPrefixLength must be an integer from 17 to 28/,
    );
  });

  it("rejects a publicSubnetPrefixLength beyond /28", () => {
    expect(make({ publicSubnetPrefixLength: 30 })).toThrow(
      /publicSubnetPrefixLength must be an integer from 17 to 28/,
    );
  });

  it("rejects subnets that do not fit the VPC", () => {
    expect(make({ azCount: 6, privateSubnetPrefixLength: 18, publicSubnetPrefixLength: 20 })).toThrow(
      /do not fit 6 availability zones into cidrBlock 10.0.0.0\/16/,
    );
  });

  it("rejects an unknown natGateways mode", () => {
    expect(make({ natGateways: "double" as unknown as NatGatewayMode })).toThrow(
      /natGateways must be one of none, single, perAz \(got "double"\)/,
    );
  });

  it("rejects a flowLogs.retentionDays CloudWatch does not accept", () => {
    expect(make({ flowLogs: { retentionDays: 10 } })).toThrow(
      /flowLogs.retentionDays must be one of 1, 3, 5, 7, 14, 30/,
    );
  });

  it("rejects an unknown flowLogs.trafficType", () => {
    expect(make({ flowLogs: { trafficType: "SOME" as unknown as FlowLogTrafficType } })).toThrow(
      /flowLogs.trafficType must be one of ALL, ACCEPT, REJECT/,
    );
  });

  it("rejects a flowLogs.maxAggregationIntervalSeconds other than 60 or 600", () => {
    expect(make({ flowLogs: { maxAggregationIntervalSeconds: 300 } })).toThrow(
      /flowLogs.maxAggregationIntervalSeconds must be 60 or 600/,
    );
  });

  it("rejects a flowLogs.kmsKeyArn that is not a KMS key ARN", () => {
    expect(make({ flowLogs: { kmsKeyArn: "alias/my-key" } })).toThrow(
      /flowLogs.kmsKeyArn must be a KMS key ARN/,
    );
  });

  it("rejects an unknown endpoint service", () => {
    expect(make({ vpcEndpoints: ["s3", "dynamodb" as VpcEndpointService] })).toThrow(
      /vpcEndpoints entries must be among s3, ecr.api, ecr.dkr, logs, secretsmanager, ssm \(got "dynamodb"\)/,
    );
  });

  it("rejects a repeated endpoint service", () => {
    expect(make({ vpcEndpoints: ["logs", "logs"] })).toThrow(/vpcEndpoints must not repeat a service/);
  });

  it("rejects ecr.dkr without s3 when there is no NAT", () => {
    expect(make({ vpcEndpoints: ["ecr.api", "ecr.dkr"], natGateways: "none" })).toThrow(
      /vpcEndpoints with "ecr.dkr" and natGateways "none" also needs "s3"/,
    );
  });
});
