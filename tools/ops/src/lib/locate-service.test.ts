import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { locateService, serviceOutputsFromDocument, stacksOutputsFile } from "./locate-service";

describe("stacksOutputsFile", () => {
  it("is stacks/out/outputs/<env>.json in the checkout by default", () => {
    expect(stacksOutputsFile("/repo", "dev")).toBe("/repo/stacks/out/outputs/dev.json");
  });

  it("follows PLATFORM_STACKS_OUT_DIR, as the stacks CLI does", () => {
    expect(stacksOutputsFile("/repo", "dev", { PLATFORM_STACKS_OUT_DIR: "/elsewhere/out" })).toBe(
      "/elsewhere/out/outputs/dev.json",
    );
  });
});

describe("locateService without a synthesized environment", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "locate-service-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const outputs = (service: string) => ({
    cluster_arn: "arn:aws:ecs:eu-west-1:123456789012:cluster/dev",
    cluster_name: "dev",
    service_name: `dev-${service}`,
    container_name: service,
  });
  const writeDocument = (outDir: string) => {
    mkdirSync(join(outDir, "outputs"), { recursive: true });
    writeFileSync(
      join(outDir, "outputs", "dev.json"),
      JSON.stringify({
        environment: "dev",
        services: {
          "sample-service": "service-sample-service-dev",
          "post-worker": "service-post-worker-dev",
        },
        stacks: {
          "platform-dev": {
            cluster_arn: "arn:aws:ecs:eu-west-1:123456789012:cluster/dev",
            cluster_name: "dev",
          },
          "service-sample-service-dev": outputs("sample-service"),
          "service-post-worker-dev": outputs("post-worker"),
        },
      }),
    );
  };

  it("reads the service's own stack from the outputs file under PLATFORM_STACKS_OUT_DIR", async () => {
    const outDir = join(dir, "out");
    writeDocument(outDir);
    const environ = { PLATFORM_STACKS_OUT_DIR: outDir };
    const repoRoot = join(dir, "checkout");

    for (const service of ["sample-service", "post-worker"]) {
      await expect(locateService("dev", { repoRoot, service, environ })).resolves.toMatchObject({
        region: "eu-west-1",
        cluster: "dev",
        service: `dev-${service}`,
        containerName: service,
      });
    }
  });

  it("names the file and the stack it looked for", async () => {
    await expect(locateService("dev", { repoRoot: dir, service: "orders", environ: {} })).rejects.toThrow(
      `Cannot find the ECS service of orders in dev: looked in ${join(dir, "stacks", "out", "outputs", "dev.json")} (missing)`,
    );
    const outDir = join(dir, "out");
    writeDocument(outDir);
    await expect(
      locateService("dev", {
        repoRoot: dir,
        service: "orders",
        environ: { PLATFORM_STACKS_OUT_DIR: outDir },
      }),
    ).rejects.toThrow("(no stack service-orders-dev)");
  });
});

describe("serviceOutputsFromDocument", () => {
  it("takes the stack the document names for the service, else service-<name>-<env>", () => {
    const doc = {
      services: { web: "custom-stack" },
      stacks: { "custom-stack": { a: 1 }, "service-jobs-dev": { b: 2 } },
    };
    expect(serviceOutputsFromDocument(doc, "web", "dev")).toEqual({
      stack: "custom-stack",
      outputs: { a: 1 },
    });
    expect(serviceOutputsFromDocument(doc, "jobs", "dev")).toEqual({
      stack: "service-jobs-dev",
      outputs: { b: 2 },
    });
    expect(serviceOutputsFromDocument({}, "jobs", "dev")).toEqual({ stack: "service-jobs-dev" });
  });
});
