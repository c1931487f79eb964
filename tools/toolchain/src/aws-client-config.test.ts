import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import {
  awsClientConfig,
  awsEndpointFromEnv,
  isEmulated,
  regionFrom,
  regionFromEnv,
} from "./aws-client-config";

const MOTO = "http://127.0.0.1:4566";

describe("awsEndpointFromEnv", () => {
  it("is undefined (real AWS) when AWS_ENDPOINT_URL is unset or blank", () => {
    expect(awsEndpointFromEnv({})).toBeUndefined();
    expect(awsEndpointFromEnv({ AWS_ENDPOINT_URL: "  " })).toBeUndefined();
    expect(isEmulated({ AWS_ENDPOINT_URL: "" })).toBe(false);
  });

  it("takes AWS_ENDPOINT_URL without its trailing slash", () => {
    expect(awsEndpointFromEnv({ AWS_ENDPOINT_URL: " http://127.0.0.1:4566/ " })).toBe(MOTO);
    expect(isEmulated({ AWS_ENDPOINT_URL: MOTO })).toBe(true);
  });

  it("ignores PLATFORM_AWS_ENDPOINT (the ops CLI's --emulator copies it into AWS_ENDPOINT_URL)", () => {
    expect(awsEndpointFromEnv({ PLATFORM_AWS_ENDPOINT: MOTO })).toBeUndefined();
  });

  it.each(["127.0.0.1:4566", "http://127.0.0.1:4566/path", "ftp://moto"])(
    "refuses %s, naming the variable and the value",
    (value) => {
      expect(() => awsEndpointFromEnv({ AWS_ENDPOINT_URL: value })).toThrow(
        `AWS_ENDPOINT_URL must be a URL such as http://127.0.0.1:4566 (got ${JSON.stringify(value)}).`,
      );
    },
  );
});

describe("awsClientConfig", () => {
  it("real AWS: the SDK's own endpoint and credential chain, virtual-hosted S3", () => {
    const config = awsClientConfig("eu-west-1", {});
    expect(config).toEqual({
      region: "eu-west-1",
      endpoint: undefined,
      credentials: undefined,
      forcePathStyle: undefined,
      maxAttempts: 2,
      requestHandler: { connectionTimeout: 5000, requestTimeout: 60000 },
    });
  });

  it("emulator: its endpoint, static test keys and path-style S3", () => {
    const config = awsClientConfig("us-east-1", { AWS_ENDPOINT_URL: `${MOTO}/` });
    expect(config.endpoint).toBe(MOTO);
    expect(config.credentials).toEqual({ accessKeyId: "test", secretAccessKey: "test" });
    expect(config.forcePathStyle).toBe(true);
    expect(config.maxAttempts).toBe(2);
  });

  it.each([
    ["AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"],
    ["AWS_PROFILE", "emulator"],
    ["AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/token"],
  ])("emulator with %s set: the caller's own credentials, not the test keys", (name, value) => {
    const config = awsClientConfig("us-east-1", { AWS_ENDPOINT_URL: MOTO, [name]: value });
    expect(config.endpoint).toBe(MOTO);
    expect(config.credentials).toBeUndefined();
  });

  it("refuses a malformed AWS_ENDPOINT_URL before any client is built", () => {
    expect(() => awsClientConfig("us-east-1", { AWS_ENDPOINT_URL: "localhost:4566" })).toThrow(
      /AWS_ENDPOINT_URL must be a URL/,
    );
  });

  // What the SDK makes of the config: an S3 request against a stand-in endpoint on loopback, read back.
  it("an S3 client built from it signs with the test keys and addresses the bucket by path", async () => {
    const seen: { url?: string; headers?: IncomingHttpHeaders } = {};
    const server = createServer((req, res) => {
      seen.url = req.url;
      seen.headers = req.headers;
      res.writeHead(200, { "content-type": "text/plain" }).end("hello");
    });
    await new Promise<void>((resolve) => server.listen(0, "localhost", resolve));
    const { port } = server.address() as AddressInfo;
    // A host name, not an IP: the SDK would put the bucket into the host name without forcePathStyle.
    const s3 = new S3Client(awsClientConfig("us-east-1", { AWS_ENDPOINT_URL: `http://localhost:${port}` }));
    try {
      const out = await s3.send(new GetObjectCommand({ Bucket: "state-bucket", Key: "dev/app.tfstate" }));
      expect(await out.Body?.transformToString()).toBe("hello");
      expect(seen.url).toMatch(/^\/state-bucket\/dev\/app\.tfstate/);
      expect(seen.headers?.host).toBe(`localhost:${port}`);
      expect(seen.headers?.authorization).toMatch(/Credential=test\/\d{8}\/us-east-1\/s3\//);
    } finally {
      s3.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe("regionFrom", () => {
  it.each([
    ["arn:aws:ecs:eu-central-1:123456789012:cluster/platform-dev", "eu-central-1"],
    ["arn:aws-us-gov:ecs:us-gov-west-1:123456789012:service/c/s", "us-gov-west-1"],
    ["123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/sample-service@sha256:abc", "ap-southeast-2"],
  ])("finds the region in %s", (value, region) => {
    expect(regionFrom(value)).toBe(region);
  });

  it("is undefined for a value naming no region (a loopback registry, a global ARN)", () => {
    expect(regionFrom("127.0.0.1:5001/sample-service")).toBeUndefined();
    expect(regionFrom("arn:aws:iam::123456789012:role/x")).toBeUndefined();
  });
});

describe("regionFromEnv", () => {
  it("prefers AWS_REGION over AWS_DEFAULT_REGION; blank counts as unset", () => {
    expect(regionFromEnv({ AWS_REGION: "eu-west-1", AWS_DEFAULT_REGION: "us-east-1" })).toBe("eu-west-1");
    expect(regionFromEnv({ AWS_REGION: " ", AWS_DEFAULT_REGION: "us-east-1" })).toBe("us-east-1");
    expect(regionFromEnv({})).toBeUndefined();
  });
});
