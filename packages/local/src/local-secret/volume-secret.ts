import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { type ReadOrCreateLocalSecretOptions, readOrCreateLocalSecret } from "./local-secret";

/** Docker's rule for volume names (also a safe folder name). */
const VOLUME_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/;
/** A secret's file name inside its volume's folder. */
const SECRET_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/**
 * The machine-level folder for the secrets of local Docker volumes:
 * `$PLATFORM_LOCAL_SECRETS_DIR`, else `${XDG_STATE_HOME:-$HOME/.local/state}/fargate-platform`.
 * Outside every checkout on purpose: a volume outlives the checkout that created it, and so must the
 * password its database was initialized with.
 */
export function localSecretsRoot(environ: NodeJS.ProcessEnv = process.env): string {
  const explicit = environ.PLATFORM_LOCAL_SECRETS_DIR?.trim();
  if (explicit) return resolve(explicit);
  const home = environ.HOME?.trim() || homedir();
  const state = environ.XDG_STATE_HOME?.trim() || join(home, ".local", "state");
  return join(resolve(state), "fargate-platform");
}

/** `<localSecretsRoot>/volumes/<volume>/<secret>`: one folder per Docker volume name. */
export function volumeSecretPath(
  volumeName: string,
  secretName: string,
  environ: NodeJS.ProcessEnv = process.env,
): string {
  if (!VOLUME_NAME.test(volumeName)) {
    throw new Error(`volumeName must match ${VOLUME_NAME} (a Docker volume name); got "${volumeName}"`);
  }
  if (!SECRET_NAME.test(secretName)) {
    throw new Error(`secretName must match ${SECRET_NAME}; got "${secretName}"`);
  }
  return join(localSecretsRoot(environ), "volumes", volumeName, secretName);
}

/** What the Docker engine knows about a volume, for {@link readOrCreateVolumeSecret}. */
export interface VolumeProbe {
  /** The volume exists (its data was initialized with some secret). */
  readonly exists: boolean;
  /**
   * Values of the secret's environment variable in containers that mount the volume (e.g. the
   * `POSTGRES_PASSWORD` the database container was started with), deduplicated.
   */
  readonly containerValues: readonly string[];
}

export interface ProbeDockerVolumeOptions {
  /** Environment for the `docker` CLI (DOCKER_HOST from toolchain.env). @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Environment variable to read from the containers that mount the volume. */
  readonly envVar?: string;
  /** @default "docker" */
  readonly docker?: string;
}

function docker(bin: string, args: string[], env: NodeJS.ProcessEnv): string {
  const r = spawnSync(bin, args, { env, encoding: "utf8", timeout: 30_000 });
  if (r.error) throw new Error(`${bin} ${args.join(" ")} failed: ${r.error.message}`);
  if (r.status !== 0)
    throw new Error(`${bin} ${args.join(" ")} failed (exit ${r.status}): ${r.stderr.trim()}`);
  return r.stdout;
}

/**
 * Asks the Docker engine whether `volumeName` exists and, with `envVar`, which values of it the
 * containers mounting the volume carry. Throws when the engine does not answer: a deploy must not
 * guess that a volume is absent and hand a new password to existing data.
 */
export function probeDockerVolume(volumeName: string, options: ProbeDockerVolumeOptions = {}): VolumeProbe {
  const env = options.env ?? process.env;
  const bin = options.docker ?? "docker";
  const names = docker(bin, ["volume", "ls", "-q", "--filter", `name=${volumeName}`], env)
    .split("\n")
    .map((s) => s.trim());
  // The name filter matches substrings: compare exactly.
  if (!names.includes(volumeName)) return { exists: false, containerValues: [] };
  if (!options.envVar) return { exists: true, containerValues: [] };
  const ids = docker(bin, ["ps", "-aq", "--no-trunc", "--filter", `volume=${volumeName}`], env)
    .split("\n")
    .map((s) => s.trim())
    .filter(Boolean);
  const values = new Set<string>();
  if (ids.length > 0) {
    const out = docker(bin, ["inspect", "--format", "{{json .Config.Env}}", ...ids], env);
    const prefix = `${options.envVar}=`;
    for (const line of out.split("\n").filter((l) => l.trim())) {
      for (const entry of (JSON.parse(line) as string[] | null) ?? []) {
        if (entry.startsWith(prefix) && entry.length > prefix.length) values.add(entry.slice(prefix.length));
      }
    }
  }
  return { exists: true, containerValues: [...values] };
}

export interface ReadOrCreateVolumeSecretOptions extends ReadOrCreateLocalSecretOptions {
  /** The Docker volume whose data the secret opens (the key of the machine-level folder). */
  readonly volumeName: string;
  /** The secret's file name, e.g. `postgres-password`. */
  readonly secretName: string;
  /** Asks the engine about the volume (see {@link probeDockerVolume}); called once. */
  readonly probe: () => VolumeProbe;
  /**
   * Where earlier versions kept this secret (a checkout's `.local-state/local/postgres-password`):
   * the first that exists is copied to the machine-level file when that is missing. Never deleted.
   */
  readonly legacyFiles?: readonly string[];
  /** The command that deletes the volume with its data, named in the errors. */
  readonly destroyCommand: string;
  readonly environ?: NodeJS.ProcessEnv;
  /**
   * Create a new secret for a volume that does not exist yet; false (e.g. for a destroy) makes that
   * case a {@link VolumeSecretError} too, and nothing is written. @default true
   */
  readonly create?: boolean;
}

export interface VolumeSecret {
  readonly value: string;
  /** The machine-level file holding it. */
  readonly file: string;
  /**
   * found: the machine-level file; adopted-file: copied from a legacy file; adopted-container: copied
   * from the container that mounts the volume; created: new, for a volume that does not exist yet.
   */
  readonly source: "found" | "adopted-file" | "adopted-container" | "created";
}

/** The volume's data and the secret on file cannot be brought together without a person's choice. */
export class VolumeSecretError extends Error {
  constructor(
    message: string,
    public readonly volumeName: string,
    public readonly file: string,
  ) {
    super(message);
    this.name = "VolumeSecretError";
  }
}

function waysOut(volumeName: string, file: string, destroyCommand: string): string {
  return [
    "Nothing was changed or deleted. Two ways out:",
    `  1. keep the data: put the password the volume was initialized with into ${file} (one line, mode 0600),`,
    "     e.g. from a backup or the .local-state/local/postgres-password of an older checkout, then deploy again;",
    `  2. drop the data: \`${destroyCommand}\`, or, where no Terraform state knows the volume,`,
    `     \`docker rm -f $(docker ps -aq --filter volume=${volumeName}) ; docker volume rm ${volumeName}\``,
    `     (with DOCKER_HOST from toolchain.env), and delete ${file}; the next deploy starts with an empty database.`,
  ].join("\n");
}

function writeSecretFile(file: string, value: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${value}\n`, { mode: 0o600, flag: "wx" });
  chmodSync(file, 0o600);
}

/**
 * The secret that opens a local Docker volume's data, kept at {@link volumeSecretPath} (machine-level,
 * keyed by the volume name), so that a re-clone, a second checkout or `git clean -fdx` deploys against
 * the existing volume with the password its database was initialized with.
 *
 * - machine-level file present: used; when a container mounting the volume carries a different value,
 *   a {@link VolumeSecretError} (the file was replaced, or another secret initialized the data);
 * - missing, but a legacy file exists: copied (adopted), then as above;
 * - missing, the volume exists and its containers carry exactly one value: that value is adopted
 *   (the database container was started with it, so it initialized or opens the data);
 * - missing and the volume does not exist: a new random secret is created (the volume comes after);
 * - missing and the volume exists with no value to adopt: a {@link VolumeSecretError}.
 * Every error names both ways out (restore the secret file, or destroy the volume with its data) and
 * nothing is deleted.
 */
export function readOrCreateVolumeSecret(options: ReadOrCreateVolumeSecretOptions): VolumeSecret {
  const file = volumeSecretPath(options.volumeName, options.secretName, options.environ);
  const { volumeName, destroyCommand } = options;
  let probe: VolumeProbe | undefined;
  const probed = () => {
    probe ??= options.probe();
    return probe;
  };
  let source: VolumeSecret["source"] = "found";
  if (!existsSync(file)) {
    const legacy = (options.legacyFiles ?? []).find(
      (f) => existsSync(f) && readFileSync(f, "utf8").trim().length > 0,
    );
    const { exists, containerValues } = probed();
    if (legacy) {
      writeSecretIfAbsent(file, readFileSync(legacy, "utf8").trim());
      source = "adopted-file";
    } else if (exists && containerValues.length === 1) {
      writeSecretIfAbsent(file, containerValues[0]);
      source = "adopted-container";
    } else if (exists) {
      const why =
        containerValues.length > 1
          ? `the containers that mount it carry ${containerValues.length} different passwords`
          : "no container that mounts it carries its password";
      throw new VolumeSecretError(
        `The Docker volume ${volumeName} exists, but its secret ${options.secretName} is not at ${file} and ${why}: ` +
          "a new password would not open the database initialized in it.\n" +
          waysOut(volumeName, file, destroyCommand),
        volumeName,
        file,
      );
    } else if (options.create === false) {
      throw new VolumeSecretError(
        `No secret ${options.secretName} at ${file} and no Docker volume ${volumeName}; none created (create: false).`,
        volumeName,
        file,
      );
    } else {
      source = "created";
    }
  }
  const value = readOrCreateLocalSecret(file, { bytes: options.bytes });
  if (source === "found" || source === "adopted-file") {
    const { exists, containerValues } = probed();
    if (exists && containerValues.length > 0 && !containerValues.includes(value)) {
      throw new VolumeSecretError(
        `The secret in ${file} differs from the one the containers mounting the Docker volume ${volumeName} ` +
          "were started with: their database was initialized with another password.\n" +
          waysOut(volumeName, file, destroyCommand),
        volumeName,
        file,
      );
    }
  }
  return { value, file, source };
}

/** Writes a new secret file unless another process wrote one meanwhile (theirs wins). */
function writeSecretIfAbsent(file: string, value: string): void {
  try {
    writeSecretFile(file, value);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
}
