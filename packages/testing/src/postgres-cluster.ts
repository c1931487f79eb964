import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { Client } from "pg";

const run = promisify(execFile);

/** Where Debian/Ubuntu put server binaries; PG_BIN_DIR overrides. */
const PG_LIB_DIR = "/usr/lib/postgresql";

/** The server binaries (`initdb`, `pg_ctl`), or an error saying how to get them. */
export function findPostgresBinDir(env: NodeJS.ProcessEnv = process.env, libDir = PG_LIB_DIR): string {
  const candidates: string[] = [];
  // PLATFORM_PG_BIN_DIR: what tools/toolchain found (toolchain.env).
  for (const dir of [env.PG_BIN_DIR, env.PLATFORM_PG_BIN_DIR]) if (dir) candidates.push(dir);
  if (fs.existsSync(libDir)) {
    const versions = fs
      .readdirSync(libDir)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => path.join(libDir, v, "bin")));
  }
  for (const dir of (env.PATH ?? "").split(path.delimiter)) if (dir) candidates.push(dir);
  const found = candidates.find(
    (d) => fs.existsSync(path.join(d, "initdb")) && fs.existsSync(path.join(d, "pg_ctl")),
  );
  if (found === undefined) {
    throw new Error(
      "PostgreSQL server binaries (initdb, pg_ctl) not found in PG_BIN_DIR, PLATFORM_PG_BIN_DIR, " +
        `${libDir}/<version>/bin or PATH. These tests need a real PostgreSQL: ` +
        "install it (Debian: apt-get install postgresql) or set PG_BIN_DIR.",
    );
  }
  return found;
}

/** A TCP port free on 127.0.0.1 right now (for a server the caller starts next). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface ConnectionSettings {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
}

/**
 * A throwaway PostgreSQL cluster: initdb into a temp dir, listening on 127.0.0.1 and a free
 * port only, password auth over TCP, fsync off (test data is disposable). As root, every
 * server binary runs as the `postgres` user, since PostgreSQL refuses to run as root.
 */
export class PostgresCluster implements ConnectionSettings {
  readonly host = "127.0.0.1";
  readonly user = "postgres";

  private constructor(
    readonly binDir: string,
    readonly baseDir: string,
    private currentPort: number,
    readonly password: string,
  ) {}

  get port(): number {
    return this.currentPort;
  }

  get dataDir(): string {
    return path.join(this.baseDir, "data");
  }

  get logFile(): string {
    return path.join(this.baseDir, "postgres.log");
  }

  static async create(): Promise<PostgresCluster> {
    const binDir = findPostgresBinDir();
    const baseDir = fs.mkdtempSync(path.join(os.tmpdir(), "platform-pg-"));
    const password = randomBytes(12).toString("hex");
    const cluster = new PostgresCluster(binDir, baseDir, await freePort(), password);
    try {
      fs.writeFileSync(path.join(baseDir, "pwfile"), `${password}\n`, { mode: 0o600 });
      fs.mkdirSync(path.join(baseDir, "socket"));
      cluster.chownToPostgres();
      await cluster.pg("initdb", [
        "-D",
        cluster.dataDir,
        "-U",
        "postgres",
        `--pwfile=${path.join(baseDir, "pwfile")}`,
        "--auth-host=scram-sha-256",
        "--auth-local=trust",
        "-E",
        "UTF8",
        "--locale=C",
        "--no-sync",
      ]);
      fs.appendFileSync(
        path.join(cluster.dataDir, "postgresql.conf"),
        [
          "",
          "listen_addresses = '127.0.0.1'",
          `unix_socket_directories = '${path.join(baseDir, "socket")}'`,
          "fsync = off",
          "synchronous_commit = off",
          "full_page_writes = off",
          "max_connections = 200",
          "",
        ].join("\n"),
      );
      // The free port can be taken between probing and binding: try another one.
      for (let attempt = 1; ; attempt++) {
        try {
          await cluster.start();
          return cluster;
        } catch (err) {
          if (attempt >= 3 || !/could not bind|Address already in use/.test(String(err))) throw err;
          cluster.currentPort = await freePort();
        }
      }
    } catch (err) {
      await cluster.destroy().catch(() => undefined);
      throw err;
    }
  }

  /** Starts (again) and waits until it accepts connections. */
  async start(): Promise<void> {
    await this.pg("pg_ctl", [
      "-D",
      this.dataDir,
      "-l",
      this.logFile,
      "-o",
      `-p ${this.port}`,
      "-w",
      "-t",
      "60",
      "start",
    ]);
  }

  /** Fast shutdown: open sessions are terminated, as when a database instance goes away. */
  async stop(): Promise<void> {
    await this.pg("pg_ctl", ["-D", this.dataDir, "-m", "fast", "-w", "-t", "60", "stop"]);
  }

  async destroy(): Promise<void> {
    if (fs.existsSync(path.join(this.dataDir, "postmaster.pid"))) {
      await this.pg("pg_ctl", ["-D", this.dataDir, "-m", "immediate", "-w", "stop"]).catch(() => undefined);
    }
    fs.rmSync(this.baseDir, { recursive: true, force: true });
  }

  settings(): ConnectionSettings {
    return { host: this.host, port: this.port, user: this.user, password: this.password };
  }

  private chownToPostgres(): void {
    if (process.getuid?.() !== 0) return;
    const entry = /^postgres:[^:]*:(\d+):(\d+):/m.exec(fs.readFileSync("/etc/passwd", "utf8"));
    if (entry === null) {
      throw new Error(
        "running as root, but there is no `postgres` user to run PostgreSQL as (PostgreSQL refuses root)",
      );
    }
    for (const p of [this.baseDir, path.join(this.baseDir, "pwfile"), path.join(this.baseDir, "socket")]) {
      fs.chownSync(p, Number(entry[1]), Number(entry[2]));
    }
  }

  private async pg(binary: string, args: readonly string[]): Promise<void> {
    const file = path.join(this.binDir, binary);
    const [cmd, cmdArgs] =
      process.getuid?.() === 0 ? ["runuser", ["-u", "postgres", "--", file, ...args]] : [file, [...args]];
    try {
      await run(cmd, cmdArgs, { cwd: this.baseDir, env: { PATH: process.env.PATH, LANG: "C" } });
    } catch (err) {
      const e = err as Error & { stderr?: string; stdout?: string };
      const log = fs.existsSync(this.logFile) ? fs.readFileSync(this.logFile, "utf8").slice(-2000) : "";
      throw new Error(
        `${binary} ${args.join(" ")} failed: ${e.message}\n${e.stdout ?? ""}${e.stderr ?? ""}\n${log}`,
      );
    }
  }
}

/** Creates an empty database with a random name on a running cluster; returns its name. */
export async function createDatabase(settings: ConnectionSettings, prefix = "t"): Promise<string> {
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  const admin = new Client({ ...settings, database: "postgres" });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return name;
}
