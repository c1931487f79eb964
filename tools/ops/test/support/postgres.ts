import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

function binDir(): string {
  const candidates = [
    process.env.PLATFORM_PG_BIN_DIR,
    "/usr/lib/postgresql/15/bin",
    "/usr/lib/postgresql/16/bin",
  ];
  const found = candidates.find((d) => d && existsSync(join(d, "initdb")));
  if (!found)
    throw new Error(
      "PostgreSQL server binaries not found (PLATFORM_PG_BIN_DIR); run npx nx run toolchain:ensure",
    );
  return found;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

/** A throwaway PostgreSQL on 127.0.0.1 (trust auth, fsync off). As root the server runs as `postgres`. */
export async function startPostgres(): Promise<{ readonly url: string; stop(): void }> {
  const bin = binDir();
  const dir = mkdtempSync(join(tmpdir(), "ops-pg-"));
  chmodSync(dir, 0o777);
  const port = await freePort();
  const asPg = (file: string, args: string[]) =>
    process.getuid?.() === 0
      ? execFileSync("runuser", ["-u", "postgres", "--", file, ...args], { stdio: "pipe" })
      : execFileSync(file, args, { stdio: "pipe" });
  const data = join(dir, "data");
  asPg(join(bin, "initdb"), [
    "-D",
    data,
    "-U",
    "postgres",
    "-A",
    "trust",
    "--no-sync",
    "-E",
    "UTF8",
    "--locale=C",
  ]);
  asPg(join(bin, "pg_ctl"), [
    "-D",
    data,
    "-l",
    join(dir, "log"),
    "-w",
    "-o",
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
    "start",
  ]);
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    stop() {
      if (process.getuid?.() === 0)
        spawnSync("runuser", [
          "-u",
          "postgres",
          "--",
          join(bin, "pg_ctl"),
          "-D",
          data,
          "-m",
          "immediate",
          "stop",
        ]);
      else spawnSync(join(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "stop"]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
