import {
  classifyActions,
  planExitCode,
  renderPlanMarkdown,
  summarizeStackPlan,
  type TerraformPlanJson,
} from "./plan-summary";

const rc = (address: string, actions: string[], extra: object = {}) => ({
  address,
  mode: "managed" as const,
  type: address.split(".")[0],
  change: { actions, ...extra },
});

const plan: TerraformPlanJson = {
  resource_changes: [
    rc("aws_vpc.main", ["no-op"]),
    rc("aws_subnet.a", ["create"]),
    rc("aws_lb.alb", ["update"]),
    rc("aws_ecs_task_definition.app", ["create", "delete"], { replace_paths: [["container_definitions"]] }),
    rc("aws_db_instance.db", ["delete", "create"], { replace_paths: [["engine_version"], ["identifier"]] }),
    rc("aws_security_group.old", ["delete"]),
    {
      address: "data.aws_s3_object.state",
      mode: "data",
      type: "aws_s3_object",
      change: { actions: ["read"] },
    },
  ],
  output_changes: { url: { actions: ["update"] }, same: { actions: ["no-op"] } },
};

describe("classifyActions", () => {
  it.each([
    [["create"], "add"],
    [["update"], "change"],
    [["delete"], "destroy"],
    [["delete", "create"], "replace"],
    [["create", "delete"], "replace"],
    [["no-op"], undefined],
    [["read"], undefined],
    [["forget"], undefined],
  ])("%j -> %s", (actions, kind) => {
    expect(classifyActions(actions)).toBe(kind);
  });
});

describe("summarizeStackPlan", () => {
  const s = summarizeStackPlan("service-dev", plan);

  it("counts adds, changes, replacements and destroys of managed resources", () => {
    expect([s.add, s.change, s.replace, s.destroy]).toEqual([1, 1, 2, 1]);
  });

  it("lists the attributes that force each replacement", () => {
    expect(s.changes.find((c) => c.address === "aws_db_instance.db")?.forcedBy).toEqual([
      "engine_version",
      "identifier",
    ]);
  });

  it("ignores no-ops and data source reads but counts output changes", () => {
    expect(s.changes.map((c) => c.address)).not.toContain("aws_vpc.main");
    expect(s.changes.map((c) => c.address)).not.toContain("data.aws_s3_object.state");
    expect(s.outputChanges).toEqual(["url"]);
    expect(s.hasChanges).toBe(true);
  });

  it("reports no changes for an empty plan", () => {
    const empty = summarizeStackPlan("x", {
      resource_changes: [rc("aws_vpc.main", ["no-op"])],
      output_changes: {},
    });
    expect(empty.hasChanges).toBe(false);
  });
});

describe("planExitCode", () => {
  const none = summarizeStackPlan("a", {});
  const some = summarizeStackPlan("b", plan);
  it("is 0 without changes, 2 with changes, 1 on any error", () => {
    expect(planExitCode([none], [])).toBe(0);
    expect(planExitCode([none, some], [])).toBe(2);
    expect(planExitCode([some], [{ stack: "c", error: "boom" }])).toBe(1);
  });
});

describe("renderPlanMarkdown", () => {
  const md = renderPlanMarkdown({
    environment: "dev",
    stacks: [summarizeStackPlan("network-dev", {}), summarizeStackPlan("service-dev", plan)],
    notes: { "service-dev": ["network-dev is not applied yet"] },
  });

  it("flags replacements and destroys at the top, by address", () => {
    const warning = md.indexOf("> [!WARNING]");
    expect(warning).toBeGreaterThan(0);
    expect(warning).toBeLessThan(md.indexOf("| Stack |"));
    expect(md).toContain("> **2 to replace, 1 to destroy.**");
    expect(md).toContain(
      "> - replace in `service-dev`: `aws_ecs_task_definition.app` (forced by `container_definitions`)",
    );
    expect(md).toContain("> - destroy in `service-dev`: `aws_security_group.old`");
  });

  it("has a table row per stack with the four counts", () => {
    expect(md).toContain("| `network-dev` | 0 | 0 | 0 | 0 |  |");
    expect(md).toContain("| `service-dev` | 1 | 1 | 2 | 1 | 1 |");
  });

  it("lists each stack's changes and notes", () => {
    expect(md).toContain("_network-dev is not applied yet_");
    expect(md).toContain("- `aws_subnet.a`");
  });

  it("says no changes when there are none", () => {
    const calm = renderPlanMarkdown({ environment: "dev", stacks: [summarizeStackPlan("a", {})] });
    expect(calm).toContain("**No changes.**");
    expect(calm).not.toContain("[!WARNING]");
  });

  it("flags failed stacks and shows their errors", () => {
    const failed = renderPlanMarkdown({
      environment: "dev",
      stacks: [],
      errors: [{ stack: "service-dev", error: "Error: x" }],
    });
    expect(failed).toContain("> [!CAUTION]");
    expect(failed).toContain("### service-dev (error)");
  });
});
