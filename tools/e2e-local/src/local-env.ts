import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import * as http from "node:http";
import { join } from "node:path";
import { promisify } from "node:util";
// The toolchain's own reader (relative: @platform/toolchain resolves to its unbuilt dist outside jest).
import { loadToolchainEnv, toolchainProcessEnv } from "../../toolchain/src/toolchain-env";
import { sharedLocalState } from "./chain";

const execFileAsync = promisify(execFile);

/** `docker <args>` against the toolchain's engine; resolves with stdout, rejects with stderr. */
export async function docker(args: readonly string[]): Promise<string> {
  const env = toolchainProcessEnv(loadToolchainEnv());
  try {
    const { stdout } = await execFileAsync("docker", [...args], { env, maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`docker ${args.join(" ")}: ${e.stderr?.trim() || e.message}`);
  }
}

/** True when `docker <kind> inspect <name>` finds it. */
export async function dockerObjectExists(kind: "container" | "network" | "volume", name: string) {
  try {
    await docker([kind, "inspect", name]);
    return true;
  } catch {
    return false;
  }
}

/**
 * Removes the images the chain built and tagged for these commits (`<name>:<sha>` and the registry's
 * `<registry>/<name>:<sha>`, `-dirty` variants included), so repeated runs do not pile up images on the
 * engine (vfs stores every layer as a full copy). Images still in use are kept; the registry is left alone.
 * Returns the tags removed.
 */
export async function removeImagesOfCommits(shas: readonly string[]): Promise<string[]> {
  const wanted = new Set(shas.flatMap((sha) => [sha, `${sha}-dirty`]));
  const tags = (await docker(["images", "--format", "{{.Repository}}:{{.Tag}}"]))
    .split("\n")
    .filter((ref) => wanted.has(ref.slice(ref.lastIndexOf(":") + 1)));
  const removed: string[] = [];
  for (const tag of tags) {
    try {
      await docker(["rmi", tag]);
      removed.push(tag);
    } catch {
      // still used by a container, or already gone with another tag of the same image
    }
  }
  return removed;
}

/** What the local stacks' outputs say is deployed (stacks/out/outputs/local.json). */
export interface LocalOutputs {
  /** The proxy's URL (`local` stack): every web service behind it. */
  readonly proxyUrl: string;
  /** sample-service's URL (its own stack). */
  readonly serviceUrl: string;
  readonly networkName: string;
  readonly volumeName: string;
  /** sample-service's image and replicas. */
  readonly image: string;
  readonly containerNames: readonly string[];
  /** post-worker's replicas. */
  readonly workerContainerNames: readonly string[];
  readonly postgresContainer: string;
}

export function localOutputsFile(): string {
  return join(sharedLocalState().PLATFORM_STACKS_OUT_DIR, "outputs", "local.json");
}

export function readLocalOutputs(file = localOutputsFile()): LocalOutputs {
  if (!existsSync(file)) throw new Error(`${file} does not exist: the local stacks were not applied`);
  const doc = JSON.parse(readFileSync(file, "utf8")) as {
    services?: Record<string, string>;
    stacks: Record<string, Record<string, unknown>>;
  };
  const platform = doc.stacks.local ?? {};
  const data = doc.stacks["local-data"] ?? {};
  // Each service's own stack, as the stacks CLI recorded it.
  const stackOf = (service: string) => doc.stacks[doc.services?.[service] ?? ""] ?? {};
  const app = stackOf("sample-service");
  const worker = stackOf("post-worker");
  const str = (v: unknown, name: string) => {
    if (typeof v !== "string" || v === "") throw new Error(`${file}: no ${name}`);
    return v;
  };
  const migrationEnv = (platform.migration_environment ?? {}) as Record<string, string>;
  return {
    proxyUrl: str(platform.proxy_url, "local.proxy_url"),
    serviceUrl: str(app.service_url, "local-sample-service.service_url"),
    networkName: str(platform.network_name, "local.network_name"),
    volumeName: str(data.volume_name, "local-data.volume_name"),
    image: str(app.image, "local-sample-service.image"),
    containerNames: (app.container_names as string[] | undefined) ?? [],
    workerContainerNames: (worker.container_names as string[] | undefined) ?? [],
    postgresContainer: str(migrationEnv.PGHOST, "local.migration_environment.PGHOST"),
  };
}

/** Names of the containers attached to a network. */
export async function containersOn(network: string): Promise<string[]> {
  const out = await docker(["ps", "-a", "--filter", `network=${network}`, "--format", "{{.Names}}"]);
  return out.split("\n").filter(Boolean).sort();
}

export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
}

/** One request on a fresh connection. */
export function request(
  method: string,
  url: string,
  json?: unknown,
  timeoutMs = 10_000,
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const body = json === undefined ? undefined : Buffer.from(JSON.stringify(json));
    const req = http.request(
      url,
      {
        method,
        agent: false,
        timeout: timeoutMs,
        headers: body ? { "content-type": "application/json", "content-length": body.length } : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
        );
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`${method} ${url}: no answer in ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end(body);
  });
}

/** Polls `probe` until it returns a value (not undefined) or `timeoutMs` passes; the last error is reported. */
export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = (err as Error).message;
    }
    if (Date.now() > deadline)
      throw new Error(`${what}: not within ${timeoutMs / 1000} s${last ? ` (${last})` : ""}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
