import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { validateWithTerraform } from "@platform/testing";
import { App, TerraformStack } from "cdktf";
import { ContainerRegistry } from "./container-registry";

// init + validate load the real AWS provider (about 700 MB): allow minutes, assert nothing about time.
const TERRAFORM_TIMEOUT_MS = 180_000;

it(
  "ContainerRegistry validates against the real AWS provider schema (AES256 and KMS)",
  () => {
    const stack = new TerraformStack(new App(), "registry");
    new AwsProvider(stack, "aws", { region: "eu-west-1" });
    new ContainerRegistry(stack, "aes", { repositoryName: "platform/sample-service" });
    new ContainerRegistry(stack, "kms", {
      repositoryName: "platform/kms-encrypted",
      kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
      maxTaggedImages: 10,
      untaggedExpiryDays: 1,
      forceDelete: true,
    });
    const result = validateWithTerraform(stack);
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
  },
  TERRAFORM_TIMEOUT_MS,
);
