import { SharedLoadBalancer } from "../shared-load-balancer/shared-load-balancer";
import { synthResources, TEST_NETWORK } from "../test-support/synth";
import { LoadBalancerLogBucket } from "./load-balancer-log-bucket";

function synth(retentionDays = 90) {
  return synthResources((scope) => {
    const logs = new LoadBalancerLogBucket(scope, "logs", { bucketPrefix: "prod-alb-logs-", retentionDays });
    new SharedLoadBalancer(scope, "lb", { name: "prod", network: TEST_NETWORK, accessLogs: logs });
  });
}

describe("LoadBalancerLogBucket", () => {
  const s = synth();

  it("is private, owner-enforced, versioned and SSE-S3 encrypted", () => {
    expect(s.one("aws_s3_bucket")).toMatchObject({ bucket_prefix: "prod-alb-logs-", force_destroy: false });
    expect(s.one("aws_s3_bucket_public_access_block")).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(s.one("aws_s3_bucket_ownership_controls")).toMatchObject({
      rule: { object_ownership: "BucketOwnerEnforced" },
    });
    expect(s.one("aws_s3_bucket_versioning")).toMatchObject({
      versioning_configuration: { status: "Enabled" },
    });
    expect(s.one("aws_s3_bucket_server_side_encryption_configuration")).toMatchObject({
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }],
    });
  });

  it("expires logs, old versions and unfinished uploads", () => {
    expect(s.one("aws_s3_bucket_lifecycle_configuration").rule).toEqual([
      expect.objectContaining({
        status: "Enabled",
        expiration: [{ days: 90 }],
        noncurrent_version_expiration: [{ noncurrent_days: 90 }],
        abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
      }),
    ]);
  });

  it("admits only the region's ELB account, under AWSLogs/<account>/, and TLS only", () => {
    const doc = JSON.parse(s.json).data.aws_iam_policy_document;
    const [statements] = Object.values(doc).map(
      (d) => (d as { statement: Array<Record<string, unknown>> }).statement,
    );
    expect(statements[0]).toMatchObject({
      effect: "Allow",
      actions: ["s3:PutObject"],
      principals: [
        { type: "AWS", identifiers: [expect.stringMatching(/^\$\{data\.aws_elb_service_account\./)] },
      ],
      resources: [
        expect.stringMatching(/\/AWSLogs\/\$\{data\.aws_caller_identity\.[^}]+\.account_id\}\/\*$/),
      ],
    });
    expect(statements[1]).toMatchObject({
      effect: "Deny",
      condition: [{ variable: "aws:SecureTransport", values: ["false"] }],
    });
  });

  it("the load balancer writes there under its name, created after the policy", () => {
    const lb = s.one("aws_lb");
    expect(lb.access_logs).toEqual({
      bucket: expect.stringMatching(/^\$\{aws_s3_bucket\.[^}]+\.bucket\}$/),
      prefix: "prod",
      enabled: true,
    });
    expect(lb.depends_on).toEqual([expect.stringMatching(/^aws_s3_bucket_policy\./)]);
  });

  it("refuses a retention out of range and a bad prefix, naming them", () => {
    expect(() => synth(0)).toThrow(
      /LoadBalancerLogBucket: retentionDays 0 is invalid: use an integer from 1 to 3650/,
    );
    expect(() =>
      synthResources((scope) => {
        new LoadBalancerLogBucket(scope, "logs", { bucketPrefix: "Prod_Logs", retentionDays: 30 });
      }),
    ).toThrow(/LoadBalancerLogBucket: bucketPrefix "Prod_Logs" is invalid/);
  });

  it("refuses a log prefix without a log destination", () => {
    expect(() =>
      synthResources((scope) => {
        new SharedLoadBalancer(scope, "lb", { name: "dev", network: TEST_NETWORK, accessLogPrefix: "x" });
      }),
    ).toThrow(/SharedLoadBalancer: accessLogPrefix is set but accessLogs is not/);
  });
});
