import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Client } from "pg";
import { createJsonLogger } from "../src/json-log";
import { MIGRATION_LOCK_KEY, readMigrations, runMigrations } from "../src/migrations";
import { ServiceProcess } from "./support/service-process";
import { MIGRATIONS_DIR, TestDatabase } from "./support/test-database";

const BROKEN_DIR = path.join(__dirname, "fixtures", "migrations-broken");
const MIGRATION_FILES = fs.readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith(".sql"));

let db: TestDatabase;

beforeEach(async () => {
  db = await TestDatabase.create({ migrate: false });
});

afterEach(async () => {
  await ServiceProcess.killAll();
  await db.drop();
});

function migrate(env: Record<string, string> = {}): ServiceProcess {
  return ServiceProcess.start("migrate", { ...db.env, ...env });
}

async function appliedNames(): Promise<string[]> {
  const rows = await db.query<{ name: string }>("SELECT name FROM schema_migrations ORDER BY version");
  return rows.map((r) => r.name);
}

async function tableExists(name: string): Promise<boolean> {
  const rows = await db.query<{ found: string | null }>("SELECT to_regclass($1)::text AS found", [name]);
  return rows[0]!.found !== null;
}

/** How many sessions of this database wait for the migration lock. */
async function lockWaiters(observer: Client): Promise<number> {
  const { rows } = await observer.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_database d ON d.oid = l.database
     WHERE l.locktype = 'advisory' AND NOT l.granted AND d.datname = current_database()`,
  );
  return rows[0]!.n;
}

async function waitForLockWaiters(
  observer: Client,
  expected: number,
  processes: ServiceProcess[],
): Promise<void> {
  // Polls the database's own view of the lock queue; jest's timeout bounds it.
  while ((await lockWaiters(observer)) < expected) {
    for (const p of processes) if (!p.isRunning) throw new Error(`migrate exited early\n${p.output()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("migrate entry point", () => {
  it("applies every migration to an empty database, exits 0 and records them", async () => {
    const run = migrate();
    expect(await run.exit).toEqual({ code: 0, signal: null });
    expect(await appliedNames()).toEqual(MIGRATION_FILES);
    expect(await tableExists("posts")).toBe(true);
    expect(run.logs().map((l) => l.msg)).toContain("applied migration 001_create_posts.sql");
  });

  it("is a no-op on re-run: exits 0 and leaves the records untouched", async () => {
    expect((await migrate().exit).code).toBe(0);
    const before = await db.query("SELECT version, applied_at FROM schema_migrations ORDER BY version");
    const again = migrate();
    expect(await again.exit).toEqual({ code: 0, signal: null });
    expect(again.logs().map((l) => l.msg)).toContain("database schema is up to date");
    expect(await db.query("SELECT version, applied_at FROM schema_migrations ORDER BY version")).toEqual(
      before,
    );
  });

  it("two runs at once: both wait for the lock, both exit 0, each migration is applied once", async () => {
    const holder = await db.client();
    try {
      // Hold the lock ourselves so that both runs are provably queued at the same time.
      await holder.query("SELECT pg_advisory_lock($1::bigint)", [MIGRATION_LOCK_KEY]);
      const runs = [migrate(), migrate()];
      await waitForLockWaiters(holder, 2, runs);
      await holder.query("SELECT pg_advisory_unlock($1::bigint)", [MIGRATION_LOCK_KEY]);
      const exits = await Promise.all(runs.map((r) => r.exit));
      expect(exits).toEqual([
        { code: 0, signal: null },
        { code: 0, signal: null },
      ]);
      const applyLines = runs.flatMap((r) => r.logs()).filter((l) => l.msg.startsWith("applied migration"));
      expect(applyLines.map((l) => l.msg).sort()).toEqual(
        MIGRATION_FILES.map((f) => `applied migration ${f}`),
      );
      expect(await appliedNames()).toEqual(MIGRATION_FILES);
    } finally {
      await holder.end();
    }
  });

  it("two runs started together without outside help also apply the schema once", async () => {
    const exits = await Promise.all([migrate().exit, migrate().exit]);
    expect(exits.map((e) => e.code)).toEqual([0, 0]);
    expect(await appliedNames()).toEqual(MIGRATION_FILES);
  });

  it("gives up cleanly when another run holds the lock past MIGRATION_LOCK_TIMEOUT_MS", async () => {
    const holder = await db.client();
    try {
      await holder.query("SELECT pg_advisory_lock($1::bigint)", [MIGRATION_LOCK_KEY]);
      const run = migrate({ MIGRATION_LOCK_TIMEOUT_MS: "200" });
      expect((await run.exit).code).toBe(1);
      expect(run.stderr).toContain(
        "held the migration lock for more than 200 ms (MIGRATION_LOCK_TIMEOUT_MS)",
      );
      expect(await tableExists("posts")).toBe(false);
    } finally {
      await holder.end();
    }
  });

  it("a broken migration exits 1 with the SQL error and leaves nothing of itself applied", async () => {
    const run = migrate({ MIGRATIONS_DIR: BROKEN_DIR });
    expect((await run.exit).code).toBe(1);
    expect(run.stderr).toContain(
      'migration 002_broken.sql failed at line 3: syntax error at or near "SELEC" (SQLSTATE 42601)',
    );
    expect(run.logs().some((l) => l.level === 50 && l.msg.includes("002_broken.sql failed"))).toBe(true);
    // 001 committed in its own transaction; 002's table and row were rolled back.
    expect(await appliedNames()).toEqual(["001_create_widgets.sql"]);
    expect(await tableExists("widgets")).toBe(true);
    expect(await tableExists("gadgets")).toBe(false);

    const again = migrate({ MIGRATIONS_DIR: BROKEN_DIR });
    expect((await again.exit).code).toBe(1);
    expect(again.stderr).toContain("002_broken.sql failed at line 3");
    expect(await appliedNames()).toEqual(["001_create_widgets.sql"]);
  });

  it("refuses to run when an applied migration's file was edited afterwards", async () => {
    expect((await migrate().exit).code).toBe(0);
    const edited = fs.mkdtempSync(path.join(os.tmpdir(), "migrations-edited-"));
    try {
      for (const f of MIGRATION_FILES) fs.copyFileSync(path.join(MIGRATIONS_DIR, f), path.join(edited, f));
      fs.appendFileSync(
        path.join(edited, "001_create_posts.sql"),
        "\nALTER TABLE posts ADD COLUMN sneaky text;\n",
      );
      fs.writeFileSync(path.join(edited, "999_later.sql"), "CREATE TABLE later (id int);\n");
      const run = migrate({ MIGRATIONS_DIR: edited });
      expect((await run.exit).code).toBe(1);
      expect(run.stderr).toContain("migration 001_create_posts.sql was changed after it was applied");
      expect(await tableExists("later")).toBe(false);
    } finally {
      fs.rmSync(edited, { recursive: true, force: true });
    }
  });

  it("exits 1 naming the database when it cannot connect", async () => {
    const run = migrate({ PGPORT: "1", PGHOST: "127.0.0.1" });
    expect((await run.exit).code).toBe(1);
    expect(run.stderr).toMatch(/could not connect to 127\.0\.0\.1:1\/t_[0-9a-f]+: .*ECONNREFUSED/);
  });

  it("exits 1 naming the variable when the database settings are missing", async () => {
    const run = ServiceProcess.start("migrate", { PGHOST: "127.0.0.1" });
    expect((await run.exit).code).toBe(1);
    expect(run.stderr).toContain(
      "database settings missing: set DATABASE_URL, or all of PGHOST, PGUSER, PGPASSWORD, PGDATABASE " +
        "(missing: PGUSER, PGPASSWORD, PGDATABASE)",
    );
  });

  it("exits 1 when MIGRATIONS_DIR does not exist", async () => {
    const run = migrate({ MIGRATIONS_DIR: "/nonexistent/migrations" });
    expect((await run.exit).code).toBe(1);
    expect(run.stderr).toContain(
      "migrations directory /nonexistent/migrations does not exist (set MIGRATIONS_DIR)",
    );
  });

  it("accepts DATABASE_URL instead of PG* variables", async () => {
    const run = ServiceProcess.start("migrate", { DATABASE_URL: db.url });
    expect((await run.exit).code).toBe(0);
    expect(await appliedNames()).toEqual(MIGRATION_FILES);
  });
});

describe("runMigrations", () => {
  const silent = createJsonLogger("test", "silent");

  async function withDir(files: Record<string, string>, fn: (dir: string) => Promise<void>): Promise<void> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "migrations-"));
    try {
      for (const [name, sql] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), sql);
      await fn(dir);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  it("refuses a new migration numbered below the latest applied one", async () => {
    const client = await db.client();
    try {
      await withDir({ "002_b.sql": "CREATE TABLE b (id int);" }, async (dir) => {
        await runMigrations({ client, dir, lockTimeoutMs: 1000, log: silent });
      });
      await withDir(
        { "001_a.sql": "CREATE TABLE a (id int);", "002_b.sql": "CREATE TABLE b (id int);" },
        async (dir) => {
          await expect(runMigrations({ client, dir, lockTimeoutMs: 1000, log: silent })).rejects.toThrow(
            /migration 001_a.sql is older than the latest applied one \(002_b.sql\)/,
          );
        },
      );
      expect(await tableExists("a")).toBe(false);
    } finally {
      await client.end();
    }
  });

  it("tolerates applied migrations that this build has no file for (an older image)", async () => {
    const client = await db.client();
    try {
      await withDir(
        { "001_a.sql": "CREATE TABLE a (id int);", "002_b.sql": "CREATE TABLE b (id int);" },
        (dir) => runMigrations({ client, dir, lockTimeoutMs: 1000, log: silent }).then(() => undefined),
      );
      await withDir({ "001_a.sql": "CREATE TABLE a (id int);" }, async (dir) => {
        const result = await runMigrations({ client, dir, lockTimeoutMs: 1000, log: silent });
        expect(result).toEqual({ applied: [], alreadyApplied: 2 });
      });
    } finally {
      await client.end();
    }
  });
});

describe("readMigrations", () => {
  /** A temp directory holding the given files, removed afterwards. */
  function readFrom(files: Record<string, string>): string[] {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "migrations-"));
    try {
      for (const [name, sql] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), sql);
      return readMigrations(dir).map((m) => m.name);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  it("orders files by number, not by name, and ignores other files", () => {
    expect(readFrom({ "10_ten.sql": "", "9_nine.sql": "", "README.md": "not a migration" })).toEqual([
      "9_nine.sql",
      "10_ten.sql",
    ]);
  });

  it("rejects a .sql file without a numeric prefix", () => {
    expect(() => readFrom({ "create-things.sql": "" })).toThrow(
      /create-things.sql must be named like 001_create_posts.sql/,
    );
  });

  it("rejects two files with the same number", () => {
    expect(() => readFrom({ "001_a.sql": "", "1_b.sql": "" })).toThrow(/share version 1/);
  });
});
