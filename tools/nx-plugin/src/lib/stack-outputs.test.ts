import { StackOutputs } from "./stack-outputs";

const BY = "npx nx run stacks:apply -c dev";

describe("StackOutputs", () => {
  const outputs = new StackOutputs(
    "stacks/dist/outputs/dev.json",
    {
      registry: { repository_url: "1.dkr.ecr.eu-west-1.amazonaws.com/app" },
      "service-dev": {
        cluster_arn: { value: "arn:aws:ecs:eu-west-1:1:cluster/app", type: "string", sensitive: false },
        migration_subnet_ids: ["subnet-a", "subnet-b"],
        db_port: 5432,
        migration_environment: '{"PGHOST":"db","PGPORT":"5432"}',
      },
    },
    BY,
  );

  it("reads outputs nested per stack, unwrapping terraform's {value, type}", () => {
    expect(outputs.string("repository_url")).toBe("1.dkr.ecr.eu-west-1.amazonaws.com/app");
    expect(outputs.string("cluster_arn")).toBe("arn:aws:ecs:eu-west-1:1:cluster/app");
    expect(outputs.stringList("migration_subnet_ids")).toEqual(["subnet-a", "subnet-b"]);
    expect(outputs.string("db_port")).toBe("5432");
  });

  it("reads a flat file too", () => {
    expect(new StackOutputs("f", { service_url: "http://x" }, BY).string("service_url")).toBe("http://x");
  });

  it("names the missing output, what is present and the command that writes it", () => {
    expect(() => outputs.string("migration_task_family")).toThrow(
      /"migration_task_family" is missing from stacks\/dist\/outputs\/dev.json \(present: .*cluster_arn.*\).*npx nx run stacks:apply -c dev/,
    );
  });

  it("names the expected type of a mistyped output", () => {
    expect(() => outputs.stringList("repository_url")).toThrow(
      /"repository_url" .* must be a non-empty list of strings/,
    );
  });

  it("parses a JSON object output into a record of strings", () => {
    expect(outputs.record("migration_environment")).toEqual({ PGHOST: "db", PGPORT: "5432" });
  });
});
