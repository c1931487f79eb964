import * as path from "node:path";
import { CONTEXT_ENV } from "cdktf";
import { assertEnvironmentName, assertNxConfiguration, type EnvironmentName } from "./config";

/** The cdktf context key that names the environment (`"context": {"env": "local"}` in cdktf.json). */
export const ENV_CONTEXT_KEY = "env";

/** Where the app's environment may come from, in the order the app looks. */
export const APP_ENVIRONMENT_SOURCES =
  'stacks app (argument, PLATFORM_ENV, or cdktf.json "context": {"env": ...})';

/** The `env` context value the cdktf CLI hands the app (`CDKTF_CONTEXT_JSON`), if any. */
export function contextEnvironment(environ: NodeJS.ProcessEnv = process.env): string | undefined {
  const raw = environ[CONTEXT_ENV];
  if (!raw) return undefined;
  let context: unknown;
  try {
    context = JSON.parse(raw);
  } catch (e) {
    throw new Error(`${CONTEXT_ENV} is not JSON: ${(e as Error).message}`);
  }
  const value = (context as Record<string, unknown> | null)?.[ENV_CONTEXT_KEY];
  if (value === undefined) return undefined;
  return typeof value === "string" ? value : JSON.stringify(value);
}

/**
 * The environment the app synthesizes: the first argument (`node stacks/dist/main.js dev`), else
 * `PLATFORM_ENV`, else the cdktf context value `env` (cdktf.json's default, `local`). An explicit choice
 * wins over the context because cdktf.json always carries one. Unknown names throw, listing the allowed.
 */
export function appEnvironment(
  argv: readonly string[],
  environ: NodeJS.ProcessEnv = process.env,
): EnvironmentName {
  const chosen =
    argv[0] ??
    assertNxConfiguration(environ) ??
    (environ.PLATFORM_ENV || undefined) ??
    contextEnvironment(environ);
  return assertEnvironmentName(chosen, APP_ENVIRONMENT_SOURCES);
}

/**
 * The output directory when the cdktf CLI runs the app: it passes its `output` (cdktf.json, or
 * `--output`) as `CDKTF_OUTDIR` and reads the manifest from there. Undefined outside the CLI, so the
 * app's own default applies (`PLATFORM_SYNTH_OUTDIR`, else `stacks/cdktf.out/<env>`).
 */
export function cliOutdir(environ: NodeJS.ProcessEnv = process.env): string | undefined {
  return environ.CDKTF_OUTDIR ? path.resolve(environ.CDKTF_OUTDIR) : undefined;
}
