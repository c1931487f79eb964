/**
 * The cdktf app: `node stacks/dist/main.js <env>` (or `PLATFORM_ENV=<env>`) synthesizes every stack of
 * one environment to `stacks/cdktf.out/<env>`. Compiled JS with deep provider imports is the fast path
 * (see shared/TOOLCHAIN.md). The cdktf CLI runs it through the root cdktf.json (`npx cdktf synth`): the
 * environment then comes from the context value `env` and the output directory from `CDKTF_OUTDIR`.
 */
import { synthEnvironment } from "./app";
import { appEnvironment, cliOutdir } from "./app-environment";

function main(): void {
  const env = appEnvironment(process.argv.slice(2));
  const result = synthEnvironment({ env, outdir: cliOutdir() });
  const images = result.services.map(
    ({ definition, image }) =>
      `Image of ${definition.name}: ${image.placeholder ? "placeholder digest (no image pushed yet)" : `${image.digest} from ${image.source}`}\n`,
  );
  process.stdout.write(
    `Synthesized ${result.stacks.length} stacks of ${env} to ${result.outdir}: ${result.stacks.map((s) => s.node.id).join(", ")}\n${images.join("")}`,
  );
}

try {
  main();
} catch (e) {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
}
