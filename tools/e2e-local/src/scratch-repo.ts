import { execFileSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";

/**
 * A throw-away copy of the repository with its own git history, for the changes the end-to-end test makes
 * (a version bump, a broken migration) without touching the real checkout.
 *
 * - Files: what `git ls-files --cached --others --exclude-standard` lists in the source working tree, as
 *   they are on disk (so a run in a dirty checkout tests what is there, not the last commit).
 * - git: a fresh repository with one commit of those files, so the chain sees a clean tree, tags images
 *   `<sha>` and bakes that sha; each {@link ScratchRepo.commit} is a developer's next commit.
 * - node_modules: a directory of symlinks into the source's node_modules (nothing is installed), except
 *   the workspace links (`@platform/*`, `sample-service`), which point at the copy's own packages, so Nx
 *   loads the copy's executors and the copy's stacks load the copy's constructs.
 */
export class ScratchRepo {
  /** The copy's root (holds nx.json). */
  public readonly dir: string;

  private constructor(
    dir: string,
    private readonly source: string,
  ) {
    this.dir = dir;
  }

  /** Copies `sourceRoot` (a git working tree with node_modules installed) into a new temp dir. */
  static create(sourceRoot: string, prefix = "e2e-local-repo-"): ScratchRepo {
    const source = resolve(sourceRoot);
    const dir = mkdtempSync(join(tmpdir(), prefix));
    const repo = new ScratchRepo(dir, source);
    try {
      repo.copyWorkingTree();
      repo.linkNodeModules();
      repo.git("init", "-q");
      repo.commit("scratch copy of the working tree");
    } catch (err) {
      repo.remove();
      throw err;
    }
    return repo;
  }

  /** Commits every change in the copy (after `edit` ran, if given); returns the new HEAD sha. */
  commit(message: string, edit?: (dir: string) => void): string {
    edit?.(this.dir);
    this.git("add", "-A");
    this.git("commit", "-q", "--no-verify", "-m", message);
    return this.head();
  }

  head(): string {
    return this.git("rev-parse", "HEAD").trim();
  }

  /** Every commit of the copy, newest first. */
  commits(): string[] {
    return this.git("rev-list", "HEAD").split("\n").filter(Boolean);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private git(...args: string[]): string {
    return execFileSync("git", ["-c", "commit.gpgsign=false", "-c", "core.hooksPath=/dev/null", ...args], {
      cwd: this.dir,
      encoding: "utf8",
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: "e2e-local",
        GIT_AUTHOR_EMAIL: "e2e-local@localhost",
        GIT_COMMITTER_NAME: "e2e-local",
        GIT_COMMITTER_EMAIL: "e2e-local@localhost",
      },
      maxBuffer: 64 * 1024 * 1024,
    });
  }

  private copyWorkingTree(): void {
    const listed = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
      cwd: this.source,
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    for (const rel of new Set(listed.split("\0").filter(Boolean))) {
      const from = join(this.source, rel);
      let stat: ReturnType<typeof lstatSync>;
      try {
        stat = lstatSync(from);
      } catch {
        continue; // tracked but deleted in the working tree: the copy does not have it either
      }
      const to = join(this.dir, rel);
      mkdirSync(dirname(to), { recursive: true });
      if (stat.isSymbolicLink()) symlinkSync(readlinkSync(from), to);
      else if (stat.isFile()) {
        copyFileSync(from, to);
        chmodSync(to, stat.mode & 0o777);
      }
    }
  }

  private linkNodeModules(): void {
    const from = join(this.source, "node_modules");
    const to = join(this.dir, "node_modules");
    mkdirSync(to);
    for (const entry of readdirSync(from)) {
      if (entry.startsWith("@")) {
        mkdirSync(join(to, entry));
        for (const scoped of readdirSync(join(from, entry))) {
          this.linkModule(join(from, entry, scoped), join(to, entry, scoped));
        }
      } else {
        this.linkModule(join(from, entry), join(to, entry));
      }
    }
  }

  /** Workspace links (relative, into the repository) are recreated as is; anything else points at the source. */
  private linkModule(from: string, to: string): void {
    const stat = lstatSync(from);
    if (stat.isSymbolicLink()) {
      const target = readlinkSync(from);
      const absolute = isAbsolute(target) ? target : resolve(dirname(from), target);
      const inRepo = relative(this.source, absolute);
      if (!inRepo.startsWith("..") && !inRepo.startsWith(`node_modules${sep}`) && !isAbsolute(inRepo)) {
        symlinkSync(relative(dirname(to), join(this.dir, inRepo)), to);
        return;
      }
    }
    symlinkSync(from, to);
  }
}

/**
 * Sets the service's version in apps/sample-service/package.json (what dockerize bakes in). The copy of it
 * in package-lock.json is left alone: nothing in the chain reads it (the image's dependencies come from the
 * lock's dependency entries), and nx.json makes the lock file an input of every project, so touching it
 * would rebuild the whole workspace for a one-line version bump.
 */
export function setServiceVersion(repoDir: string, version: string): void {
  const pkgFile = join(repoDir, "apps", "sample-service", "package.json");
  const pkg = JSON.parse(readFileSync(pkgFile, "utf8")) as { version: string };
  pkg.version = version;
  writeFileSync(pkgFile, `${JSON.stringify(pkg, null, 2)}\n`);
}

/** The service's version as apps/sample-service/package.json says. */
export function serviceVersion(repoDir: string): string {
  const file = join(repoDir, "apps", "sample-service", "package.json");
  return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
}

/**
 * `<NNN>_<suffix>.sql` numbered one past the highest migration of `apps/sample-service/migrations`, so a
 * test migration never shares a version with a real one (the migrator refuses duplicate versions).
 */
export function nextMigrationName(repoDir: string, suffix: string): string {
  const versions = readdirSync(join(repoDir, "apps", "sample-service", "migrations"))
    .map((f) => /^(\d+)_.*\.sql$/.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]));
  return `${String(Math.max(0, ...versions) + 1).padStart(3, "0")}_${suffix}.sql`;
}

/** Adds `apps/sample-service/migrations/<fileName>`. */
export function addMigration(repoDir: string, fileName: string, sql: string): void {
  writeFileSync(join(repoDir, "apps", "sample-service", "migrations", fileName), sql);
}
