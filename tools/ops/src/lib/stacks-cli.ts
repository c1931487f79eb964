import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { imageDigestVariable } from "./deploy-records";
import { readSynthesizedEnvironment, type SynthesizedEnvironment } from "./synthesized-environment";

/** The stacks CLI as `nx run stacks:build` emits it. */
export function stacksCli(repoRoot: string): string {
  return join(repoRoot, "stacks", "dist", "cli", "main.js");
}

/**
 * Synthesizes an environment with the stacks' own CLI into a private directory (so a concurrent
 * plan/apply in `stacks/cdktf.out` is never disturbed). `imageReferences` pins each named service's image
 * the way the deploy chain does (`PLATFORM_IMAGE_DIGEST_<SERVICE>`): a drift check must compare against
 * what is deployed, not against a placeholder or a local image record.
 */
export function synthesizeEnvironment(
  repoRoot: string,
  env: string,
  options: {
    /** Image reference (`<repository>@sha256:...`) by service name. @default none pinned */
    readonly imageReferences?: Readonly<Record<string, string>>;
    readonly environ?: NodeJS.ProcessEnv;
    readonly emulator?: boolean;
  } = {},
): SynthesizedEnvironment {
  const cli = stacksCli(repoRoot);
  if (!existsSync(cli)) {
    throw new Error(`${cli} does not exist: build the stacks first (npx nx run stacks:build).`);
  }
  const outdir = mkdtempSync(join(tmpdir(), `platform-ops-${env}-`));
  const environ: NodeJS.ProcessEnv = { ...(options.environ ?? process.env), PLATFORM_SYNTH_OUTDIR: outdir };
  for (const [service, reference] of Object.entries(options.imageReferences ?? {}))
    environ[imageDigestVariable(service)] = reference;
  const args = [cli, "synth", "--env", env, ...(options.emulator ? ["--emulator"] : [])];
  const r = spawnSync(process.execPath, args, { cwd: repoRoot, env: environ, encoding: "utf8" });
  if (r.status !== 0) {
    throw new Error(
      `Synthesizing ${env} failed (node ${args.join(" ")}):\n${(r.stderr || r.stdout || "").trim()}`,
    );
  }
  return readSynthesizedEnvironment(outdir, env);
}
