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
