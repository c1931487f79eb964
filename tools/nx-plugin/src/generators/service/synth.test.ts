import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App, Testing } from "cdktf";
import { FsTree, flushChanges } from "nx/src/generators/tree";
import { defineEnvironmentStacks } from "../../../../../stacks/src/app";
import serviceGenerator from "./generator";
import { scratchWorkspace } from "./test-workspace";

const DIGEST = `sha256:${"a".repeat(64)}`;

/** Terraform JSON of a synthesized stack (untyped: the test indexes into it). */
type TfJson = Record<string, Record<string, Record<string, Record<string, unknown>>>>;

/**
 * The stacks app synthesized for one environment over the scratch workspace's services, with fixed
 * inputs (as stacks/src/__tests__/synth.ts does), so the result does not depend on this machine.
 */
function synth(env: "local" | "dev", repo: string): Record<string, TfJson> {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), "generator-synth-")) });
  const defined = defineEnvironmentStacks(app, {
    env,
    servicesRoot: repo,
    environ: {
      // No deploy records in the scratch copy: every service image is a placeholder but these.
      PLATFORM_REPO_ROOT: repo,
      PLATFORM_IMAGE_DIGEST_SAMPLE_SERVICE: DIGEST,
      PLATFORM_IMAGE_DIGEST_POST_WORKER: DIGEST,
      PLATFORM_IMAGE_DIGEST_DEMO_API: DIGEST,
      PLATFORM_IMAGE_DIGEST_DEMO_JOBS: DIGEST,
      PLATFORM_PROXY_IMAGE_DIGEST: `sha256:${"b".repeat(64)}`,
      PLATFORM_LOCAL_STATE_DIR: path.join(repo, ".state"),
    },
  });
  return Object.fromEntries(defined.stacks.map((s) => [s.node.id, JSON.parse(Testing.synth(s)) as TfJson]));
}

const resources = (stack: TfJson | undefined, type: string) => Object.values(stack?.resource?.[type] ?? {});

describe("a generated service in a copy of the workspace", () => {
  let repo: string;
  let local: Record<string, TfJson>;
  let dev: Record<string, TfJson>;

  beforeAll(async () => {
    repo = scratchWorkspace();
    const tree = new FsTree(repo, false);
    await serviceGenerator(tree, { name: "demo-api", type: "web", path: "/demo" });
    await serviceGenerator(tree, { name: "demo-jobs", type: "worker", database: true });
    flushChanges(repo, tree.listChanges());
    local = synth("local", repo);
    dev = synth("dev", repo);
  }, 120_000);

  afterAll(() => fs.rmSync(repo, { recursive: true, force: true }));

  it("gets its own stacks next to the existing services' (dev and local)", () => {
    expect(Object.keys(dev)).toEqual(
      expect.arrayContaining(["service-demo-api-dev", "service-demo-jobs-dev", "service-sample-service-dev"]),
    );
    expect(Object.keys(local)).toEqual(
      expect.arrayContaining([
        "local-demo-api",
        "local-demo-jobs",
        "local-sample-service",
        "local-post-worker",
      ]),
    );
  });

  it("is routed on the shared load balancer under its prefix, ahead of the catch-all", () => {
    const [rule] = resources(dev["service-demo-api-dev"], "aws_lb_listener_rule");
    expect(rule).toMatchObject({
      priority: 990,
      condition: [{ path_pattern: { values: ["/demo", "/demo/*"] } }],
    });
    const [sample] = resources(dev["service-sample-service-dev"], "aws_lb_listener_rule");
    expect(sample).toMatchObject({ priority: 1000 });
    expect(resources(dev["service-demo-jobs-dev"], "aws_lb_listener_rule")).toEqual([]);
  });

  it("has its URL under the prefix, where the chain's ready wait and smoke ask (<url>/_ready, <url>/version)", () => {
    const url = (stack: TfJson | undefined) =>
      (stack?.output as { service_url?: { value?: unknown } })?.service_url?.value;
    expect(url(local["local-demo-api"])).toBe("http://127.0.0.1:8080/demo");
    expect(url(local["local-sample-service"])).toBe("http://127.0.0.1:8080");
    expect(url(local["local-demo-jobs"])).toBe("");
    expect(String(url(dev["service-demo-api-dev"]))).toMatch(/\/demo$/);
  });

  it("gets a repository, and the database owner its roles' secrets", () => {
    expect(JSON.stringify(dev.registry)).toContain("demo-api");
    expect(JSON.stringify(dev["database-dev"])).toContain("demo-jobs");
  });

  it("is a route of the local proxy; the worker is not", () => {
    const proxy = resources(local.local, "docker_container").find((c) => String(c.image).includes("proxy"));
    const routes = JSON.stringify(proxy?.env);
    expect(routes).toContain("/demo/*");
    expect(routes).not.toContain("demo-jobs");
  });
});
