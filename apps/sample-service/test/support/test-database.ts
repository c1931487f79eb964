import * as path from "node:path";
import { Client, Pool } from "pg";
import type { DatabaseConfig } from "../../src/config";
import { createJsonLogger } from "../../src/json-log";
import { runMigrations } from "../../src/migrations";
import { type ConnectionSettings, createDatabase } from "./postgres-cluster";

/** Set by globalSetup: JSON ConnectionSettings of the run's cluster. */
export const TEST_PG_ENV = "SAMPLE_SERVICE_TEST_PG";

export const APP_DIR = path.resolve(__dirname, "..", "..");
export const MIGRATIONS_DIR = path.join(APP_DIR, "migrations");

export function testCluster(): ConnectionSettings {
  const raw = process.env[TEST_PG_ENV];
  if (raw === undefined) {
    throw new Error(
      `${TEST_PG_ENV} is not set: run these tests through jest.config.js (its globalSetup starts PostgreSQL)`,
    );
  }
  return JSON.parse(raw) as ConnectionSettings;
}

/** A fresh database of its own per test file (or test), dropped at the end. */
export class TestDatabase {
  private readonly pools: Pool[] = [];

  private constructor(
    readonly settings: ConnectionSettings,
    readonly name: string,
  ) {}

  static async create(
    options: { migrate?: boolean; settings?: ConnectionSettings } = {},
  ): Promise<TestDatabase> {
    const settings = options.settings ?? testCluster();
    const db = new TestDatabase(settings, await createDatabase(settings));
    if (options.migrate ?? true) await db.migrate();
    return db;
  }

  /** The service's configuration for this database, as PG* variables (ECS style). */
  get env(): Record<string, string> {
    return {
      PGHOST: this.settings.host,
      PGPORT: String(this.settings.port),
      PGUSER: this.settings.user,
      PGPASSWORD: this.settings.password,
      PGDATABASE: this.name,
    };
  }

  get url(): string {
    const s = this.settings;
    return `postgres://${s.user}:${encodeURIComponent(s.password)}@${s.host}:${s.port}/${this.name}`;
  }

  get config(): DatabaseConfig {
    return { ...this.settings, database: this.name, ssl: false, poolMax: 10, description: this.name };
  }

  async migrate(dir = MIGRATIONS_DIR): Promise<void> {
    const client = await this.client();
    try {
      await runMigrations({ client, dir, lockTimeoutMs: 10_000, log: createJsonLogger("test", "silent") });
    } finally {
      await client.end();
    }
  }

  async client(): Promise<Client> {
    const client = new Client({ ...this.settings, database: this.name });
    await client.connect();
    return client;
  }

  /** A pool the test may use freely; ended by drop(). */
  pool(): Pool {
    const pool = new Pool({ ...this.settings, database: this.name, max: 5 });
    pool.on("error", () => undefined);
    this.pools.push(pool);
    return pool;
  }

  async query<T extends object = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    const client = await this.client();
    try {
      return (await client.query<T>(sql, params)).rows;
    } finally {
      await client.end();
    }
  }

  async drop(): Promise<void> {
    await Promise.all(this.pools.splice(0).map((p) => p.end().catch(() => undefined)));
    const admin = new Client({ ...this.settings, database: "postgres" });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${this.name} WITH (FORCE)`);
    } finally {
      await admin.end();
    }
  }
}
