import * as path from "node:path";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA as S3BucketServerSideEncryptionConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA as S3BucketVersioning } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { LocalBackend, TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { awsProviderConfig } from "../aws/endpoint-override";
import type { PlatformSettings } from "../settings";

export interface BootstrapStackProps {
  readonly settings: PlatformSettings;
  readonly tags: Record<string, string>;
}

/** Path of the bootstrap stack's local state; the emulator's is kept apart from real AWS's. */
export function bootstrapStatePath(settings: PlatformSettings): string {
  const file = settings.target.endpointUrl ? "emulator.tfstate" : "terraform.tfstate";
  return path.join(settings.localStateDir, "bootstrap", file);
}

/**
 * The remote-state bucket, run once per account with local state (the bucket cannot hold its own
 * state before it exists): versioned (state history, recovery from a bad write), encrypted,
 * no public access, TLS-only, bucket-owner-enforced.
 */
export class BootstrapStack extends TerraformStack {
  public readonly bucket: S3Bucket;

  constructor(scope: Construct, id: string, props: BootstrapStackProps) {
    super(scope, id);
    const { settings } = props;
    new AwsProvider(
      this,
      "aws",
      awsProviderConfig(settings.state.region, settings.target, { tags: props.tags }),
    );
    new LocalBackend(this, { path: bootstrapStatePath(settings) });

    this.bucket = new S3Bucket(this, "state", {
      bucket: settings.state.bucket,
      // Losing this bucket loses every environment's state.
      lifecycle: { preventDestroy: true },
    });
    new S3BucketOwnershipControls(this, "ownership", {
      bucket: this.bucket.id,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    });
    new S3BucketVersioning(this, "versioning", {
      bucket: this.bucket.id,
      versioningConfiguration: { status: "Enabled" },
    });
    new S3BucketServerSideEncryptionConfiguration(this, "encryption", {
      bucket: this.bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true }],
    });
    const publicAccess = new S3BucketPublicAccessBlock(this, "public-access", {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    // An emulator on a plain-http loopback endpoint (moto) enforces this Deny, which would lock every
    // client out of the bucket; real AWS and https endpoints always get it.
    if (!isPlainHttpEndpoint(settings.target.endpointUrl))
      this.addTlsOnlyPolicy(settings.state.bucket, publicAccess);
    new TerraformOutput(this, "state_bucket", { value: this.bucket.bucket });
  }

  private addTlsOnlyPolicy(bucketName: string, publicAccess: S3BucketPublicAccessBlock): void {
    new S3BucketPolicy(this, "tls-only", {
      bucket: this.bucket.id,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: [`arn:aws:s3:::${bucketName}`, `arn:aws:s3:::${bucketName}/*`],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
        ],
      }),
      // S3 rejects a policy put while the public access block is being changed.
      dependsOn: [publicAccess],
    });
  }
}

function isPlainHttpEndpoint(url: string | undefined): boolean {
  return !!url && url.startsWith("http://");
}
