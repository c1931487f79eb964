import type { DeployHistoryEntry } from "@platform/toolchain";
import {
  checkRollbackTo,
  MigrationForbidsRollbackError,
  NoDeployHistoryError,
  NoPreviousDeployError,
  type PlanRollbackInput,
  planRollback,
  RollbackTargetNotDeployedError,
} from "./plan-rollback";

const digest = (c: string) => `sha256:${c.repeat(64)}`;
let clock = 0;
const entry = (
  c: string,
  gitSha: string,
  migrations: string[],
  over: Partial<DeployHistoryEntry> = {},
): DeployHistoryEntry => ({
  digest: digest(c),
  repository: "127.0.0.1:5001/web",
  reference: `127.0.0.1:5001/web@${digest(c)}`,
  gitSha,
  version: "1.0.0",
  tag: gitSha,
  pushedTo: "127.0.0.1:5001/web",
  deployedAt: new Date(Date.UTC(2026, 11, 1, clock++)).toISOString(),
  result: "succeeded",
  kind: "deploy",
  migrations,
  ...over,
});

const V1 = entry("a", "1111111aaaa", ["001_a.sql"]);
const V2 = entry("b", "2222222bbbb", ["001_a.sql", "002_b.sql"]);
const V2_FAILED = entry("c", "3333333cccc", ["001_a.sql", "002_b.sql", "003_c.sql"], { result: "failed" });
const V2_AGAIN = entry("b", "2222222bbbb", ["001_a.sql", "002_b.sql"]);

const input = (over: Partial<PlanRollbackInput>): PlanRollbackInput => ({
  environment: "local",
  service: "web",
  history: [V1, V2, V2_FAILED, V2_AGAIN],
  migrationFiles: new Map([
    ["001_a.sql", "create table a ();\n"],
    [
      "002_b.sql",
      "-- Adds a column the old code ignores.\n-- rollback: compatible\nalter table a add b int;\n",
    ],
  ]),
  migrationsDir: "apps/web/migrations",
  ...over,
});

describe("planRollback: the target", () => {
  it("defaults to the newest succeeded deploy before the running one with another digest", () => {
    const plan = planRollback(input({}));
    expect(plan.current).toBe(V2_AGAIN);
    expect(plan.target).toBe(V1);
    expect(plan.compatibleMigrations).toEqual(["002_b.sql"]);
  });

  it("takes --to as a digest or a git sha prefix (7+ characters) of a succeeded deploy", () => {
    const history = [V1, V2, entry("d", "4444444dddd", ["001_a.sql", "002_b.sql"])];
    expect(planRollback(input({ history, to: digest("b") })).target).toBe(V2);
    expect(planRollback(input({ history, to: "1111111" })).target).toBe(V1);
    expect(planRollback(input({ history, to: "2222222BBBB" })).target).toBe(V2);
  });

  it("refuses --to of a digest deployed only by a failed apply, listing the known deploys", () => {
    const history = [V1, V2, V2_FAILED];
    expect(() => planRollback(input({ history, to: digest("c") }))).toThrow(RollbackTargetNotDeployedError);
    expect(() => planRollback(input({ history, to: "9999999" }))).toThrow(
      new RegExp(
        `never successfully deployed to local for web; deployed there: ${digest("b")} .*; ${digest("a")}`,
      ),
    );
  });

  it("refuses --to of what runs now", () => {
    expect(() => planRollback(input({ to: "2222222" }))).toThrow(/is what web in local runs now/);
  });

  it("refuses with no history, or with no earlier deploy of another digest", () => {
    expect(() => planRollback(input({ history: [] }))).toThrow(NoDeployHistoryError);
    expect(() => planRollback(input({ history: [V2_FAILED] }))).toThrow(NoDeployHistoryError);
    expect(() => planRollback(input({ history: [V2, V2_AGAIN] }))).toThrow(NoPreviousDeployError);
  });
});

describe("planRollback: migrations (expand/contract)", () => {
  it("refuses past a migration without the compatibility line, naming each such file", () => {
    const files = new Map([
      ["001_a.sql", ""],
      ["002_b.sql", "alter table a drop column old; -- rollback: compatible? no\n"],
    ]);
    let error: unknown;
    try {
      planRollback(input({ migrationFiles: files }));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(MigrationForbidsRollbackError);
    expect((error as MigrationForbidsRollbackError).migrations).toEqual(["002_b.sql"]);
    expect((error as Error).message).toMatch(
      /^MigrationForbidsRollbackError: .* 002_b\.sql\. Nothing was changed/,
    );
  });

  it("refuses past a migration whose file is not in the checkout", () => {
    expect(() => planRollback(input({ migrationFiles: new Map() }))).toThrow(
      /002_b\.sql \(not in apps\/web\/migrations\)/,
    );
  });

  it("allows a rollback that crosses no migration", () => {
    const history = [V2, entry("e", "5555555eeee", ["001_a.sql", "002_b.sql"])];
    expect(planRollback(input({ history, migrationFiles: new Map() })).compatibleMigrations).toEqual([]);
  });
});

describe("checkRollbackTo", () => {
  it("accepts a digest or a git sha, and names the forms otherwise", () => {
    expect(checkRollbackTo(digest("a"))).toBe(digest("a"));
    expect(checkRollbackTo("ABCDEF0")).toBe("abcdef0");
    expect(() => checkRollbackTo("abc")).toThrow(
      'Option "to" must be a digest (sha256:<64 hex>) or a git sha (7 to 40 hex characters), got "abc".',
    );
    expect(() => checkRollbackTo("latest")).toThrow(/Option "to"/);
  });
});
