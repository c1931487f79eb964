import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ExecCommandNotFoundError, NoRunningReplicaError } from "../src/executors/exec/errors";
import { execLocal } from "../src/executors/exec/exec-local";
import { normalizeExecOptions } from "../src/executors/exec/normalize-options";
import { writeJsonFile } from "../src/lib/deploy-files";
import { StepLog } from "../src/lib/log";
import { docker, dockerEnv, toolchain, uniqueName } from "./support";

jest.setTimeout(120_000);

// A replica of the runtime image every service is built on (node, no shell), on the real engine.
describe("exec into a local replica (docker exec)", () => {
  const name = uniqueName("nxp-exec");
  const dir = mkdtempSync(join(tmpdir(), "exec-local-"));
  const log = new StepLog("test");
  const options = (command: string[]) =>
    normalizeExecOptions(
      { environment: "local", outputsFile: join(dir, "outputs.json"), command },
      dir,
      "sample-service",
    );

  beforeAll(async () => {
    const image = toolchain().env.NODE_RUNTIME_IMAGE;
    if (!image)
      throw new Error("toolchain.env has no NODE_RUNTIME_IMAGE; run `npx nx run toolchain:ensure`.");
    await docker(["run", "-d", "--name", `${name}-1`, image, "node", "-e", "setInterval(() => {}, 1e6)"]);
    await docker(["create", "--name", `${name}-stopped`, image, "node", "-e", "0"]);
    writeJsonFile(join(dir, "outputs.json"), {
      stacks: { "local-sample-service": { container_names: [`${name}-stopped`, `${name}-1`] } },
    });
  });

  afterAll(async () => {
    await docker(["rm", "--force", `${name}-1`, `${name}-stopped`], [1]);
    rmSync(dir, { recursive: true, force: true });
  });

  it("runs the command in the running replica (skipping a stopped one) and returns its exit code", async () => {
    const code = await execLocal(
      options(["node", "-e", "process.exit(require('os').hostname().length > 0 ? 4 : 5)"]),
      dockerEnv(),
      log,
      false,
    );
    expect(code).toBe(4);
  });

  it("refuses a program the image does not have (no shell) with ExecCommandNotFoundError, running nothing", async () => {
    const refused = execLocal(options(["sh", "-c", "id"]), dockerEnv(), log, false);
    await expect(refused).rejects.toBeInstanceOf(ExecCommandNotFoundError);
    await expect(refused).rejects.toThrow(
      /"sh" is not in sample-service's container .*-1: the runtime image has no shell/,
    );
  });

  it("refuses with NoRunningReplicaError when no replica runs, naming each one's state", async () => {
    writeJsonFile(join(dir, "outputs-stopped.json"), {
      stacks: { "local-sample-service": { container_names: [`${name}-stopped`, `${name}-gone`] } },
    });
    const o = { ...options(["node"]), outputsFile: join(dir, "outputs-stopped.json") };
    const refused = execLocal(o, dockerEnv(), log, false);
    await expect(refused).rejects.toBeInstanceOf(NoRunningReplicaError);
    await expect(refused).rejects.toThrow(
      new RegExp(`no running replica in local \\(${name}-stopped: created, ${name}-gone: missing\\)`),
    );
  });
});
