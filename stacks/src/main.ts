/**
 * The cdktf app: `node stacks/dist/main.js <env>` (or `PLATFORM_ENV=<env>`) synthesizes every stack of
 * one environment to `stacks/cdktf.out/<env>`. Compiled JS with deep provider imports is the fast path
 * (see shared/TOOLCHAIN.md); `cdktf synth` works too through cdktf.json.
 */
import { synthEnvironment } from "./app";
import { assertEnvironmentName } from "./config";

function main(): void {
  const env = assertEnvironmentName(
    process.argv[2] ?? process.env.PLATFORM_ENV,
    "stacks app (argument or PLATFORM_ENV)",
  );
  const result = synthEnvironment({ env });
  const image = result.image.placeholder
    ? "placeholder digest (no image pushed yet)"
    : `${result.image.digest} from ${result.image.source}`;
  process.stdout.write(
    `Synthesized ${result.stacks.length} stacks of ${env} to ${result.outdir}: ${result.stacks.map((s) => s.node.id).join(", ")}\nService image: ${image}\n`,
  );
}

try {
  main();
} catch (e) {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
}
