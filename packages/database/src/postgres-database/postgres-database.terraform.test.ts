import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { validateWithTerraform } from "@platform/testing";
import { App, TerraformStack } from "cdktf";
import { PostgresDatabase } from "./postgres-database";

// terraform init + validate load the 700 MB AWS provider: room to run, not a timing assertion.
const TERRAFORM_TIMEOUT_MS = 180_000;

describe("PostgresDatabase terraform validate", () => {
  it(
    "synthesizes configuration the real AWS provider 5.100.0 schema accepts",
    () => {
      const app = new App();
      const stack = new TerraformStack(app, "database");
      new AwsProvider(stack, "aws", { region: "eu-west-1" });
      const db = new PostgresDatabase(stack, "db", {
        identifier: "app-dev",
        network: { vpcId: "vpc-0123456789abcdef0", privateSubnetIds: ["subnet-a", "subnet-b"] },
        allowedSecurityGroupIds: ["sg-0123456789abcdef0"],
        maxAllocatedStorageGiB: 100,
        performanceInsights: true,
      });
      db.allowFrom(new SecurityGroup(stack, "service", { name: "service", vpcId: "vpc-0123456789abcdef0" }));
      const result = validateWithTerraform(stack);
      expect(result.errors).toEqual([]);
      expect(result.valid).toBe(true);
    },
    TERRAFORM_TIMEOUT_MS,
  );
});
