import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  imageDigestVariable,
  imageRecordFile,
  migrationRecordFile,
  readBuiltImage,
  readImageRecord,
  readMigrationRecord,
  readPushedImage,
  serviceOutputName,
  serviceStackName,
  writeJsonFile,
} from "./deploy-records";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "deploy-records-"));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const DIGEST = `sha256:${"a".repeat(64)}`;
const REPO = "127.0.0.1:5001/sample-service";
const pushed = {
  repository: REPO,
  digest: DIGEST,
  reference: `${REPO}@${DIGEST}`,
  gitSha: "0123456",
  version: "1.0.0",
  tag: "0123456",
  pushedAt: "2026-11-22T10:00:00Z",
  pushedTo: REPO,
  environment: "dev",
};

let n = 0;
function fileWith(content: string): string {
  n += 1;
  const file = path.join(root, `case-${n}`, "image.json");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
}

describe("record file paths", () => {
  it("are dist/deploy/<env>/<service>/image.json and migration.json under the repo root", () => {
    expect(imageRecordFile("/r", "staging", "web")).toBe("/r/dist/deploy/staging/web/image.json");
    expect(migrationRecordFile("/r", "dev", "post-worker")).toBe(
      "/r/dist/deploy/dev/post-worker/migration.json",
    );
  });
});

describe("names derived from a service", () => {
  it("stack service-<service>-<env>", () => {
    expect(serviceStackName("post-worker", "dev")).toBe("service-post-worker-dev");
  });
  it("output name in a shared stack <service with _>_<key>", () => {
    expect(serviceOutputName("post-worker", "repository_url")).toBe("post_worker_repository_url");
  });
  it("image variable PLATFORM_IMAGE_DIGEST_<NAME> in upper case with _ for -", () => {
    expect(imageDigestVariable("post-worker")).toBe("PLATFORM_IMAGE_DIGEST_POST_WORKER");
  });
});

describe("writeJsonFile", () => {
  it("creates the directory and leaves only the finished file (temp file renamed)", () => {
    const file = imageRecordFile(path.join(root, "repo"), "dev", "web");
    writeJsonFile(file, pushed);
    expect(fs.readdirSync(path.dirname(file))).toEqual(["image.json"]);
    expect(readPushedImage(file)).toEqual(pushed);
  });
});

describe("readPushedImage", () => {
  it("names the push step when the file is missing", () => {
    expect(() => readPushedImage(path.join(root, "none", "image.json"))).toThrow(
      /image.json does not exist; it is written by `nx run <service>:push -c <env>`/,
    );
  });

  it("names the file and the push step when it is not JSON", () => {
    expect(() => readPushedImage(fileWith("{"))).toThrow(/image.json is not valid JSON .*re-run `nx run/);
  });

  it("rejects a JSON value that is not an object", () => {
    expect(() => readPushedImage(fileWith("[]"))).toThrow(/must hold a JSON object/);
  });

  it("names a missing string field", () => {
    const { gitSha: _gitSha, ...rest } = pushed;
    expect(() => readPushedImage(fileWith(JSON.stringify(rest)))).toThrow(/lacks the string field "gitSha"/);
  });

  it("rejects a digest that is not sha256:<64 hex>", () => {
    const file = fileWith(
      JSON.stringify({ ...pushed, digest: "sha256:abc", reference: `${REPO}@sha256:abc` }),
    );
    expect(() => readPushedImage(file)).toThrow(/"digest" must look like sha256:<64 hex>/);
  });

  it("rejects a reference that is not <repository>@<digest>", () => {
    const file = fileWith(JSON.stringify({ ...pushed, reference: `${REPO}:latest` }));
    expect(() => readPushedImage(file)).toThrow(/"reference" must be "<repository>@<digest>"/);
  });
});

describe("readImageRecord", () => {
  it("returns undefined when no record was written", () => {
    expect(readImageRecord(path.join(root, "none", "image.json"))).toBeUndefined();
  });

  it("reads a promoted record with its promotedFrom", () => {
    const promoted = { ...pushed, promotedFrom: { environment: "dev", at: "2026-11-22T11:00:00Z" } };
    expect(readImageRecord(fileWith(JSON.stringify(promoted)))?.promotedFrom?.environment).toBe("dev");
  });

  it("checks an existing record like readPushedImage", () => {
    expect(() => readImageRecord(fileWith(JSON.stringify({ ...pushed, digest: "x" })))).toThrow(
      /"digest" must look like/,
    );
  });
});

describe("readBuiltImage", () => {
  it("names the dockerize step when the file is missing", () => {
    expect(() => readBuiltImage(path.join(root, "none", "image-build.json"))).toThrow(
      /written by `nx run <service>:dockerize`/,
    );
  });
});

describe("readMigrationRecord", () => {
  it("returns undefined when none was written, and an older record with fields missing as it is", () => {
    expect(readMigrationRecord(path.join(root, "none", "migration.json"))).toBeUndefined();
    const file = fileWith(JSON.stringify({ environment: "dev", runId: "arn:task/1", succeeded: true }));
    expect(readMigrationRecord(file)).toEqual({ environment: "dev", runId: "arn:task/1", succeeded: true });
  });

  it("names the file when it is not JSON", () => {
    expect(() => readMigrationRecord(fileWith("not json"))).toThrow(/is not valid JSON/);
  });
});
