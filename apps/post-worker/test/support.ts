import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { Client, Pool } from "pg";
import { type ConnectionSettings, createDatabase } from "../../../packages/testing/src/postgres-cluster";

/** Set by globalSetup: JSON ConnectionSettings of the run's cluster. */
export const TEST_PG_ENV = "POST_WORKER_TEST_PG";

const APP_DIR = path.resolve(__dirname, "..");
/** The worker owns no schema: its tables are sample-service's migrations. */
export const SAMPLE_SERVICE_MIGRATIONS = path.resolve(APP_DIR, "..", "sample-service", "migrations");

/**
 * A fresh database with sample-service's migrations applied in number order (the SQL files as
 * the migrate command runs them, minus its bookkeeping), dropped by drop().
 */
export class JobDatabase {
  private readonly pools: Pool[] = [];

  private constructor(
    readonly settings: ConnectionSettings,
    readonly name: string,
  ) {}

  static async create(): Promise<JobDatabase> {
    const raw = process.env[TEST_PG_ENV];
    if (raw === undefined) throw new Error(`${TEST_PG_ENV} unset: run through jest.config.js (globalSetup)`);
    const settings = JSON.parse(raw) as ConnectionSettings;
    const db = new JobDatabase(settings, await createDatabase(settings, "pw"));
    const files = fs.readdirSync(SAMPLE_SERVICE_MIGRATIONS).filter((f) => /^\d+_.*\.sql$/.test(f));
    files.sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10));
    for (const file of files)
      await db.query(fs.readFileSync(path.join(SAMPLE_SERVICE_MIGRATIONS, file), "utf8"));
    return db;
  }

  /** The worker's configuration for this database, as ECS injects it. */
  get env(): Record<string, string> {
    const s = this.settings;
    return {
      PGHOST: s.host,
      PGPORT: String(s.port),
      PGUSER: s.user,
      PGPASSWORD: s.password,
      PGDATABASE: this.name,
    };
  }

  get clientConfig() {
    return { ...this.settings, database: this.name };
  }

  /** A pool of its own (one per worker instance); ended by drop(). */
  pool(max = 2): Pool {
    const pool = new Pool({ ...this.clientConfig, max });
    pool.on("error", () => undefined);
    this.pools.push(pool);
    return pool;
  }

  async query<T extends object = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    const client = new Client(this.clientConfig);
    await client.connect();
    try {
      return (await client.query<T>(sql, params)).rows;
    } finally {
      await client.end();
    }
  }

  /** N posts with their queued jobs, as sample-service's POST /posts writes them; returns the post ids. */
  async enqueuePosts(posts: readonly { title: string; content: string }[]): Promise<number[]> {
    const rows = await this.query<{ post_id: number }>(
      `WITH p AS (INSERT INTO posts (title, content)
                  SELECT * FROM unnest($1::text[], $2::text[]) RETURNING id)
       INSERT INTO post_jobs (post_id) SELECT id FROM p RETURNING post_id`,
      [posts.map((p) => p.title), posts.map((p) => p.content)],
    );
    return rows.map((r) => r.post_id);
  }

  async drop(): Promise<void> {
    await Promise.all(this.pools.splice(0).map((p) => p.end().catch(() => undefined)));
    const admin = new Client({ ...this.settings, database: "postgres" });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${this.name} WITH (FORCE)`).finally(() => admin.end());
  }
}

export interface WorkerLine {
  readonly msg: string;
  readonly [field: string]: unknown;
}

/** src/main.ts as a real child process (through @swc-node/register: no build needed), env as given. */
export class WorkerProcess {
  readonly lines: WorkerLine[] = [];
  stderr = "";
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;
  private readonly watchers: { test: (l: WorkerLine) => boolean; hit: (l: WorkerLine) => void }[] = [];

  constructor(env: Record<string, string>) {
    this.child = spawn(process.execPath, ["-r", "@swc-node/register", "src/main.ts"], {
      cwd: APP_DIR,
      env: { PATH: process.env.PATH ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let rest = "";
    this.child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      const parts = (rest + chunk).split("\n");
      rest = parts.pop()!;
      for (const text of parts.filter((p) => p.startsWith("{"))) {
        const line = JSON.parse(text) as WorkerLine;
        this.lines.push(line);
        for (const w of this.watchers.filter((x) => x.test(line))) w.hit(line);
      }
    });
    this.child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
      this.stderr += chunk;
    });
    this.exited = new Promise((resolve) => this.child.on("close", (code) => resolve(code)));
  }

  signal(name: NodeJS.Signals): void {
    this.child.kill(name);
  }

  /** The first line (logged already or later) with this msg; fails if the process exits first. */
  waitFor(msg: string): Promise<WorkerLine> {
    const seen = this.lines.find((l) => l.msg === msg);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      this.watchers.push({ test: (l) => l.msg === msg, hit: resolve });
      void this.exited.then((code) =>
        reject(new Error(`worker exited (${code}) before logging "${msg}"\n${this.stderr}`)),
      );
    });
  }
}

/** Per test file: a migrated database (handed to `use`), emptied before each test, dropped after all. */
export function useJobDatabase(use: (db: JobDatabase) => void): void {
  let db: JobDatabase | undefined;
  beforeAll(async () => {
    db = await JobDatabase.create();
    use(db);
  });
  afterAll(() => db?.drop());
  beforeEach(() => db!.query("TRUNCATE posts RESTART IDENTITY CASCADE"));
}
