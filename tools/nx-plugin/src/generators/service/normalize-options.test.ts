import type { Tree } from "@nx/devkit";
import serviceGenerator from "./generator";
import type { ServiceGeneratorSchema } from "./schema";
import { realWorkspaceTree } from "./test-workspace";

/** Runs the generator and returns its error; the tree must hold no change afterwards. */
async function refusal(schema: ServiceGeneratorSchema, tree: Tree = realWorkspaceTree()): Promise<Error> {
  const before = tree.listChanges().length;
  const error = await serviceGenerator(tree, schema).then(
    () => undefined,
    (err: unknown) => err as Error,
  );
  expect(error).toBeInstanceOf(Error);
  // Refused before the first write: nothing to flush, so not even --dry-run lists a file.
  expect(tree.listChanges()).toHaveLength(before);
  return error!;
}

describe("service generator refusals (before anything is written)", () => {
  it.each(["Bad_Name", "demoApi", "demo--api", "demo-", "1demo", "a", "a-very-long-service-name"])(
    "refuses the name %s naming the kebab-case rule",
    async (name) => {
      expect((await refusal({ name, type: "web", path: "/x" })).message).toMatch(
        /^name: must be kebab-case, 2-18 characters of a-z and 0-9 .*\(e\.g\. demo-api\)/,
      );
    },
  );

  it("refuses a name whose apps/<name> exists", async () => {
    expect((await refusal({ name: "sample-service", type: "web", path: "/s" })).message).toMatch(
      /^name: apps\/sample-service already exists/,
    );
  });

  it("refuses a web service without --path while /* is taken, naming the service that has it", async () => {
    expect((await refusal({ name: "demo-api", type: "web" })).message).toMatch(
      /^path: \/\* is taken by apps\/sample-service\/service\.json \(priority 1000\); give the web service a prefix with --path/,
    );
  });

  it("refuses a path another service already routes", async () => {
    const tree = realWorkspaceTree();
    await serviceGenerator(tree, { name: "demo-api", type: "web", path: "/demo" });
    expect((await refusal({ name: "demo-two", type: "web", path: "/demo" }, tree)).message).toMatch(
      /^path: \/demo, \/demo\/\* is taken by apps\/demo-api\/service\.json \(route\.pathPatterns\)/,
    );
  });

  it.each(["demo", "/demo/", "/de*mo", "/", "/a b"])(
    "refuses the path %j that is not a plain prefix",
    async (path) => {
      expect((await refusal({ name: "demo-api", type: "web", path })).message).toMatch(
        /^path: must be a prefix like \/demo or \/demo\/v1/,
      );
    },
  );

  it("refuses --path on a worker", async () => {
    expect((await refusal({ name: "demo-worker", type: "worker", path: "/w" })).message).toMatch(
      /^path: not allowed for a worker \(it takes no traffic, so it has no route\)/,
    );
  });

  it("refuses an unknown type naming the allowed values", async () => {
    expect((await refusal({ name: "demo-cron", type: "cron" })).message).toMatch(
      /^type: must be one of "web", "worker" \(got "cron"\)/,
    );
  });
});
