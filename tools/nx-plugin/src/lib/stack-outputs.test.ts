import { StackOutputs } from "./stack-outputs";

const BY = "npx nx run stacks:apply -c dev";

describe("StackOutputs", () => {
  const outputs = new StackOutputs(
    "stacks/out/outputs/dev.json",
    {
      environment: "dev",
      generatedAt: "2026-11-22T00:00:00.000Z",
      stacks: {
        registry: { repository_url: "1.dkr.ecr.eu-west-1.amazonaws.com/app" },
        "service-dev": {
          cluster_arn: "arn:aws:ecs:eu-west-1:1:cluster/app",
          migration_subnet_ids: ["subnet-a", "subnet-b"],
          db_port: 5432,
          migration_environment: { PGHOST: "db", PGPORT: "5432" },
        },
      },
    },
    BY,
  );

  it("reads each stack's outputs by name", () => {
    expect(outputs.string("repository_url")).toBe("1.dkr.ecr.eu-west-1.amazonaws.com/app");
    expect(outputs.stringList("migration_subnet_ids")).toEqual(["subnet-a", "subnet-b"]);
    expect(outputs.string("db_port")).toBe("5432");
    expect(outputs.record("migration_environment")).toEqual({ PGHOST: "db", PGPORT: "5432" });
  });

  it("names the missing output, what is present and the command that writes it", () => {
    expect(() => outputs.string("migration_task_family")).toThrow(
      /"migration_task_family" is missing from stacks\/out\/outputs\/dev.json \(present: .*cluster_arn.*\).*npx nx run stacks:apply -c dev/,
    );
  });

  it("names the stack and the expected type of a mistyped output", () => {
    expect(() => outputs.stringList("repository_url")).toThrow(
      /"repository_url" of stack registry .* must be a non-empty list of strings/,
    );
  });

  it("refuses a file that is not an outputs document", () => {
    expect(() => new StackOutputs("f.json", { service_url: "http://x" }, BY)).toThrow(/must hold \{"stacks"/);
  });
});

describe("StackOutputs.firstString", () => {
  const outputs = new StackOutputs("o.json", { stacks: { s: { b: "2" } } }, BY);

  it("takes the first output present", () => {
    expect(outputs.firstString(["a", "b"])).toBe("2");
  });

  it("names every alternative when none is present", () => {
    expect(() => outputs.firstString(["a", "c"])).toThrow(/Stack output "a" or "c" is missing/);
  });
});

describe("StackOutputs scoped to a service", () => {
  const doc = {
    stacks: {
      registry: {
        web_repository_url: "1.dkr.ecr.eu-west-1.amazonaws.com/web",
        post_worker_repository_url: "1.dkr.ecr.eu-west-1.amazonaws.com/post-worker",
      },
      "platform-dev": { cluster_arn: "arn:aws:ecs:eu-west-1:1:cluster/dev" },
      "service-post-worker-dev": { service_name: "dev-post-worker", service_url: "" },
      "service-web-dev": { service_name: "dev-web", service_url: "http://alb" },
    },
  };
  const web = new StackOutputs("o.json", doc, BY, { service: "web", environment: "dev" });

  it("reads the service's own stack, never another service's", () => {
    expect(web.string("service_name")).toBe("dev-web");
    expect(
      new StackOutputs("o.json", doc, BY, { service: "post-worker", environment: "dev" }).string(
        "service_name",
      ),
    ).toBe("dev-post-worker");
  });

  it("reads the layers' outputs too", () => {
    expect(web.string("cluster_arn")).toBe("arn:aws:ecs:eu-west-1:1:cluster/dev");
  });

  it("has the service's repository under the plain name", () => {
    expect(web.string("repository_url")).toBe("1.dkr.ecr.eu-west-1.amazonaws.com/web");
  });

  it("lists outputs by suffix", () => {
    expect(web.namesEndingWith("_repository_url")).toEqual([
      "post_worker_repository_url",
      "web_repository_url",
    ]);
  });
});

describe("StackOutputs with the services the stacks CLI recorded", () => {
  const doc = {
    services: { web: "local" },
    stacks: { "local-data": { volume: "v" }, local: { service_url: "http://127.0.0.1:8080" } },
  };

  it("finds a service's own stack by the record, whatever its name", () => {
    const web = new StackOutputs("o.json", doc, BY, { service: "web", environment: "local" });
    expect(web.string("service_url")).toBe("http://127.0.0.1:8080");
    expect([...web.serviceStacks.keys()]).toEqual(["web"]);
  });

  it("hides a recorded service's stack from another service", () => {
    const other = new StackOutputs("o.json", doc, BY, { service: "api", environment: "local" });
    expect(other.has("service_url")).toBe(false);
    expect(other.string("volume")).toBe("v");
  });
});
