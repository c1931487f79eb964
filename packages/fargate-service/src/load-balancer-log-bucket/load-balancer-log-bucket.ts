import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsElbServiceAccount } from "@cdktf/provider-aws/lib/data-aws-elb-service-account";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA as S3BucketServerSideEncryption } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA as S3BucketVersioning } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { PropErrors } from "../validation/validation";

export interface LoadBalancerLogBucketProps {
  /** Prefix of the generated bucket name (`<prefix><unique suffix>`), 1-37 of a-z, 0-9, "-". */
  readonly bucketPrefix: string;
  /** Days access logs are kept (current and noncurrent versions), 1..3650. */
  readonly retentionDays: number;
  /**
   * Delete the bucket with its logs on destroy; otherwise a destroy stops at a bucket that holds logs.
   * @default false
   */
  readonly forceDestroy?: boolean;
}

/** What a load balancer needs to write its access logs (a narrow view of {@link LoadBalancerLogBucket}). */
export interface AccessLogDestination {
  readonly bucketName: string;
  /** The bucket policy that admits the load balancer: the load balancer is created after it. */
  readonly writeAccess: ITerraformDependable;
}

const BUCKET_PREFIX = /^[a-z0-9][a-z0-9-]{0,36}$/;

/**
 * The S3 bucket of an application load balancer's access logs: no public access, owner-enforced
 * objects, versioned, SSE-S3 (the only encryption ALB log delivery supports), TLS-only, expiring
 * after `retentionDays`; writable only by the region's Elastic Load Balancing account under
 * `AWSLogs/<account>/`.
 */
export class LoadBalancerLogBucket extends Construct implements AccessLogDestination {
  public readonly bucket: S3Bucket;
  public readonly bucketName: string;
  public readonly writeAccess: S3BucketPolicy;

  constructor(scope: Construct, id: string, props: LoadBalancerLogBucketProps) {
    super(scope, id);
    const errors = new PropErrors("LoadBalancerLogBucket");
    errors.pattern("bucketPrefix", props.bucketPrefix, BUCKET_PREFIX, "use 1-37 of a-z, 0-9 and -");
    const retentionDays = errors.integer("retentionDays", props.retentionDays, 1, 3650);

    this.bucket = new S3Bucket(this, "bucket", {
      bucketPrefix: props.bucketPrefix,
      forceDestroy: props.forceDestroy ?? false,
    });
    this.bucketName = this.bucket.bucket;
    new S3BucketOwnershipControls(this, "ownership", {
      bucket: this.bucket.id,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    });
    new S3BucketVersioning(this, "versioning", {
      bucket: this.bucket.id,
      versioningConfiguration: { status: "Enabled" },
    });
    new S3BucketServerSideEncryption(this, "encryption", {
      bucket: this.bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
    });
    const publicAccess = new S3BucketPublicAccessBlock(this, "public-access", {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketLifecycleConfiguration(this, "lifecycle", {
      bucket: this.bucket.id,
      rule: [
        {
          id: "expire-access-logs",
          status: "Enabled",
          filter: [{ prefix: "" }],
          expiration: [{ days: retentionDays }],
          noncurrentVersionExpiration: [{ noncurrentDays: retentionDays }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
      ],
    });

    const account = new DataAwsCallerIdentity(this, "account");
    const elb = new DataAwsElbServiceAccount(this, "elb-account");
    const policy = new DataAwsIamPolicyDocument(this, "policy", {
      statement: [
        {
          sid: "LoadBalancerLogDelivery",
          effect: "Allow",
          principals: [{ type: "AWS", identifiers: [elb.arn] }],
          actions: ["s3:PutObject"],
          resources: [`${this.bucket.arn}/AWSLogs/${account.accountId}/*`],
        },
        {
          sid: "DenyInsecureTransport",
          effect: "Deny",
          principals: [{ type: "*", identifiers: ["*"] }],
          actions: ["s3:*"],
          resources: [this.bucket.arn, `${this.bucket.arn}/*`],
          condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
        },
      ],
    });
    this.writeAccess = new S3BucketPolicy(this, "write-access", {
      bucket: this.bucket.id,
      policy: policy.json,
      // S3 rejects a policy put while the public access block is being changed.
      dependsOn: [publicAccess],
    });
  }
}
