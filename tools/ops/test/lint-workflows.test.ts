import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const repoRoot = join(__dirname, "..", "..", "..");
const script = join(repoRoot, "tools", "ops", "scripts", "lint-workflows.sh");
const workflowsDir = join(repoRoot, ".github", "workflows");

jest.setTimeout(300_000);

function lint(files: string[] = []) {
  return spawnSync("bash", [script, ...files], { cwd: repoRoot, encoding: "utf8" });
}

test("the repository's workflows lint clean with actionlint", () => {
  const r = lint();
  expect(r.stderr + r.stdout).toMatch(/on 3 file\(s\)/);
  expect(r.stdout).toBe("");
  expect(r.status).toBe(0);
});

test("a broken workflow is rejected (the linter really runs)", () => {
  const r = lint([join(repoRoot, "tools", "ops", "fixtures", "broken-workflow.yml")]);
  expect(r.status).toBe(1);
  expect(r.stdout).toMatch(/property "no_such_property" is not defined/);
  expect(r.stdout).toMatch(/job "build" needs job "setup" which does not exist/);
});

test("every action is pinned by a full commit SHA with a version comment", () => {
  for (const file of readdirSync(workflowsDir)) {
    const uses = readFileSync(join(workflowsDir, file), "utf8")
      .split("\n")
      .filter((l) => /^\s*(-\s+)?uses:/.test(l));
    expect(uses.length).toBeGreaterThan(0);
    for (const line of uses) expect(line).toMatch(/uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  }
});
