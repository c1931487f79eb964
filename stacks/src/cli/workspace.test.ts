import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { adoptCheckoutState, localDatabasePassword } from "./workspace";

describe("localDatabasePassword", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "ws-secret-"));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
  const environ = { PLATFORM_LOCAL_SECRETS_DIR: path.join(root, "machine") };
  const machineFile = path.join(root, "machine", "volumes", "local-pgdata", "postgres-password");
  // An engine that does not answer (a socket path nobody listens on): the volume cannot be checked.
  const deadEngine = { ...process.env, DOCKER_HOST: `unix://${path.join(root, "no-engine.sock")}` };
  const password = () =>
    localDatabasePassword({
      env: "local",
      volumeName: "local-pgdata",
      legacyDirs: [path.join(root, "checkout", ".local-state")],
      dockerEnv: deadEngine,
      environ,
    });

  it("reads the machine-level file keyed by the volume, and still checks it against the engine", () => {
    fs.mkdirSync(path.dirname(machineFile), { recursive: true });
    fs.writeFileSync(machineFile, "kept-beside-the-volume-0123\n", { mode: 0o600 });
    // Found file: the engine is still asked (a mismatch check), so an unreachable one is an error...
    expect(() => password()).toThrow(/docker volume ls .* failed/);
    // ...and the file is left as it was.
    expect(fs.readFileSync(machineFile, "utf8")).toBe("kept-beside-the-volume-0123\n");
  });

  it("never creates a secret when it cannot tell whether the volume exists", () => {
    fs.rmSync(machineFile, { force: true });
    expect(() => password()).toThrow(/failed/);
    expect(fs.existsSync(machineFile)).toBe(false);
  });
});

describe("adoptCheckoutState", () => {
  it("copies a checkout's .local-state files that the machine-level state lacks; never overwrites or deletes", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "ws-state-"));
    const repo = path.join(root, "checkout");
    const state = path.join(root, "machine", "state");
    fs.mkdirSync(path.join(repo, ".local-state", "local"), { recursive: true });
    fs.writeFileSync(path.join(repo, ".local-state", "local", "local.tfstate"), "old-checkout");
    fs.writeFileSync(path.join(repo, ".local-state", "local", "local-data.tfstate"), "old-checkout");
    fs.mkdirSync(path.join(state, "local"), { recursive: true });
    fs.writeFileSync(path.join(state, "local", "local.tfstate"), "machine");
    const lines: string[] = [];
    expect(adoptCheckoutState(repo, state, (l) => lines.push(l))).toEqual([
      path.join("local", "local-data.tfstate"),
    ]);
    expect(fs.readFileSync(path.join(state, "local", "local.tfstate"), "utf8")).toBe("machine");
    expect(fs.readFileSync(path.join(state, "local", "local-data.tfstate"), "utf8")).toBe("old-checkout");
    expect(fs.existsSync(path.join(repo, ".local-state", "local", "local.tfstate"))).toBe(true);
    expect(lines).toHaveLength(1);
    expect(adoptCheckoutState(repo, state, (l) => lines.push(l))).toEqual([]);
    fs.rmSync(root, { recursive: true, force: true });
  });
});
