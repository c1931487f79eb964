import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { validateWithTerraform } from "@platform/testing";
import { App, TerraformStack } from "cdktf";
import { FARGATE_PRIVATE_ENDPOINTS, Network, type NetworkProps } from "./network";

// init + validate load the real AWS provider (about 700 MB): allow minutes, assert nothing about time.
const TERRAFORM_TIMEOUT_MS = 180_000;

function stackWith(props: NetworkProps): TerraformStack {
  const stack = new TerraformStack(new App(), "network");
  new AwsProvider(stack, "aws", { region: props.region });
  new Network(stack, "net", props);
  return stack;
}

describe("Network against the real AWS provider schema", () => {
  it(
    "validates with every option on (perAz NAT, flow logs, all endpoints)",
    () => {
      const result = validateWithTerraform(
        stackWith({
          region: "eu-west-1",
          azCount: 3,
          natGateways: "perAz",
          flowLogs: { retentionDays: 90 },
          vpcEndpoints: [...FARGATE_PRIVATE_ENDPOINTS, "ssm"],
        }),
      );
      expect(result.errors).toEqual([]);
      expect(result.valid).toBe(true);
    },
    TERRAFORM_TIMEOUT_MS,
  );

  it(
    "validates with zones looked up and no NAT",
    () => {
      const result = validateWithTerraform(
        stackWith({ region: "us-west-1", lookupAvailabilityZones: true, natGateways: "none" }),
      );
      expect(result.errors).toEqual([]);
      expect(result.valid).toBe(true);
    },
    TERRAFORM_TIMEOUT_MS,
  );
});
