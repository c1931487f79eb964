import { createHash } from "node:crypto";
import {
  BatchGetImageCommand,
  DescribeImagesCommand,
  type ECRClient,
  PutImageCommand,
} from "@aws-sdk/client-ecr";
import type { PushedImage } from "./deploy-files";
import {
  DEPLOYED_TAG_PREFIX,
  deployedTag,
  InvalidImageDigestError,
  tagDeployedImage,
  tagStableDeploy,
} from "./deployed-tag";
import { StepLog } from "./log";

const HEX = "0123456789abcdef".repeat(4);
const DIGEST = `sha256:${HEX}`;

describe("deployedTag", () => {
  it("is deployed-<env>-<first 12 hex of the digest>", () => {
    expect(deployedTag("prod", DIGEST)).toBe("deployed-prod-0123456789ab");
    expect(deployedTag("dev", DIGEST).startsWith(DEPLOYED_TAG_PREFIX)).toBe(true);
  });

  it("names each environment apart, so one digest deployed twice gets two tags", () => {
    expect(deployedTag("dev", DIGEST)).not.toBe(deployedTag("staging", DIGEST));
  });

  it.each([
    ["no algorithm", HEX],
    ["another algorithm", `sha512:${HEX}`],
    ["upper-case hex", `sha256:${HEX.toUpperCase()}`],
    ["63 hex", `sha256:${HEX.slice(1)}`],
    ["65 hex", `sha256:${HEX}0`],
    ["a reference, not a digest", `repo@sha256:${HEX}`],
    ["empty", ""],
  ])("refuses a digest with %s (InvalidImageDigestError)", (_label, digest) => {
    expect(() => deployedTag("dev", digest)).toThrow(InvalidImageDigestError);
    expect(() => deployedTag("dev", digest)).toThrow(/must be sha256:<64 lower-case hex>/);
  });

  it("the error is named and carries the digest", () => {
    try {
      deployedTag("dev", "sha256:nope");
      throw new Error("no error");
    } catch (err) {
      expect(err).toBeInstanceOf(InvalidImageDigestError);
      expect((err as InvalidImageDigestError).name).toBe("InvalidImageDigestError");
      expect((err as InvalidImageDigestError).digest).toBe("sha256:nope");
    }
  });

  it.each(["", "Prod", "dev/x", "-dev", "dev-", "a b"])(
    "refuses an environment that cannot be part of a tag: %p",
    (env) => {
      expect(() => deployedTag(env, DIGEST)).toThrow(/environment name in a deployed tag/);
    },
  );
});

/** An ECR stand-in for the failure paths moto cannot produce; the happy paths run against moto (test/). */
function fakeEcr(handlers: { batchGet?: () => unknown; put?: () => unknown; describe?: () => unknown }): {
  client: ECRClient;
  calls: string[];
} {
  const calls: string[] = [];
  const client = {
    send: async (command: unknown) => {
      if (command instanceof BatchGetImageCommand) {
        calls.push("BatchGetImage");
        return handlers.batchGet?.();
      }
      if (command instanceof PutImageCommand) {
        calls.push(`PutImage ${command.input.imageTag}`);
        return handlers.put?.();
      }
      if (command instanceof DescribeImagesCommand) {
        calls.push("DescribeImages");
        return handlers.describe?.();
      }
      throw new Error("unexpected command");
    },
  } as unknown as ECRClient;
  return { client, calls };
}

const named = (name: string, message = name) => Object.assign(new Error(message), { name });

describe("tagDeployedImage (failure paths)", () => {
  const manifest = '{"schemaVersion":2}';
  const digest = `sha256:${createHash("sha256").update(manifest).digest("hex")}`;
  const tag = deployedTag("dev", digest);
  const found = () => ({ images: [{ imageId: { imageDigest: digest }, imageManifest: manifest }] });
  const run = (client: ECRClient) => tagDeployedImage({ client, repositoryName: "app", digest, env: "dev" });
  const naming = new RegExp(`Could not tag image ${digest} as ${tag} in ECR repository app: `);

  it("validates the digest before calling ECR", async () => {
    const { client, calls } = fakeEcr({});
    await expect(
      tagDeployedImage({ client, repositoryName: "app", digest: "latest", env: "dev" }),
    ).rejects.toThrow(InvalidImageDigestError);
    expect(calls).toEqual([]);
  });

  it("a digest ECR does not hold fails naming the tag, repository and ECR's reason", async () => {
    const { client, calls } = fakeEcr({
      batchGet: () => ({
        images: [],
        failures: [{ failureCode: "ImageNotFound", failureReason: "Requested image not found" }],
      }),
    });
    await expect(run(client)).rejects.toThrow(naming);
    await expect(run(client)).rejects.toThrow(/ImageNotFound: Requested image not found/);
    expect(calls).not.toContain(`PutImage ${tag}`);
  });

  it("a BatchGetImage error (e.g. AccessDenied) fails naming the tag and repository", async () => {
    const { client } = fakeEcr({
      batchGet: () => {
        throw named("AccessDeniedException", "not authorized to perform ecr:BatchGetImage");
      },
    });
    await expect(run(client)).rejects.toThrow(naming);
    await expect(run(client)).rejects.toThrow(/AccessDeniedException: not authorized/);
  });

  it("refuses a manifest that does not hash to the digest (ECR converted it) instead of tagging another digest", async () => {
    const { client, calls } = fakeEcr({
      batchGet: () => ({ images: [{ imageId: { imageDigest: digest }, imageManifest: `${manifest} ` }] }),
    });
    await expect(run(client)).rejects.toThrow(/hashes to sha256:/);
    expect(calls).toEqual(["BatchGetImage"]);
  });

  it("a PutImage error fails naming the tag and repository", async () => {
    const { client } = fakeEcr({
      batchGet: found,
      put: () => {
        throw named("LimitExceededException");
      },
    });
    await expect(run(client)).rejects.toThrow(naming);
    await expect(run(client)).rejects.toThrow(/PutImage failed: LimitExceededException/);
  });

  it.each(["ImageAlreadyExistsException", "ImageTagAlreadyExistsException"])(
    "%s with the tag already on this digest is success",
    async (name) => {
      const { client, calls } = fakeEcr({
        batchGet: found,
        put: () => {
          throw named(name);
        },
        describe: () => ({ imageDetails: [{ imageDigest: digest, imageTags: [tag] }] }),
      });
      await expect(run(client)).resolves.toEqual({ tag, repositoryName: "app", digest, alreadyTagged: true });
      expect(calls).toEqual(["BatchGetImage", `PutImage ${tag}`, "DescribeImages"]);
    },
  );

  it("the immutable tag on another digest fails naming it", async () => {
    const other = `sha256:${"f".repeat(64)}`;
    const { client } = fakeEcr({
      batchGet: found,
      put: () => {
        throw named("ImageTagAlreadyExistsException");
      },
      describe: () => ({ imageDetails: [{ imageDigest: other }] }),
    });
    await expect(run(client)).rejects.toThrow(naming);
    await expect(run(client)).rejects.toThrow(`the immutable tag already names ${other}`);
  });
});

describe("tagStableDeploy (when apply tags)", () => {
  const log = new StepLog("test");
  const image = { digest: DIGEST, reference: `r@${DIGEST}`, repository: "r" } as PushedImage;
  const missing = "/nonexistent/outputs.json";

  beforeEach(() => jest.spyOn(console, "log").mockImplementation(() => undefined));
  afterEach(() => jest.restoreAllMocks());

  it("does nothing for local, without a pushed image, or when the wait did not check the image", async () => {
    // Each returns before reading the (missing) outputs file.
    const at = (environment: "local" | "dev", requirePushedImage: boolean) => ({
      environment,
      outputsFile: missing,
      requirePushedImage,
    });
    await expect(tagStableDeploy(at("local", true), image, log)).resolves.toBeUndefined();
    await expect(tagStableDeploy(at("dev", true), undefined, log)).resolves.toBeUndefined();
    await expect(tagStableDeploy(at("dev", false), image, log)).resolves.toBeUndefined();
  });

  it("on AWS with a checked image it needs the stacks' outputs", async () => {
    await expect(
      tagStableDeploy({ environment: "dev", outputsFile: missing, requirePushedImage: true }, image, log),
    ).rejects.toThrow(/Stack outputs \/nonexistent\/outputs.json do not exist/);
  });
});
