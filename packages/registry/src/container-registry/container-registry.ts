import { EcrLifecyclePolicy } from "@cdktf/provider-aws/lib/ecr-lifecycle-policy";
import { EcrRepository } from "@cdktf/provider-aws/lib/ecr-repository";
import { Token } from "cdktf";
import { Construct } from "constructs";

/** The narrow view of an image repository that services accept (a `ContainerRegistry` is one). */
export interface ImageRepositoryRef {
  /** `<account>.dkr.ecr.<region>.amazonaws.com/<name>`; images are referenced as `<url>@sha256:...`. */
  readonly repositoryUrl: string;
  /** For IAM: the execution role may pull from exactly this repository. */
  readonly repositoryArn: string;
}

export interface ContainerRegistryProps {
  /**
   * ECR repository name: 2-256 characters, lower-case letters and digits in components separated by
   * `.`, `_` or `-`, optionally namespaced with `/` (e.g. `platform/sample-service`).
   */
  readonly repositoryName: string;
  /**
   * Customer-managed KMS key ARN to encrypt images with. Changing encryption replaces the repository.
   * @default AES256 (ECR-managed S3 encryption)
   */
  readonly kmsKeyArn?: string;
  /**
   * How many tagged images to keep; older tagged images expire, except deployed ones (see
   * `deployedTagPrefix`). 1..10000.
   * @default 50
   */
  readonly maxTaggedImages?: number;
  /**
   * Days after which untagged images (left behind by failed or superseded pushes) expire. 1..3650.
   * @default 7
   */
  readonly untaggedExpiryDays?: number;
  /**
   * Tag prefix that marks an image an environment runs or ran (the apply step tags a stable deploy
   * `<prefix><env>-<12 hex of the digest>`). The policy's first rule selects these images and keeps
   * up to 9999 of them, so the keep-N-tagged and untagged rules never expire an image a service runs
   * or may roll back to. 1-128 characters of a Docker tag (letters, digits, `_`, `.`, `-`; not
   * starting with `.` or `-`).
   * @default "deployed-"
   */
  readonly deployedTagPrefix?: string;
  /**
   * Let `terraform destroy` delete the repository while it still holds images. Leave off outside
   * throw-away environments.
   * @default false
   */
  readonly forceDelete?: boolean;
}

export const MIN_MAX_TAGGED_IMAGES = 1;
export const MAX_MAX_TAGGED_IMAGES = 10_000;
export const MIN_UNTAGGED_EXPIRY_DAYS = 1;
export const MAX_UNTAGGED_EXPIRY_DAYS = 3650;
/** The tag prefix of deployed images that the lifecycle policy never expires (apply writes these tags). */
export const DEFAULT_DEPLOYED_TAG_PREFIX = "deployed-";
/**
 * How many deployed images the first rule keeps: "never expire" in practice (ECR has no keep action; an
 * image its tag selection matches cannot be expired by a lower-priority rule).
 */
export const DEPLOYED_IMAGES_KEPT = 9999;
const DEFAULT_MAX_TAGGED_IMAGES = 50;
const DEFAULT_UNTAGGED_EXPIRY_DAYS = 7;

// ECR's own rule for repository names (CreateRepository API).
const REPOSITORY_NAME_PATTERN = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
// A Docker/ECR tag's characters; a prefix is a tag's start, so at most 128 of them.
const TAG_PREFIX_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const KMS_KEY_ARN_PATTERN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;

/**
 * An ECR repository with secure defaults: immutable tags (a tag always means the same image), scan on
 * push, encryption at rest (AES256 or a KMS key), and a lifecycle policy that bounds storage but never
 * expires a deployed image (tagged `deployedTagPrefix`).
 */
export class ContainerRegistry extends Construct implements ImageRepositoryRef {
  public readonly repository: EcrRepository;
  public readonly lifecyclePolicy: EcrLifecyclePolicy;
  public readonly repositoryName: string;
  public readonly repositoryUrl: string;
  public readonly repositoryArn: string;
  /** The AWS account id that owns the registry (for `ecr:GetAuthorizationToken` / docker login). */
  public readonly registryId: string;
  /** The tag prefix the lifecycle policy never expires (`deployedTagPrefix`). */
  public readonly deployedTagPrefix: string;

  constructor(scope: Construct, id: string, props: ContainerRegistryProps) {
    super(scope, id);
    const fail = (message: string): never => {
      throw new Error(`ContainerRegistry "${id}": ${message}`);
    };
    const name = props.repositoryName;
    if (!Token.isUnresolved(name)) {
      if (name.length < 2 || name.length > 256 || !REPOSITORY_NAME_PATTERN.test(name)) {
        fail(
          `repositoryName must be 2-256 characters: lower-case letters and digits, separated by single ".", "_" or "-", optionally namespaced with "/" (e.g. "platform/sample-service"); got ${JSON.stringify(name)}`,
        );
      }
    }
    if (props.kmsKeyArn !== undefined && !Token.isUnresolved(props.kmsKeyArn)) {
      if (!KMS_KEY_ARN_PATTERN.test(props.kmsKeyArn)) {
        fail(
          `kmsKeyArn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>); got ${JSON.stringify(props.kmsKeyArn)}`,
        );
      }
    }
    const maxTaggedImages = props.maxTaggedImages ?? DEFAULT_MAX_TAGGED_IMAGES;
    if (
      !Number.isInteger(maxTaggedImages) ||
      maxTaggedImages < MIN_MAX_TAGGED_IMAGES ||
      maxTaggedImages > MAX_MAX_TAGGED_IMAGES
    ) {
      fail(
        `maxTaggedImages must be an integer from ${MIN_MAX_TAGGED_IMAGES} to ${MAX_MAX_TAGGED_IMAGES}; got ${maxTaggedImages}`,
      );
    }
    const untaggedExpiryDays = props.untaggedExpiryDays ?? DEFAULT_UNTAGGED_EXPIRY_DAYS;
    if (
      !Number.isInteger(untaggedExpiryDays) ||
      untaggedExpiryDays < MIN_UNTAGGED_EXPIRY_DAYS ||
      untaggedExpiryDays > MAX_UNTAGGED_EXPIRY_DAYS
    ) {
      fail(
        `untaggedExpiryDays must be an integer from ${MIN_UNTAGGED_EXPIRY_DAYS} to ${MAX_UNTAGGED_EXPIRY_DAYS}; got ${untaggedExpiryDays}`,
      );
    }
    const deployedTagPrefix = props.deployedTagPrefix ?? DEFAULT_DEPLOYED_TAG_PREFIX;
    if (!TAG_PREFIX_PATTERN.test(deployedTagPrefix)) {
      fail(
        `deployedTagPrefix must be 1-128 characters of an image tag (letters, digits, "_", "." or "-", not starting with "." or "-"); got ${JSON.stringify(deployedTagPrefix)}`,
      );
    }

    this.repository = new EcrRepository(this, "repository", {
      name,
      // Deploys pin digests, and immutable tags keep a git-SHA tag from ever pointing at other content.
      imageTagMutability: "IMMUTABLE",
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: [
        props.kmsKeyArn === undefined
          ? { encryptionType: "AES256" }
          : { encryptionType: "KMS", kmsKey: props.kmsKeyArn },
      ],
      forceDelete: props.forceDelete ?? false,
    });

    this.lifecyclePolicy = new EcrLifecyclePolicy(this, "lifecycle-policy", {
      repository: this.repository.name,
      policy: JSON.stringify({
        rules: [
          {
            // First, so the rules below never see these images: ECR does not let a lower-priority rule
            // expire an image whose tags a higher-priority rule selects.
            rulePriority: 1,
            description: `Keep images tagged ${deployedTagPrefix}* (deployed to an environment)`,
            selection: {
              tagStatus: "tagged",
              tagPrefixList: [deployedTagPrefix],
              countType: "imageCountMoreThan",
              countNumber: DEPLOYED_IMAGES_KEPT,
            },
            action: { type: "expire" },
          },
          {
            rulePriority: 2,
            description: `Expire untagged images ${untaggedExpiryDays} days after push`,
            selection: {
              tagStatus: "untagged",
              countType: "sinceImagePushed",
              countUnit: "days",
              countNumber: untaggedExpiryDays,
            },
            action: { type: "expire" },
          },
          {
            rulePriority: 3,
            description: `Keep the ${maxTaggedImages} most recent tagged images`,
            selection: {
              tagStatus: "tagged",
              tagPatternList: ["*"],
              countType: "imageCountMoreThan",
              countNumber: maxTaggedImages,
            },
            action: { type: "expire" },
          },
        ],
      }),
    });

    this.repositoryName = name;
    this.repositoryUrl = this.repository.repositoryUrl;
    this.repositoryArn = this.repository.arn;
    this.registryId = this.repository.registryId;
    this.deployedTagPrefix = deployedTagPrefix;
  }
}
