import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  appendDeployHistory,
  deployHistoryFile,
  historyEntry,
  imageRecordOf,
  localStateDir,
  MalformedDeployHistoryError,
  migrationFileNames,
  readDeployHistory,
  readMigrationFiles,
} from "./deploy-history";
import { deployHistoryKey, deployHistoryStore } from "./deploy-history-store";
import type { ImageRecord } from "./deploy-records";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "deploy-history-"));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const REPO = "127.0.0.1:5001/sample-service";
const image = (hex: string, gitSha: string): ImageRecord => ({
  repository: REPO,
  digest: `sha256:${hex.repeat(64)}`,
  reference: `${REPO}@sha256:${hex.repeat(64)}`,
  gitSha,
  version: "1.0.0",
  tag: gitSha,
  pushedAt: "2026-12-01T10:00:00.000Z",
  pushedTo: REPO,
  environment: "local",
});

describe("deployHistoryFile / localStateDir", () => {
  it("keeps local history beside the local Terraform state, outside dist/", () => {
    const env = { PLATFORM_LOCAL_STATE_DIR: "../state" };
    expect(localStateDir("/repo/main", env)).toBe("/repo/state");
    expect(deployHistoryFile("/repo/main", "local", "sample-service", env)).toBe(
      "/repo/state/local/deploy-history/sample-service.json",
    );
    expect(deployHistoryFile("/r", "local", "web", { XDG_STATE_HOME: "/xdg" })).toBe(
      "/xdg/fargate-platform/state/local/deploy-history/web.json",
    );
    expect(deployHistoryFile("/r", "local", "web", { PLATFORM_LOCAL_SECRETS_DIR: "/sec" })).toBe(
      "/sec/state/local/deploy-history/web.json",
    );
  });

  it("keeps an AWS environment's history in the state bucket, by environment and service", () => {
    expect(deployHistoryKey("dev", "web")).toBe("deploy-history/dev/web.json");
    const store = deployHistoryStore({
      repoRoot: "/r",
      env: "dev",
      service: "web",
      stateBucket: { bucket: "acme-tfstate", region: "eu-west-1" },
      environ: {},
    });
    expect(store.where).toBe("s3://acme-tfstate/deploy-history/dev/web.json");
    expect(
      deployHistoryStore({
        repoRoot: "/r",
        env: "local",
        service: "web",
        environ: { PLATFORM_LOCAL_STATE_DIR: "/s" },
      }).where,
    ).toBe("/s/local/deploy-history/web.json");
    expect(() => deployHistoryStore({ repoRoot: "/r", env: "dev", service: "web", environ: {} })).toThrow(
      /lives in the state bucket, but none was given/,
    );
  });
});

describe("appendDeployHistory / readDeployHistory", () => {
  it("starts empty and appends oldest first, keeping the newest `limit` entries", () => {
    const file = path.join(root, "a", "history.json");
    expect(readDeployHistory(file)).toEqual([]);
    for (const [i, hex] of ["a", "b", "c"].entries()) {
      appendDeployHistory(
        file,
        historyEntry(image(hex, `000000${i}`), {
          result: "succeeded",
          kind: "deploy",
          migrations: ["001_a.sql"],
          deployedAt: new Date(Date.UTC(2026, 11, 1, i)),
        }),
        2,
      );
    }
    const read = readDeployHistory(file);
    expect(read.map((e) => e.gitSha)).toEqual(["0000001", "0000002"]);
    expect(read[1]).toMatchObject({
      digest: `sha256:${"c".repeat(64)}`,
      deployedAt: "2026-12-01T02:00:00.000Z",
      result: "succeeded",
      kind: "deploy",
      migrations: ["001_a.sql"],
    });
  });

  it("records a failure's first line and a rollback's origin", () => {
    const e = historyEntry(image("d", "1234567"), {
      result: "failed",
      kind: "rollback",
      migrations: [],
      rolledBackFrom: `sha256:${"e".repeat(64)}`,
      error: "apply failed\nmore detail",
    });
    expect(e).toMatchObject({ error: "apply failed", rolledBackFrom: `sha256:${"e".repeat(64)}` });
  });

  it("names the file and field of a malformed entry", () => {
    const file = path.join(root, "bad", "history.json");
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const good = historyEntry(image("a", "1234567"), { result: "succeeded", kind: "deploy", migrations: [] });
    fs.writeFileSync(file, JSON.stringify({ entries: [good, { ...good, result: "ok" }] }));
    expect(() => readDeployHistory(file)).toThrow(
      `${file}: entries[1]: "result" must be one of succeeded, failed (got "ok").`,
    );
    fs.writeFileSync(file, JSON.stringify({ entries: [{ ...good, digest: "latest" }] }));
    expect(() => readDeployHistory(file)).toThrow(/entries\[0\]: "digest" must look like sha256/);
    fs.writeFileSync(file, "{ not json");
    expect(() => readDeployHistory(file)).toThrow(MalformedDeployHistoryError);
    expect(() => readDeployHistory(file)).toThrow(`${file} is not valid JSON`);
  });
});

describe("imageRecordOf", () => {
  it("gives back the image record the entry was made from (what rollback writes)", () => {
    const pushed = image("f", "abcdef0");
    const entry = historyEntry(pushed, { result: "succeeded", kind: "deploy", migrations: [] });
    expect(imageRecordOf(entry, "local")).toEqual({ ...pushed, pushedAt: entry.deployedAt });
  });
});

describe("migrationFileNames / readMigrationFiles", () => {
  it("lists the *.sql files in order; no folder = none", () => {
    const dir = path.join(root, "migrations");
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, "002_b.sql"), "-- rollback: compatible\n");
    fs.writeFileSync(path.join(dir, "001_a.sql"), "create table a ();\n");
    fs.writeFileSync(path.join(dir, "README.md"), "not a migration");
    expect(migrationFileNames(dir)).toEqual(["001_a.sql", "002_b.sql"]);
    expect(readMigrationFiles(dir).get("002_b.sql")).toBe("-- rollback: compatible\n");
    expect(migrationFileNames(path.join(root, "none"))).toEqual([]);
  });
});
