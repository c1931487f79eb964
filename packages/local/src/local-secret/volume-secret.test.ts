import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  localSecretsRoot,
  readOrCreateVolumeSecret,
  type VolumeProbe,
  VolumeSecretError,
  volumeSecretPath,
} from "./volume-secret";

const DESTROY = "npx nx run stacks:destroy -c local -- --include-data";

describe("localSecretsRoot / volumeSecretPath", () => {
  it("uses PLATFORM_LOCAL_SECRETS_DIR, else XDG_STATE_HOME, else ~/.local/state", () => {
    expect(localSecretsRoot({ PLATFORM_LOCAL_SECRETS_DIR: "/x/secrets", XDG_STATE_HOME: "/s" })).toBe(
      "/x/secrets",
    );
    expect(localSecretsRoot({ XDG_STATE_HOME: "/s", HOME: "/h" })).toBe("/s/fargate-platform");
    expect(localSecretsRoot({ HOME: "/h" })).toBe("/h/.local/state/fargate-platform");
  });

  it("keys the file by the volume name, outside any checkout", () => {
    expect(volumeSecretPath("local-pgdata", "postgres-password", { HOME: "/h" })).toBe(
      "/h/.local/state/fargate-platform/volumes/local-pgdata/postgres-password",
    );
  });

  it("rejects names that could leave the folder", () => {
    expect(() => volumeSecretPath("../x", "pw", { HOME: "/h" })).toThrow(/^volumeName must match/);
    expect(() => volumeSecretPath("v", "../pw", { HOME: "/h" })).toThrow(/^secretName must match/);
  });
});

describe("readOrCreateVolumeSecret", () => {
  let root: string;
  let environ: NodeJS.ProcessEnv;
  let probes: number;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "volume-secret-"));
    environ = { PLATFORM_LOCAL_SECRETS_DIR: path.join(root, "machine") };
    probes = 0;
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const secret = (probe: VolumeProbe, extra: { legacyFiles?: string[]; create?: boolean } = {}) =>
    readOrCreateVolumeSecret({
      volumeName: "local-pgdata",
      secretName: "postgres-password",
      probe: () => {
        probes++;
        return probe;
      },
      destroyCommand: DESTROY,
      environ,
      ...extra,
    });
  const machineFile = () => volumeSecretPath("local-pgdata", "postgres-password", environ);
  const NO_VOLUME: VolumeProbe = { exists: false, containerValues: [] };

  it("creates a secret for a volume that does not exist yet, and returns it again afterwards", () => {
    const first = secret(NO_VOLUME);
    expect(first).toMatchObject({ source: "created", file: machineFile() });
    expect(first.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(fs.statSync(machineFile()).mode & 0o777).toBe(0o600);
    // A second checkout (or a re-clone): same machine, same volume, same secret.
    const again = secret({ exists: true, containerValues: [first.value] });
    expect(again).toEqual({ value: first.value, file: machineFile(), source: "found" });
    expect(probes).toBe(2);
  });

  it("adopts a checkout's old .local-state file (copy, the old one stays)", () => {
    const legacy = path.join(root, "checkout", ".local-state", "local", "postgres-password");
    fs.mkdirSync(path.dirname(legacy), { recursive: true });
    fs.writeFileSync(legacy, "legacy-password-0123456789\n");
    const got = secret(
      { exists: true, containerValues: ["legacy-password-0123456789"] },
      { legacyFiles: [legacy] },
    );
    expect(got).toMatchObject({ value: "legacy-password-0123456789", source: "adopted-file" });
    expect(fs.readFileSync(machineFile(), "utf8")).toBe("legacy-password-0123456789\n");
    expect(fs.existsSync(legacy)).toBe(true);
  });

  it("adopts the password of the container that mounts an existing volume when no file has it", () => {
    const got = secret({ exists: true, containerValues: ["from-the-container-0123"] });
    expect(got).toMatchObject({ value: "from-the-container-0123", source: "adopted-container" });
    expect(fs.readFileSync(machineFile(), "utf8").trim()).toBe("from-the-container-0123");
  });

  it("refuses an existing volume with no secret anywhere, names both ways out, writes nothing", () => {
    let error: unknown;
    try {
      secret({ exists: true, containerValues: [] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(VolumeSecretError);
    const message = (error as Error).message;
    expect(message).toContain("The Docker volume local-pgdata exists");
    expect(message).toContain(`put the password the volume was initialized with into ${machineFile()}`);
    expect(message).toContain(DESTROY);
    expect(message).toContain("docker volume rm local-pgdata");
    expect(message).toContain("Nothing was changed or deleted");
    expect(fs.existsSync(machineFile())).toBe(false);
  });

  it("refuses to guess between two container passwords", () => {
    expect(() =>
      secret({ exists: true, containerValues: ["one-0123456789abcdef", "two-0123456789abcdef"] }),
    ).toThrow(/2 different passwords/);
    expect(fs.existsSync(machineFile())).toBe(false);
  });

  it("refuses a secret file that differs from the password the volume's containers run with", () => {
    const created = secret(NO_VOLUME).value;
    expect(() => secret({ exists: true, containerValues: ["another-0123456789abcdef"] })).toThrow(
      VolumeSecretError,
    );
    // Nothing deleted or rewritten.
    expect(fs.readFileSync(machineFile(), "utf8").trim()).toBe(created);
  });

  it("with create: false, neither a new secret nor a file", () => {
    expect(() => secret(NO_VOLUME, { create: false })).toThrow(VolumeSecretError);
    expect(fs.existsSync(machineFile())).toBe(false);
  });
});
