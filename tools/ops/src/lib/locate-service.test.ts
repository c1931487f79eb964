import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { locateService, stacksOutputsFile } from "./locate-service";

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

  it("reads the service from the outputs file under PLATFORM_STACKS_OUT_DIR", async () => {
    const outDir = join(dir, "out");
    mkdirSync(join(outDir, "outputs"), { recursive: true });
    writeFileSync(
      join(outDir, "outputs", "dev.json"),
      JSON.stringify({
        cluster_arn: "arn:aws:ecs:eu-west-1:123456789012:cluster/dev-cluster",
        cluster_name: "dev-cluster",
        service_name: "dev-service",
        container_name: "app",
      }),
    );

    const location = await locateService("dev", {
      repoRoot: join(dir, "checkout"),
      environ: { PLATFORM_STACKS_OUT_DIR: outDir },
    });

    expect(location).toMatchObject({ region: "eu-west-1", cluster: "dev-cluster", service: "dev-service" });
  });

  it("names the file it looked for when there is none", async () => {
    await expect(locateService("dev", { repoRoot: dir, environ: {} })).rejects.toThrow(
      `${join(dir, "stacks", "out", "outputs", "dev.json")} (missing)`,
    );
  });
});
