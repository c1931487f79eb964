import * as fs from "node:fs";
import * as path from "node:path";
import {
  evaluate,
  type Finding,
  globToRegExp,
  parseCheckovJson,
  parseSkipList,
  renderEvaluation,
  resourceTypes,
  type StackFile,
  toFindings,
} from "./checkov-report";

const failed = (check_id: string, resource: string, file: string) => ({
  check_id,
  check_name: `name of ${check_id}`,
  check_result: { result: "FAILED" },
  file_path: file,
  file_abs_path: file,
  file_line_range: [10, 20] as [number, number],
  resource,
});

const report = {
  check_type: "terraform_json",
  results: {
    failed_checks: [
      failed(
        "CKV_AWS_158",
        "resource.service_log-group_D4C0FDDC",
        "cdktf.out/dev/stacks/service-dev/cdk.tf.json",
      ),
      failed(
        "CKV_AWS_157",
        "resource.database_instance_D7FC2283",
        "cdktf.out/prod/stacks/database-prod/cdk.tf.json",
      ),
      failed("CKV_AWS_41", "provider.aws", "cdktf.out/prod/stacks/database-prod/cdk.tf.json"),
    ],
  },
  summary: {
    passed: 40,
    failed: 3,
    skipped: 0,
    parsing_errors: 0,
    resource_count: 0,
    checkov_version: "3.3.30",
  },
};

const stacks: Record<string, StackFile> = {
  "cdktf.out/dev/stacks/service-dev/cdk.tf.json": {
    env: "dev",
    stack: "service-dev",
    types: resourceTypes({ resource: { aws_cloudwatch_log_group: { "service_log-group_D4C0FDDC": {} } } }),
  },
  "cdktf.out/prod/stacks/database-prod/cdk.tf.json": {
    env: "prod",
    stack: "database-prod",
    types: { database_instance_D7FC2283: "aws_db_instance" },
  },
};

const skipText = (skips: unknown[]) => JSON.stringify({ skips });

describe("parseCheckovJson", () => {
  it("reads one report", () => {
    const r = parseCheckovJson(JSON.stringify(report));
    expect(r.failed).toHaveLength(3);
    expect(r).toMatchObject({ passed: 40, failedCount: 3, parsingErrors: 0, checkovVersion: "3.3.30" });
  });

  it("reads a list of reports and a bare summary (nothing scanned)", () => {
    const bare = {
      passed: 0,
      failed: 0,
      skipped: 0,
      parsing_errors: 0,
      resource_count: 0,
      checkov_version: "3.3.30",
    };
    expect(parseCheckovJson(JSON.stringify([report, report])).failed).toHaveLength(6);
    expect(parseCheckovJson(JSON.stringify(bare))).toMatchObject({
      failed: [],
      passed: 0,
      checkovVersion: "3.3.30",
    });
  });

  it("refuses output that is not JSON", () => {
    expect(() => parseCheckovJson("Traceback (most recent call last)")).toThrow(/not JSON/);
  });
});

describe("toFindings", () => {
  it("names each failure <env>/<stack>/<type>.<name>, keeping non-resource ids", () => {
    const f = toFindings(parseCheckovJson(JSON.stringify(report)).failed, (file) => stacks[file]);
    expect(f.map((x) => `${x.check} ${x.env}/${x.stack}/${x.address}`)).toEqual([
      "CKV_AWS_158 dev/service-dev/aws_cloudwatch_log_group.service_log-group_D4C0FDDC",
      "CKV_AWS_157 prod/database-prod/aws_db_instance.database_instance_D7FC2283",
      "CKV_AWS_41 prod/database-prod/provider.aws",
    ]);
    expect(f[0]).toMatchObject({ name: "name of CKV_AWS_158", lines: [10, 20] });
  });
});

describe("globToRegExp", () => {
  it("* stays within one path segment", () => {
    expect(globToRegExp("*/service-*/aws_lb*").test("dev/service-dev/aws_lb_listener.http_1")).toBe(true);
    expect(globToRegExp("*/aws_lb*").test("dev/service-dev/aws_lb.x")).toBe(false);
    expect(globToRegExp("dev/a.b/c").test("dev/aXb/c")).toBe(false);
  });
});

describe("parseSkipList", () => {
  it("accepts one id or a list, one resource or a list", () => {
    const s = parseSkipList(
      skipText([
        { check: "CKV_AWS_1", resource: "*/x/y.z", reason: "because it is so" },
        { check: ["CKV2_AWS_5", "CKV_AWS_2"], resource: ["a/b/c.d", "e/f/*"], reason: "because it is so" },
      ]),
    );
    expect(s[1]).toEqual({
      checks: ["CKV2_AWS_5", "CKV_AWS_2"],
      resources: ["a/b/c.d", "e/f/*"],
      reason: "because it is so",
    });
  });

  it.each([
    [{ resource: "a/b/c", reason: "long enough reason" }, /check must be/],
    [{ check: "AWS_1", resource: "a/b/c", reason: "long enough reason" }, /not a checkov check id/],
    [{ check: "CKV_AWS_1", resource: "aws_lb.x", reason: "long enough reason" }, /<env>\/<stack>/],
    [{ check: "CKV_AWS_1", resource: "a/b/c" }, /reason must say why/],
    [{ check: "CKV_AWS_1", resource: "a/b/c", reason: "meh" }, /reason must say why/],
  ])("refuses %j", (entry, message) => {
    expect(() => parseSkipList(skipText([entry]))).toThrow(message);
  });

  it("refuses a file without a skips list", () => {
    expect(() => parseSkipList("[]")).toThrow(/"skips" list/);
  });

  it("the checked-in stacks/checkov-skips.json is valid and short", () => {
    const file = path.join(__dirname, "..", "..", "checkov-skips.json");
    const skips = parseSkipList(fs.readFileSync(file, "utf8"));
    expect(skips.length).toBeGreaterThan(0);
    expect(skips.length).toBeLessThan(15);
  });
});

describe("evaluate", () => {
  const f = (check: string, env: string, stack: string, address: string): Finding => ({
    check,
    name: check,
    env,
    stack,
    address,
    file: `stacks/cdktf.out/${env}/stacks/${stack}/cdk.tf.json`,
    lines: [1, 2],
  });
  const findings = [
    f("CKV_AWS_157", "dev", "database-dev", "aws_db_instance.db_1"),
    f("CKV_AWS_157", "prod", "database-prod", "aws_db_instance.db_1"),
    f("CKV_AWS_158", "dev", "service-dev", "aws_cloudwatch_log_group.lg_1"),
  ];
  const skips = parseSkipList(
    skipText([
      {
        check: "CKV_AWS_157",
        resource: "dev/database-dev/aws_db_instance.*",
        reason: "dev is single-AZ to save cost",
      },
      {
        check: ["CKV_AWS_158", "CKV_AWS_338"],
        resource: "*/service-*/aws_cloudwatch_log_group.*",
        reason: "no KMS key yet",
      },
    ]),
  );

  it("skips only what an entry names (check id and resource) and lists the rest", () => {
    const ev = evaluate(findings, skips);
    expect(ev.skipped.map((s) => s.finding.stack)).toEqual(["database-dev", "service-dev"]);
    expect(ev.unexpected).toEqual([findings[1]]);
    const text = renderEvaluation(ev);
    expect(text).toContain("FAILED: 1 failed check(s) not in stacks/checkov-skips.json");
    expect(text).toContain(
      "stack prod/database-prod, resource aws_db_instance.db_1, file stacks/cdktf.out/prod/stacks/database-prod/cdk.tf.json:1-2",
    );
  });

  it("reports each check id of an entry that matched nothing", () => {
    const ev = evaluate(findings, skips);
    expect(ev.unused.map((u) => u.check)).toEqual(["CKV_AWS_338"]);
    expect(renderEvaluation(ev)).toMatch(
      /Unused skip entries[^\n]*\n {2}CKV_AWS_338 \*\/service-\*\/aws_cloudwatch_log_group\.\*/,
    );
  });

  it("passes with nothing to say when every failure is accepted and every entry used", () => {
    const ev = evaluate(findings.slice(0, 1), skips.slice(0, 1));
    expect(ev.unexpected).toEqual([]);
    expect(ev.unused).toEqual([]);
    expect(renderEvaluation(ev)).toBe("");
  });
});
