import * as fs from "node:fs";
import * as path from "node:path";
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import { App, S3Backend, TerraformStack } from "cdktf";
import { loadToolchainEnv, MOTO_REGION } from "../src/toolchain-env";
import {
  offlineTerraformEnv,
  removeTempDirs,
  run,
  runOk,
  startBackground,
  synthStack,
  tempDir,
} from "./helpers";

// Two operators apply the same stack at once against an S3 backend in moto with use_lockfile:
// the second must fail on the lock, and the state must stay whole. The first apply is started
// without -auto-approve, so it holds the lock while it waits for "yes": the overlap is certain.
const tc = loadToolchainEnv();
// A bucket of its own (no moto reset): other suites may use moto at the same time.
const bucket = `toolchain-lock-${process.pid}-${Date.now()}`;
const stateKey = "toolchain/lock-check.tfstate";
const s3 = new S3Client({
  endpoint: tc.awsEndpoint,
  region: MOTO_REGION,
  forcePathStyle: true,
  credentials: { accessKeyId: "test", secretAccessKey: "test" },
});

function synthLockStack(outdir: string): string {
  const app = new App({ outdir });
  const stack = new TerraformStack(app, "lock-check");
  new S3Backend(stack, {
    bucket,
    key: stateKey,
    region: MOTO_REGION,
    accessKey: "test",
    secretKey: "test",
    usePathStyle: true,
    skipCredentialsValidation: true,
    skipRequestingAccountId: true,
    skipMetadataApiCheck: true,
    skipRegionValidation: true,
    endpoints: { s3: tc.awsEndpoint, sts: tc.awsEndpoint, iam: tc.awsEndpoint, dynamodb: tc.awsEndpoint },
  });
  // cdktf 0.21's S3Backend has no use_lockfile prop.
  stack.addOverride("terraform.backend.s3.use_lockfile", true);
  new AwsProvider(stack, "aws", {
    region: MOTO_REGION,
    accessKey: "test",
    secretKey: "test",
    skipCredentialsValidation: true,
    skipRequestingAccountId: true,
    skipMetadataApiCheck: "true",
    endpoints: [{ ssm: tc.awsEndpoint, sts: tc.awsEndpoint, iam: tc.awsEndpoint, s3: tc.awsEndpoint }],
  });
  for (const name of ["alpha", "beta", "gamma"]) {
    new SsmParameter(stack, name, { name: `/${bucket}/${name}`, type: "String", value: name });
  }
  return synthStack(app, stack);
}

async function lockObjectExists(): Promise<boolean> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: `${stateKey}.tflock` }));
    return true;
  } catch {
    return false;
  }
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe("S3 backend in moto with use_lockfile", () => {
  afterAll(() => {
    s3.destroy();
    removeTempDirs();
  });

  it("lets exactly one of two concurrent applies run and keeps the state consistent", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const env = offlineTerraformEnv(tc);
    const operatorA = synthLockStack(tempDir("lock-a"));
    const operatorB = synthLockStack(tempDir("lock-b"));
    for (const dir of [operatorA, operatorB])
      runOk(tc.terraformBinary, ["init", "-input=false", "-no-color"], { cwd: dir, env });

    const first = startBackground(tc.terraformBinary, ["apply", "-no-color"], { cwd: operatorA, env });
    let firstResult: Awaited<typeof first.done> | undefined;
    first.done.then((r) => {
      firstResult = r;
    });
    await waitFor(
      "the first apply to hold the lock and ask for approval",
      async () => {
        if (firstResult)
          throw new Error(`first apply ended early:\n${firstResult.stdout}\n${firstResult.stderr}`);
        return first.output().includes("Enter a value") && (await lockObjectExists());
      },
      180_000,
    );

    const second = run(tc.terraformBinary, ["apply", "-auto-approve", "-input=false", "-no-color"], {
      cwd: operatorB,
      env,
    });

    first.write("yes\n");
    const firstDone = await first.done;
    const results = [firstDone, second];
    const failures = results.filter((r) => r.code !== 0);
    expect(failures).toHaveLength(1);
    expect(second.code).not.toBe(0);
    expect(second.stderr).toMatch(/Error acquiring the state lock/);
    expect(second.stderr).toMatch(/PreconditionFailed|412|already exists/i);
    expect(firstDone.code).toBe(0);
    expect(firstDone.stdout).toMatch(/Apply complete! Resources: 3 added, 0 changed, 0 destroyed/);

    // The lock is released, the state in S3 parses and holds the three parameters.
    expect(await lockObjectExists()).toBe(false);
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: stateKey }));
    const state = JSON.parse(await object.Body!.transformToString()) as {
      serial: number;
      resources: { type: string; name: string }[];
    };
    expect(
      state.resources
        .filter((r) => r.type === "aws_ssm_parameter")
        .map((r) => r.name)
        .sort(),
    ).toEqual(["alpha", "beta", "gamma"]);

    // The operator who lost the race sees no changes left to make.
    const plan = run(tc.terraformBinary, ["plan", "-detailed-exitcode", "-input=false", "-no-color"], {
      cwd: operatorB,
      env,
    });
    expect(plan.stderr).toBe("");
    expect(plan.code).toBe(0);
    expect(fs.existsSync(path.join(operatorB, "terraform.tfstate"))).toBe(false);
  });
});
