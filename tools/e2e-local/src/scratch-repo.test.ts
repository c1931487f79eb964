import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  addMigration,
  nextMigrationName,
  ScratchRepo,
  serviceVersion,
  setServiceVersion,
} from "./scratch-repo";

/** A tiny workspace: a git repo with a tracked, an untracked, an ignored and a deleted file, and node_modules. */
function fakeWorkspace(): string {
  const root = mkdtempSync(join(tmpdir(), "scratch-src-"));
  const write = (rel: string, text: string) => {
    mkdirSync(join(root, rel, ".."), { recursive: true });
    writeFileSync(join(root, rel), text);
  };
  write(".gitignore", "node_modules/\ndist/\n");
  write("nx.json", "{}\n");
  write(
    "apps/sample-service/package.json",
    `${JSON.stringify({ name: "sample-service", version: "1.0.0" }, null, 2)}\n`,
  );
  write("apps/sample-service/migrations/001_init.sql", "SELECT 1;\n");
  write("packages/local/index.js", "module.exports = 'copy';\n");
  write("gone.txt", "deleted in the working tree\n");
  const git = (...args: string[]) =>
    execFileSync(
      "git",
      ["-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false", ...args],
      {
        cwd: root,
      },
    );
  git("init", "-q");
  git("add", ".");
  git("commit", "-q", "-m", "init");
  write("untracked.txt", "not committed yet\n");
  write("dist/built.js", "ignored\n");
  unlinkSync(join(root, "gone.txt"));
  write("node_modules/left-pad/index.js", "module.exports = 'installed';\n");
  mkdirSync(join(root, "node_modules", "@platform"), { recursive: true });
  symlinkSync("../../packages/local", join(root, "node_modules", "@platform", "local"));
  return root;
}

describe("ScratchRepo", () => {
  const source = fakeWorkspace();
  const repo = ScratchRepo.create(source);
  afterAll(() => {
    repo.remove();
    rmSync(source, { recursive: true, force: true });
  });

  it("copies the working tree as it is: tracked and untracked files, not ignored or deleted ones", () => {
    expect(readFileSync(join(repo.dir, "untracked.txt"), "utf8")).toBe("not committed yet\n");
    expect(existsSync(join(repo.dir, "dist", "built.js"))).toBe(false);
    expect(existsSync(join(repo.dir, "gone.txt"))).toBe(false);
  });

  it("is a clean git tree of its own", () => {
    const status = execFileSync("git", ["status", "--porcelain"], { cwd: repo.dir, encoding: "utf8" });
    expect(status).toBe("");
    expect(repo.head()).toMatch(/^[0-9a-f]{40}$/);
  });

  it("links installed packages to the source and workspace packages to the copy", () => {
    expect(realpathSync(join(repo.dir, "node_modules", "left-pad"))).toBe(
      realpathSync(join(source, "node_modules", "left-pad")),
    );
    expect(realpathSync(join(repo.dir, "node_modules", "@platform", "local"))).toBe(
      realpathSync(join(repo.dir, "packages", "local")),
    );
  });

  it("numbers a test migration one past the highest real one", () => {
    const dir = mkdtempSync(join(tmpdir(), "migrations-"));
    const migrations = join(dir, "apps", "sample-service", "migrations");
    mkdirSync(migrations, { recursive: true });
    expect(nextMigrationName(dir, "first")).toBe("001_first.sql");
    for (const f of ["001_a.sql", "002_b.sql", "010_c.sql", "README.md", "999_notes.txt"])
      writeFileSync(join(migrations, f), "");
    expect(nextMigrationName(dir, "e2e_broken")).toBe("011_e2e_broken.sql");
  });

  it("commits a version bump and a migration as a new sha, leaving the source alone", () => {
    const first = repo.head();
    const sha = repo.commit("bump", (dir) => {
      setServiceVersion(dir, "1.0.1");
      addMigration(dir, "002_next.sql", "SELECT 2;\n");
    });
    expect(sha).not.toBe(first);
    expect(repo.commits()).toEqual([sha, first]);
    expect(serviceVersion(repo.dir)).toBe("1.0.1");
    expect(serviceVersion(source)).toBe("1.0.0");
    const files = execFileSync("git", ["show", "--name-only", "--format=", "HEAD"], {
      cwd: repo.dir,
      encoding: "utf8",
    });
    expect(files.trim().split("\n").sort()).toEqual([
      "apps/sample-service/migrations/002_next.sql",
      "apps/sample-service/package.json",
    ]);
  });
});
