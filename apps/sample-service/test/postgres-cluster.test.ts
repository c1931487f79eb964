import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { findPostgresBinDir } from "./support/postgres-cluster";

describe("findPostgresBinDir", () => {
  it("fails with a message saying what is missing and how to get it (the suite never skips)", () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "no-pg-"));
    try {
      expect(() => findPostgresBinDir({ PATH: empty }, path.join(empty, "lib"))).toThrow(
        /PostgreSQL server binaries \(initdb, pg_ctl\) not found .* install it \(Debian: apt-get install postgresql\) or set PG_BIN_DIR/,
      );
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  it("picks the newest version under the library directory", () => {
    const lib = fs.mkdtempSync(path.join(os.tmpdir(), "pg-lib-"));
    try {
      for (const v of ["9", "15", "16"]) {
        fs.mkdirSync(path.join(lib, v, "bin"), { recursive: true });
        for (const bin of ["initdb", "pg_ctl"]) fs.writeFileSync(path.join(lib, v, "bin", bin), "");
      }
      expect(findPostgresBinDir({ PATH: "" }, lib)).toBe(path.join(lib, "16", "bin"));
    } finally {
      fs.rmSync(lib, { recursive: true, force: true });
    }
  });
});
