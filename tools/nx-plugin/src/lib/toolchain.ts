import { loadToolchainEnv, toolchainCacheDir } from "@platform/toolchain";

/** The toolchain facts the deploy chain uses (see tools/toolchain: `toolchain.env`). */
export interface ChainToolchain {
  /** Variables from toolchain.env, applied over process.env for every child process. */
  readonly env: Readonly<Record<string, string>>;
  /** Docker engine socket, e.g. unix:///root/.cache/fargate-platform/docker/docker.sock */
  readonly dockerHost: string;
  /** Loopback registry host:port, e.g. 127.0.0.1:5001 */
  readonly registry: string;
  /** Node base image for the service Dockerfile's NODE_BASE_IMAGE build arg. */
  readonly nodeBaseImage: string;
  /** The file the facts came from. */
  readonly file: string;
}

/**
 * Reads the toolchain facts through @platform/toolchain's reader (`PLATFORM_CACHE_DIR` taken from `env`);
 * throws one clear message naming `npx nx run toolchain:ensure` when the toolchain has not been set up,
 * before the caller changes anything.
 */
export function loadChainToolchain(env: NodeJS.ProcessEnv = process.env): ChainToolchain {
  const tc = loadToolchainEnv({ cacheDir: toolchainCacheDir(env) });
  return {
    env: tc.vars,
    dockerHost: tc.dockerHost,
    registry: tc.registry,
    nodeBaseImage: tc.nodeBaseImage,
    file: tc.envFile,
  };
}

/** process.env with the toolchain's variables applied (the toolchain's engine and registry win). */
export function childEnv(toolchain: ChainToolchain, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...toolchain.env, ...extra };
}
