import "cdktf/lib/testing/adapters/jest";
import { EcrLifecyclePolicy } from "@cdktf/provider-aws/lib/ecr-lifecycle-policy";
import { EcrRepository } from "@cdktf/provider-aws/lib/ecr-repository";
import { TerraformOutput, TerraformVariable, Testing } from "cdktf";
import {
  ContainerRegistry,
  type ContainerRegistryProps,
  DEFAULT_DEPLOYED_TAG_PREFIX,
  DEPLOYED_IMAGES_KEPT,
  type ImageRepositoryRef,
} from "./container-registry";

Testing.setupJest();

/** A Terraform reference as cdktf writes it into the JSON: `${expr}`. */
const ref = (expr: string) => `\${${expr}}`;

function synth(props: Partial<ContainerRegistryProps> = {}): string {
  return Testing.synthScope((scope) => {
    new ContainerRegistry(scope, "registry", { repositoryName: "platform/sample-service", ...props });
  });
}

interface LifecycleRule {
  readonly rulePriority: number;
  readonly selection: Record<string, unknown>;
  readonly action: { readonly type: string };
}

function lifecycleRules(json: string): LifecycleRule[] {
  const parsed = JSON.parse(json) as { resource: Record<string, Record<string, { policy: string }>> };
  const [policy] = Object.values(parsed.resource[EcrLifecyclePolicy.tfResourceType]);
  return JSON.parse(policy.policy).rules;
}

describe("ContainerRegistry defaults", () => {
  const json = synth();

  it("creates an immutable, scan-on-push, AES256-encrypted repository that refuses to delete images", () => {
    expect(json).toHaveResourceWithProperties(EcrRepository, {
      name: "platform/sample-service",
      image_tag_mutability: "IMMUTABLE",
      image_scanning_configuration: { scan_on_push: true },
      encryption_configuration: [{ encryption_type: "AES256" }],
      force_delete: false,
    });
  });

  it("keeps deployed- images first, expires untagged images after 7 days and keeps the last 50 tagged images", () => {
    expect(json).toHaveResourceWithProperties(EcrLifecyclePolicy, {
      repository: ref("aws_ecr_repository.registry_repository_BAFE171E.name"),
    });
    expect(lifecycleRules(json)).toEqual([
      {
        rulePriority: 1,
        description: "Keep images tagged deployed-* (deployed to an environment)",
        selection: {
          tagStatus: "tagged",
          tagPrefixList: ["deployed-"],
          countType: "imageCountMoreThan",
          countNumber: 9999,
        },
        action: { type: "expire" },
      },
      {
        rulePriority: 2,
        description: "Expire untagged images 7 days after push",
        selection: {
          tagStatus: "untagged",
          countType: "sinceImagePushed",
          countUnit: "days",
          countNumber: 7,
        },
        action: { type: "expire" },
      },
      {
        rulePriority: 3,
        description: "Keep the 50 most recent tagged images",
        selection: {
          tagStatus: "tagged",
          tagPatternList: ["*"],
          countType: "imageCountMoreThan",
          countNumber: 50,
        },
        action: { type: "expire" },
      },
    ]);
  });

  it("the deployed rule has the lowest rulePriority of all, so no other rule can expire a deployed image", () => {
    const rules = lifecycleRules(json);
    const deployed = rules.find((r) =>
      (r.selection.tagPrefixList as string[] | undefined)?.includes("deployed-"),
    );
    expect(deployed).toBeDefined();
    expect(Math.min(...rules.map((r) => r.rulePriority))).toBe(deployed!.rulePriority);
    expect(new Set(rules.map((r) => r.rulePriority)).size).toBe(rules.length);
    expect(deployed!.selection.countNumber).toBe(DEPLOYED_IMAGES_KEPT);
  });

  it("exposes the repository handles", () => {
    let registry: ContainerRegistry | undefined;
    const out = Testing.synthScope((scope) => {
      registry = new ContainerRegistry(scope, "registry", { repositoryName: "sample" });
      const imageRef: ImageRepositoryRef = registry;
      new TerraformOutput(scope, "url", { value: imageRef.repositoryUrl });
      new TerraformOutput(scope, "arn", { value: imageRef.repositoryArn });
      new TerraformOutput(scope, "registry_id", { value: registry.registryId });
    });
    const outputs = (JSON.parse(out) as { output: Record<string, { value: string }> }).output;
    const repo = "aws_ecr_repository.registry_repository_BAFE171E";
    expect(registry!.repositoryName).toBe("sample");
    expect(registry!.deployedTagPrefix).toBe(DEFAULT_DEPLOYED_TAG_PREFIX);
    expect(outputs.url.value).toBe(`\${${repo}.repository_url}`);
    expect(outputs.arn.value).toBe(`\${${repo}.arn}`);
    expect(outputs.registry_id.value).toBe(`\${${repo}.registry_id}`);
  });
});

describe("ContainerRegistry props", () => {
  it("kmsKeyArn switches encryption to that KMS key", () => {
    const kmsKeyArn = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    expect(synth({ kmsKeyArn })).toHaveResourceWithProperties(EcrRepository, {
      encryption_configuration: [{ encryption_type: "KMS", kms_key: kmsKeyArn }],
    });
  });

  it("maxTaggedImages and untaggedExpiryDays set the lifecycle counts", () => {
    const rules = lifecycleRules(synth({ maxTaggedImages: 200, untaggedExpiryDays: 1 }));
    expect(rules.map((r) => r.selection.countNumber)).toEqual([9999, 1, 200]);
  });

  it("deployedTagPrefix sets the kept prefix", () => {
    const rules = lifecycleRules(synth({ deployedTagPrefix: "live_" }));
    expect(rules[0]).toMatchObject({
      rulePriority: 1,
      description: "Keep images tagged live_* (deployed to an environment)",
      selection: { tagStatus: "tagged", tagPrefixList: ["live_"] },
    });
  });

  it("forceDelete lets destroy remove a repository with images", () => {
    expect(synth({ forceDelete: true })).toHaveResourceWithProperties(EcrRepository, { force_delete: true });
  });

  it("accepts a repository name that is a Terraform expression", () => {
    expect(() =>
      Testing.synthScope((scope) => {
        const name = new TerraformVariable(scope, "name", { type: "string" });
        new ContainerRegistry(scope, "registry", { repositoryName: name.stringValue });
      }),
    ).not.toThrow();
  });
});

describe("ContainerRegistry validation", () => {
  const make = (props: Partial<ContainerRegistryProps>) => () => synth(props);

  it.each([
    ["upper case", "Sample"],
    ["one character", "a"],
    ["a doubled separator", "sample--service"],
    ["a leading separator", "-sample"],
    ["an empty namespace component", "platform//sample"],
    ["a trailing slash", "sample/"],
    ["a space", "sample service"],
    ["257 characters", "x".repeat(257)],
  ])("rejects a repositoryName with %s", (_label, repositoryName) => {
    expect(make({ repositoryName })).toThrow(
      /ContainerRegistry "registry": repositoryName must be 2-256 characters/,
    );
  });

  it("accepts the name forms ECR allows", () => {
    for (const repositoryName of ["ab", "platform/sample-service", "a.b_c-d/e1/f", "x".repeat(256)]) {
      expect(make({ repositoryName })).not.toThrow();
    }
  });

  it("rejects a kmsKeyArn that is not a KMS key ARN", () => {
    expect(make({ kmsKeyArn: "alias/aws/ecr" })).toThrow(/kmsKeyArn must be a KMS key ARN/);
  });

  it.each([0, 10_001, 2.5])("rejects maxTaggedImages %p", (maxTaggedImages) => {
    expect(make({ maxTaggedImages })).toThrow(/maxTaggedImages must be an integer from 1 to 10000/);
  });

  it.each([
    ["empty", ""],
    ["a leading dash", "-deployed"],
    ["a leading dot", ".deployed"],
    ["a slash", "deployed/"],
    ["a colon", "deployed:"],
    ["129 characters", "d".repeat(129)],
  ])("rejects a deployedTagPrefix that is %s", (_label, deployedTagPrefix) => {
    expect(make({ deployedTagPrefix })).toThrow(
      /ContainerRegistry "registry": deployedTagPrefix must be 1-128 characters of an image tag/,
    );
  });

  it.each([0, 3651, 1.5])("rejects untaggedExpiryDays %p", (untaggedExpiryDays) => {
    expect(make({ untaggedExpiryDays })).toThrow(/untaggedExpiryDays must be an integer from 1 to 3650/);
  });
});
