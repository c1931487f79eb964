import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { awsClientConfig } from "../src/aws-client-config";
import { type DeployHistoryEntry, historyEntry, MalformedDeployHistoryError } from "../src/deploy-history";
import { deployHistoryKey, s3HistoryStore } from "../src/deploy-history-store";
import { loadToolchainEnv, MOTO_REGION } from "../src/toolchain-env";

// The AWS environments' deploy history in moto's S3, through the clients' own config helper (endpoint
// override, emulator keys, path-style).
const tc = loadToolchainEnv();
// A bucket of its own (no moto reset): other suites may use moto at the same time.
const bucket = `toolchain-history-${process.pid}-${Date.now()}`;
const clientConfig = awsClientConfig(MOTO_REGION, { AWS_ENDPOINT_URL: tc.awsEndpoint });
const s3 = new S3Client(clientConfig);
const store = (service: string) =>
  s3HistoryStore({ bucket, key: deployHistoryKey("dev", service), clientConfig });

const REPO = "123456789012.dkr.ecr.us-east-1.amazonaws.com/web";
const entry = (hex: string, gitSha: string): DeployHistoryEntry =>
  historyEntry(
    {
      repository: REPO,
      digest: `sha256:${hex.repeat(64)}`,
      reference: `${REPO}@sha256:${hex.repeat(64)}`,
      gitSha,
      version: "1.0.0",
      tag: gitSha,
      pushedAt: "2026-12-01T10:00:00.000Z",
      pushedTo: REPO,
      environment: "dev",
    },
    { result: "succeeded", kind: "deploy", migrations: [] },
  );

beforeAll(async () => {
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
});
afterAll(() => s3.destroy());

describe("s3HistoryStore against moto", () => {
  it("reads a missing object as an empty history", async () => {
    expect(await store("never-deployed").read()).toEqual([]);
  });

  it("appends oldest first and reads the entries back in order", async () => {
    const web = store("web");
    expect(web.where).toBe(`s3://${bucket}/deploy-history/dev/web.json`);
    await web.append(entry("a", "aaaaaaa"));
    await web.append(entry("b", "bbbbbbb"));
    expect((await web.read()).map((e) => [e.gitSha, e.digest])).toEqual([
      ["aaaaaaa", `sha256:${"a".repeat(64)}`],
      ["bbbbbbb", `sha256:${"b".repeat(64)}`],
    ]);
  });

  it("keeps both of two concurrent appends (conditional writes, re-read on a conflict)", async () => {
    const api = store("api");
    await Promise.all([api.append(entry("c", "ccccccc")), api.append(entry("d", "ddddddd"))]);
    expect((await api.read()).map((e) => e.gitSha).sort()).toEqual(["ccccccc", "ddddddd"]);
  });

  it("keeps the newest `limit` entries", async () => {
    const short = s3HistoryStore({ bucket, key: deployHistoryKey("dev", "short"), clientConfig, limit: 2 });
    for (const [hex, sha] of [
      ["1", "1111111"],
      ["2", "2222222"],
      ["3", "3333333"],
    ])
      await short.append(entry(hex, sha));
    expect((await short.read()).map((e) => e.gitSha)).toEqual(["2222222", "3333333"]);
  });

  it("names the bucket and key of a malformed object", async () => {
    const key = deployHistoryKey("dev", "broken");
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: "{ not json" }));
    const broken = store("broken");
    await expect(broken.read()).rejects.toThrow(MalformedDeployHistoryError);
    await expect(broken.read()).rejects.toThrow(`s3://${bucket}/${key} is not valid JSON`);
    // An append must not replace a history it cannot read.
    await expect(broken.append(entry("e", "eeeeeee"))).rejects.toThrow(MalformedDeployHistoryError);
  });
});
