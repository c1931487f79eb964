import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsAvailabilityZones } from "@cdktf/provider-aws/lib/data-aws-availability-zones";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
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
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Fn, Token } from "cdktf";
import { Construct } from "constructs";
import { parseIpv4Cidr, planSubnets } from "./cidr";

/** How private subnets reach the internet. */
export const NAT_GATEWAY_MODES = ["none", "single", "perAz"] as const;
export type NatGatewayMode = (typeof NAT_GATEWAY_MODES)[number];

/** AWS services the network can reach privately. `s3` is a gateway endpoint, the rest are interface endpoints. */
export const VPC_ENDPOINT_SERVICES = ["s3", "ecr.api", "ecr.dkr", "logs", "secretsmanager", "ssm"] as const;
export type VpcEndpointService = (typeof VPC_ENDPOINT_SERVICES)[number];

/** What a Fargate task in a private subnet needs without NAT: pull from ECR (layers come from S3), write logs, read secrets. */
export const FARGATE_PRIVATE_ENDPOINTS: readonly VpcEndpointService[] = [
  "s3",
  "ecr.api",
  "ecr.dkr",
  "logs",
  "secretsmanager",
];

/** CloudWatch Logs' accepted retention periods (days). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

export const FLOW_LOG_TRAFFIC_TYPES = ["ALL", "ACCEPT", "REJECT"] as const;
export type FlowLogTrafficType = (typeof FLOW_LOG_TRAFFIC_TYPES)[number];

export const MIN_AZ_COUNT = 2;
export const MAX_AZ_COUNT = 6;
export const MIN_VPC_PREFIX_LENGTH = 16;
export const MAX_VPC_PREFIX_LENGTH = 24;

/**
 * The narrow view of a network that other constructs accept. A `Network` is one; a stack that
 * reads another stack's outputs can build one from plain values.
 */
export interface NetworkRef {
  readonly vpcId: string;
  /** The VPC's IPv4 CIDR, e.g. `10.0.0.0/16`. */
  readonly cidrBlock: string;
  /** One per availability zone, same order as the private ones. For load balancers and NAT. */
  readonly publicSubnetIds: readonly string[];
  /** One per availability zone. For tasks and databases: no route from the internet. */
  readonly privateSubnetIds: readonly string[];
}

/** VPC flow logs to CloudWatch Logs. */
export interface NetworkFlowLogsProps {
  /**
   * Days the log group keeps flow logs; one of CloudWatch Logs' values (1, 3, 5, 7, 14, 30, 60, 90, ...).
   * @default 30
   */
  readonly retentionDays?: number;
  /**
   * Which traffic to record.
   * @default "ALL"
   */
  readonly trafficType?: FlowLogTrafficType;
  /**
   * Longest time a flow is aggregated before it is written: 60 or 600.
   * @default 600
   */
  readonly maxAggregationIntervalSeconds?: number;
  /**
   * KMS key ARN to encrypt the log group with (the key policy must allow CloudWatch Logs).
   * @default CloudWatch Logs' own encryption
   */
  readonly kmsKeyArn?: string;
}

export interface NetworkProps {
  /**
   * AWS region, e.g. `eu-west-1`. Names the availability zones (when not given) and the endpoint
   * services (`com.amazonaws.<region>.<service>`).
   */
  readonly region: string;
  /**
   * Name used in `Name` tags and as a prefix of named resources (IAM role, log group, security group).
   * Letters, digits and hyphens, at most 40 characters.
   * @default the construct id
   */
  readonly name?: string;
  /**
   * The VPC's IPv4 CIDR, prefix /16../24, host bits zero.
   * @default "10.0.0.0/16"
   */
  readonly cidrBlock?: string;
  /**
   * How many availability zones to spread subnets over, 2..6.
   * @default availabilityZones.length when given, else 2
   */
  readonly azCount?: number;
  /**
   * Availability zone names, e.g. `["eu-west-1a", "eu-west-1b"]`; each in `region`, no repeats.
   * @default `<region>a`, `<region>b`, ... (`azCount` of them), or looked up when `lookupAvailabilityZones`
   */
  readonly availabilityZones?: readonly string[];
  /**
   * Read the region's available zones with the `aws_availability_zones` data source instead of
   * deriving names. Needs AWS credentials at plan time; use it where the derived letters do not
   * exist for the account (e.g. us-west-1, us-east-1e). Cannot be combined with `availabilityZones`.
   * @default false
   */
  readonly lookupAvailabilityZones?: boolean;
  /**
   * Prefix length of each private subnet; longer than the VPC's, at most 28.
   * @default VPC prefix + 3 (a /19 in a /16: 8,192 addresses per zone for tasks and databases)
   */
  readonly privateSubnetPrefixLength?: number;
  /**
   * Prefix length of each public subnet; longer than the VPC's, at most 28.
   * @default VPC prefix + 5, at most 28 (a /21 in a /16)
   */
  readonly publicSubnetPrefixLength?: number;
  /**
   * NAT gateways for the private subnets' outbound traffic: `"none"` (private subnets reach only
   * the VPC and its endpoints), `"single"` (one NAT in the first zone, shared: cheaper, but that zone
   * is a dependency of all), `"perAz"` (one per zone: survives a zone outage).
   * @default "single"
   */
  readonly natGateways?: NatGatewayMode;
  /**
   * VPC flow logs to a CloudWatch log group.
   * @default off
   */
  readonly flowLogs?: NetworkFlowLogsProps;
  /**
   * VPC endpoints to create, no repeats. Interface endpoints go in the private subnets with a security
   * group that admits 443 from the VPC CIDR only; the `s3` gateway endpoint is routed from the private
   * route tables. {@link FARGATE_PRIVATE_ENDPOINTS} is what private Fargate tasks need without NAT.
   * @default [] (none)
   */
  readonly vpcEndpoints?: readonly VpcEndpointService[];
}

const DEFAULT_CIDR_BLOCK = "10.0.0.0/16";
const DEFAULT_AZ_COUNT = 2;
const DEFAULT_FLOW_LOG_RETENTION_DAYS = 30;
const FLOW_LOG_AGGREGATION_INTERVALS = [60, 600];
const NAME_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38}[A-Za-z0-9])?$/;
const REGION_PATTERN = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
const AZ_LETTERS = "abcdef";

function fail(id: string, message: string): never {
  throw new Error(`Network "${id}": ${message}`);
}

function describeValue(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

/**
 * A VPC across 2..6 availability zones with a public and a private subnet in each, an internet
 * gateway, NAT gateways (none, one, or one per zone), optional flow logs and VPC endpoints. The VPC's
 * default security group is emptied so nothing can use it by accident.
 */
export class Network extends Construct implements NetworkRef {
  public readonly vpc: Vpc;
  public readonly vpcId: string;
  public readonly cidrBlock: string;
  /** Zone names in subnet order; Terraform expressions when `lookupAvailabilityZones`. */
  public readonly availabilityZones: readonly string[];
  public readonly publicSubnets: readonly Subnet[];
  public readonly privateSubnets: readonly Subnet[];
  public readonly publicSubnetIds: readonly string[];
  public readonly privateSubnetIds: readonly string[];
  /** Planned subnet CIDRs, index = availability zone. */
  public readonly publicSubnetCidrs: readonly string[];
  public readonly privateSubnetCidrs: readonly string[];
  public readonly internetGateway: InternetGateway;
  public readonly publicRouteTable: RouteTable;
  /** One per availability zone, whatever `natGateways` is, so changing NAT mode only changes routes. */
  public readonly privateRouteTables: readonly RouteTable[];
  public readonly natGateways: readonly NatGateway[];
  public readonly defaultSecurityGroup: DefaultSecurityGroup;
  /** Present when `flowLogs` is set. */
  public readonly flowLogGroup?: CloudwatchLogGroup;
  public readonly flowLog?: FlowLog;
  /** Present when an interface endpoint is requested. */
  public readonly endpointSecurityGroup?: SecurityGroup;
  public readonly vpcEndpoints: Readonly<Partial<Record<VpcEndpointService, VpcEndpoint>>>;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const v = validate(id, props);
    this.cidrBlock = v.cidrBlock;
    this.publicSubnetCidrs = v.plan.publicCidrs;
    this.privateSubnetCidrs = v.plan.privateCidrs;
    const name = v.name;
    const tags = (suffix: string, extra: Record<string, string> = {}) => ({
      Name: `${name}-${suffix}`,
      ...extra,
    });

    this.vpc = new Vpc(this, "vpc", {
      cidrBlock: v.cidrBlock,
      // ECS RunTask and interface endpoints' private DNS need both.
      enableDnsHostnames: true,
      enableDnsSupport: true,
      tags: { Name: name },
    });
    this.vpcId = this.vpc.id;

    // Managing the default security group with no rules removes AWS's allow-all rules from it.
    this.defaultSecurityGroup = new DefaultSecurityGroup(this, "default-security-group", {
      vpcId: this.vpc.id,
      tags: tags("default-locked"),
    });

    if (v.lookupAvailabilityZones) {
      const zones = new DataAwsAvailabilityZones(this, "availability-zones", {
        state: "available",
        // Regular zones only: Local and Wavelength Zones lack NAT gateways and most endpoints.
        filter: [{ name: "opt-in-status", values: ["opt-in-not-required"] }],
      });
      this.availabilityZones = Array.from({ length: v.azCount }, (_, i) => Fn.element(zones.names, i));
    } else {
      this.availabilityZones = v.availabilityZones;
    }

    this.internetGateway = new InternetGateway(this, "internet-gateway", {
      vpcId: this.vpc.id,
      tags: tags("igw"),
    });

    this.publicSubnets = this.availabilityZones.map(
      (az, i) =>
        new Subnet(this, `public-subnet-${i}`, {
          vpcId: this.vpc.id,
          availabilityZone: az,
          cidrBlock: v.plan.publicCidrs[i],
          // Load balancers and NAT gateways bring their own addresses; nothing else should get one.
          mapPublicIpOnLaunch: false,
          tags: tags(`public-${i}`, { Tier: "public" }),
        }),
    );
    this.privateSubnets = this.availabilityZones.map(
      (az, i) =>
        new Subnet(this, `private-subnet-${i}`, {
          vpcId: this.vpc.id,
          availabilityZone: az,
          cidrBlock: v.plan.privateCidrs[i],
          mapPublicIpOnLaunch: false,
          tags: tags(`private-${i}`, { Tier: "private" }),
        }),
    );
    this.publicSubnetIds = this.publicSubnets.map((s) => s.id);
    this.privateSubnetIds = this.privateSubnets.map((s) => s.id);

    this.publicRouteTable = new RouteTable(this, "public-route-table", {
      vpcId: this.vpc.id,
      tags: tags("public"),
    });
    new Route(this, "public-internet-route", {
      routeTableId: this.publicRouteTable.id,
      destinationCidrBlock: "0.0.0.0/0",
      gatewayId: this.internetGateway.id,
    });
    this.publicSubnets.forEach((subnet, i) => {
      new RouteTableAssociation(this, `public-route-table-association-${i}`, {
        subnetId: subnet.id,
        routeTableId: this.publicRouteTable.id,
      });
    });

    const natCount = { none: 0, single: 1, perAz: v.azCount }[v.natGateways];
    this.natGateways = Array.from({ length: natCount }, (_, i) => {
      const eip = new Eip(this, `nat-eip-${i}`, {
        domain: "vpc",
        tags: tags(`nat-${i}`),
        dependsOn: [this.internetGateway],
      });
      return new NatGateway(this, `nat-gateway-${i}`, {
        allocationId: eip.allocationId,
        subnetId: this.publicSubnets[i].id,
        tags: tags(`nat-${i}`),
        dependsOn: [this.internetGateway],
      });
    });

    this.privateRouteTables = this.privateSubnets.map((subnet, i) => {
      const table = new RouteTable(this, `private-route-table-${i}`, {
        vpcId: this.vpc.id,
        tags: tags(`private-${i}`),
      });
      new RouteTableAssociation(this, `private-route-table-association-${i}`, {
        subnetId: subnet.id,
        routeTableId: table.id,
      });
      if (natCount > 0) {
        new Route(this, `private-nat-route-${i}`, {
          routeTableId: table.id,
          destinationCidrBlock: "0.0.0.0/0",
          // Zone i uses its own NAT with perAz, else the single one.
          natGatewayId: this.natGateways[Math.min(i, natCount - 1)].id,
        });
      }
      return table;
    });

    if (v.flowLogs) {
      const { logGroup, flowLog } = this.createFlowLogs(name, props.region, v.flowLogs);
      this.flowLogGroup = logGroup;
      this.flowLog = flowLog;
    }

    const endpoints: Partial<Record<VpcEndpointService, VpcEndpoint>> = {};
    const interfaceServices = v.vpcEndpoints.filter((s) => s !== "s3");
    if (interfaceServices.length > 0) {
      this.endpointSecurityGroup = new SecurityGroup(this, "endpoint-security-group", {
        name: `${name}-vpc-endpoints`,
        description: "Interface VPC endpoints: HTTPS from inside the VPC only",
        vpcId: this.vpc.id,
        tags: tags("vpc-endpoints"),
      });
      new VpcSecurityGroupIngressRule(this, "endpoint-https-ingress", {
        securityGroupId: this.endpointSecurityGroup.id,
        description: "HTTPS from the VPC",
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        cidrIpv4: v.cidrBlock,
      });
      for (const service of interfaceServices) {
        endpoints[service] = new VpcEndpoint(this, `endpoint-${service.replace(/\./g, "-")}`, {
          vpcId: this.vpc.id,
          serviceName: `com.amazonaws.${props.region}.${service}`,
          vpcEndpointType: "Interface",
          // So the usual service host names resolve to the endpoint inside the VPC.
          privateDnsEnabled: true,
          subnetIds: [...this.privateSubnetIds],
          securityGroupIds: [this.endpointSecurityGroup.id],
          tags: tags(`endpoint-${service}`),
        });
      }
    }
    if (v.vpcEndpoints.includes("s3")) {
      endpoints.s3 = new VpcEndpoint(this, "endpoint-s3", {
        vpcId: this.vpc.id,
        serviceName: `com.amazonaws.${props.region}.s3`,
        vpcEndpointType: "Gateway",
        routeTableIds: this.privateRouteTables.map((t) => t.id),
        tags: tags("endpoint-s3"),
      });
    }
    this.vpcEndpoints = endpoints;
  }

  private createFlowLogs(name: string, region: string, flowLogs: ResolvedFlowLogs) {
    const logGroup = new CloudwatchLogGroup(this, "flow-log-group", {
      name: `/vpc/${name}/flow-logs`,
      retentionInDays: flowLogs.retentionDays,
      kmsKeyId: flowLogs.kmsKeyArn,
      tags: { Name: `${name}-flow-logs` },
    });
    // The VPC's owner is this account; the partition comes from the provider config (no API call).
    const accountId = this.vpc.ownerId;
    const partition = new DataAwsPartition(this, "partition").partition;
    const role = new IamRole(this, "flow-log-role", {
      name: `${name}-vpc-flow-logs`,
      description: `Lets VPC Flow Logs write to ${name}'s flow log group`,
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "vpc-flow-logs.amazonaws.com" },
            Action: "sts:AssumeRole",
            // Confused-deputy guard: only flow logs of this account may use the role.
            Condition: {
              StringEquals: { "aws:SourceAccount": accountId },
              ArnLike: { "aws:SourceArn": `arn:${partition}:ec2:${region}:${accountId}:vpc-flow-log/*` },
            },
          },
        ],
      }),
      tags: { Name: `${name}-vpc-flow-logs` },
    });
    new IamRolePolicy(this, "flow-log-role-policy", {
      role: role.id,
      name: "write-flow-logs",
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
            Resource: [logGroup.arn, `${logGroup.arn}:*`],
          },
          {
            // DescribeLogGroups is a list call that cannot name one group; keep it to this account and region.
            Effect: "Allow",
            Action: "logs:DescribeLogGroups",
            Resource: `arn:${partition}:logs:${region}:${accountId}:log-group:*`,
          },
        ],
      }),
    });
    const flowLog = new FlowLog(this, "flow-log", {
      vpcId: this.vpc.id,
      trafficType: flowLogs.trafficType,
      logDestinationType: "cloud-watch-logs",
      logDestination: logGroup.arn,
      iamRoleArn: role.arn,
      maxAggregationInterval: flowLogs.maxAggregationIntervalSeconds,
      tags: { Name: `${name}-flow-logs` },
    });
    return { logGroup, flowLog };
  }
}

interface ResolvedFlowLogs {
  readonly retentionDays: number;
  readonly trafficType: FlowLogTrafficType;
  readonly maxAggregationIntervalSeconds: number;
  readonly kmsKeyArn?: string;
}

interface ValidatedProps {
  readonly name: string;
  readonly cidrBlock: string;
  readonly azCount: number;
  readonly availabilityZones: readonly string[];
  readonly lookupAvailabilityZones: boolean;
  readonly natGateways: NatGatewayMode;
  readonly plan: ReturnType<typeof planSubnets>;
  readonly flowLogs?: ResolvedFlowLogs;
  readonly vpcEndpoints: readonly VpcEndpointService[];
}

/** Checks every prop before any resource exists; messages name the prop and the allowed values. */
function validate(id: string, props: NetworkProps): ValidatedProps {
  const name = props.name ?? id;
  if (!NAME_PATTERN.test(name)) {
    fail(
      id,
      `name must be 1-40 letters, digits or hyphens, not starting or ending with a hyphen (got ${describeValue(name)})`,
    );
  }

  const regionIsToken = Token.isUnresolved(props.region);
  if (!regionIsToken && !REGION_PATTERN.test(props.region)) {
    fail(id, `region must be an AWS region name such as eu-west-1 (got ${describeValue(props.region)})`);
  }

  const cidrBlock = props.cidrBlock ?? DEFAULT_CIDR_BLOCK;
  if (Token.isUnresolved(cidrBlock)) {
    fail(id, "cidrBlock must be a literal CIDR string: subnets are computed from it at synth time");
  }
  let vpcPrefix: number;
  try {
    vpcPrefix = parseIpv4Cidr(cidrBlock, "cidrBlock").prefixLength;
  } catch (e) {
    fail(id, (e as Error).message);
  }
  if (vpcPrefix < MIN_VPC_PREFIX_LENGTH || vpcPrefix > MAX_VPC_PREFIX_LENGTH) {
    fail(
      id,
      `cidrBlock must have a prefix length from /${MIN_VPC_PREFIX_LENGTH} to /${MAX_VPC_PREFIX_LENGTH} (got ${cidrBlock})`,
    );
  }

  const lookup = props.lookupAvailabilityZones ?? false;
  const given = props.availabilityZones;
  if (lookup && given) {
    fail(id, "availabilityZones and lookupAvailabilityZones cannot both be set: pass names or look them up");
  }
  const azCount = props.azCount ?? given?.length ?? DEFAULT_AZ_COUNT;
  if (!Number.isInteger(azCount) || azCount < MIN_AZ_COUNT || azCount > MAX_AZ_COUNT) {
    fail(
      id,
      `azCount must be an integer from ${MIN_AZ_COUNT} to ${MAX_AZ_COUNT} (got ${describeValue(azCount)})`,
    );
  }
  let availabilityZones: readonly string[] = [];
  if (given) {
    if (given.length !== azCount) {
      fail(
        id,
        `availabilityZones has ${given.length} names but azCount is ${azCount}; give exactly azCount names`,
      );
    }
    if (new Set(given).size !== given.length) {
      fail(id, `availabilityZones must not repeat a zone (got ${describeValue(given)})`);
    }
    for (const az of given) {
      if (Token.isUnresolved(az)) continue;
      if (!regionIsToken && !(az.startsWith(props.region) && /^[a-z]$/.test(az.slice(props.region.length)))) {
        fail(
          id,
          `availabilityZones must be zones of region ${props.region}, e.g. ${props.region}a (got ${describeValue(az)})`,
        );
      }
    }
    availabilityZones = given;
  } else if (!lookup) {
    if (regionIsToken) {
      fail(
        id,
        "region is a Terraform expression, so zone names cannot be derived: set availabilityZones or lookupAvailabilityZones",
      );
    }
    availabilityZones = Array.from({ length: azCount }, (_, i) => `${props.region}${AZ_LETTERS[i]}`);
  }

  const privatePrefix = props.privateSubnetPrefixLength ?? vpcPrefix + 3;
  const publicPrefix = props.publicSubnetPrefixLength ?? Math.min(vpcPrefix + 5, 28);
  let plan: ReturnType<typeof planSubnets>;
  try {
    plan = planSubnets({
      vpcCidr: cidrBlock,
      azCount,
      privatePrefixLength: privatePrefix,
      publicPrefixLength: publicPrefix,
    });
  } catch (e) {
    fail(id, (e as Error).message);
  }

  const natGateways = props.natGateways ?? "single";
  if (!NAT_GATEWAY_MODES.includes(natGateways)) {
    fail(
      id,
      `natGateways must be one of ${NAT_GATEWAY_MODES.join(", ")} (got ${describeValue(natGateways)})`,
    );
  }

  let flowLogs: ValidatedProps["flowLogs"];
  if (props.flowLogs) {
    const f = props.flowLogs;
    flowLogs = {
      retentionDays: f.retentionDays ?? DEFAULT_FLOW_LOG_RETENTION_DAYS,
      trafficType: f.trafficType ?? "ALL",
      maxAggregationIntervalSeconds: f.maxAggregationIntervalSeconds ?? 600,
      kmsKeyArn: f.kmsKeyArn,
    };
    if (!(LOG_RETENTION_DAYS as readonly number[]).includes(flowLogs.retentionDays)) {
      fail(
        id,
        `flowLogs.retentionDays must be one of ${LOG_RETENTION_DAYS.join(", ")} (got ${describeValue(flowLogs.retentionDays)})`,
      );
    }
    if (!FLOW_LOG_TRAFFIC_TYPES.includes(flowLogs.trafficType)) {
      fail(
        id,
        `flowLogs.trafficType must be one of ${FLOW_LOG_TRAFFIC_TYPES.join(", ")} (got ${describeValue(flowLogs.trafficType)})`,
      );
    }
    if (!FLOW_LOG_AGGREGATION_INTERVALS.includes(flowLogs.maxAggregationIntervalSeconds)) {
      fail(
        id,
        `flowLogs.maxAggregationIntervalSeconds must be 60 or 600 (got ${describeValue(flowLogs.maxAggregationIntervalSeconds)})`,
      );
    }
    if (
      f.kmsKeyArn !== undefined &&
      !Token.isUnresolved(f.kmsKeyArn) &&
      !/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/.test(f.kmsKeyArn)
    ) {
      fail(
        id,
        `flowLogs.kmsKeyArn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>) (got ${describeValue(f.kmsKeyArn)})`,
      );
    }
  }

  const vpcEndpoints = props.vpcEndpoints ?? [];
  for (const service of vpcEndpoints) {
    if (!VPC_ENDPOINT_SERVICES.includes(service)) {
      fail(
        id,
        `vpcEndpoints entries must be among ${VPC_ENDPOINT_SERVICES.join(", ")} (got ${describeValue(service)})`,
      );
    }
  }
  if (new Set(vpcEndpoints).size !== vpcEndpoints.length) {
    fail(id, `vpcEndpoints must not repeat a service (got ${describeValue(vpcEndpoints)})`);
  }
  if (natGateways === "none" && vpcEndpoints.includes("ecr.dkr") && !vpcEndpoints.includes("s3")) {
    fail(
      id,
      'vpcEndpoints with "ecr.dkr" and natGateways "none" also needs "s3": ECR serves image layers from S3',
    );
  }

  return {
    name,
    cidrBlock,
    azCount,
    availabilityZones,
    lookupAvailabilityZones: lookup,
    natGateways,
    plan,
    flowLogs,
    vpcEndpoints,
  };
}
