import { planResourceChanges, planSummaryLine } from "./drift";

// Shaped like `terraform plan -no-color` output after a tag was changed by hand (Terraform 1.11).
const DRIFTED = `aws_ecs_service.service_ecs-service_5F3A2B1C: Refreshing state... [id=arn:aws:ecs:eu-west-1:123456789012:service/dev-sample-service/dev-sample-service]

Note: Objects have changed outside of Terraform

Terraform detected the following changes made outside of Terraform since the last "terraform apply":

  # aws_ecs_service.service_ecs-service_5F3A2B1C has changed
  ~ resource "aws_ecs_service" "service_ecs-service_5F3A2B1C" {
      ~ tags = {
          ~ "CostCenter" = "platform-dev" -> "changed-by-hand"
        }
    }

Terraform will perform the following actions:

  # aws_ecs_service.service_ecs-service_5F3A2B1C will be updated in-place
  ~ resource "aws_ecs_service" "service_ecs-service_5F3A2B1C" {
      ~ tags = {
          ~ "CostCenter" = "changed-by-hand" -> "platform-dev"
        }
    }

  # aws_security_group.service_sg_1 must be replaced
-/+ resource "aws_security_group" "service_sg_1" {
    }

Plan: 1 to add, 1 to change, 1 to destroy.
`;

describe("drift plan parsing", () => {
  it("lists the resources the plan would act on, not the refreshed-objects notes", () => {
    expect(planResourceChanges(DRIFTED)).toEqual([
      "aws_ecs_service.service_ecs-service_5F3A2B1C will be updated in-place",
      "aws_security_group.service_sg_1 must be replaced",
    ]);
  });
  it("takes the plan's summary line", () => {
    expect(planSummaryLine(DRIFTED)).toBe("Plan: 1 to add, 1 to change, 1 to destroy.");
    expect(planSummaryLine("\nNo changes. Your infrastructure matches the configuration.\n")).toBe(
      "No changes.",
    );
  });
});
