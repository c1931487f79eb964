import * as fs from "node:fs";
import * as path from "node:path";

/** One synthesized stack, as cdktf's manifest.json describes it. */
export interface SynthesizedStack {
  readonly name: string;
  /** Absolute directory holding `cdk.tf.json`; Terraform runs here. */
  readonly dir: string;
  /** Names of stacks this one reads from (applied first). */
  readonly dependencies: readonly string[];
}

interface ManifestJson {
  readonly stacks: Record<
    string,
    { readonly name: string; readonly workingDirectory: string; readonly dependencies?: readonly string[] }
  >;
}

/** Reads `<outdir>/manifest.json`. */
export function readManifest(outdir: string): SynthesizedStack[] {
  const file = path.join(outdir, "manifest.json");
  if (!fs.existsSync(file)) throw new Error(`${file} does not exist: synthesize first`);
  const manifest = JSON.parse(fs.readFileSync(file, "utf8")) as ManifestJson;
  return Object.values(manifest.stacks).map((s) => ({
    name: s.name,
    dir: path.resolve(outdir, s.workingDirectory),
    dependencies: s.dependencies ?? [],
  }));
}

/**
 * Orders stacks so each comes after its dependencies; ties keep the input order. Throws on a cycle or a
 * dependency that is not in the list.
 */
export function dependencyOrder<T extends Pick<SynthesizedStack, "name" | "dependencies">>(
  stacks: readonly T[],
): T[] {
  const byName = new Map(stacks.map((s) => [s.name, s]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const out: T[] = [];
  const visit = (s: T, chain: string[]) => {
    if (done.has(s.name)) return;
    if (visiting.has(s.name)) throw new Error(`Stack dependency cycle: ${[...chain, s.name].join(" -> ")}`);
    visiting.add(s.name);
    for (const d of s.dependencies) {
      const dep = byName.get(d);
      if (!dep) throw new Error(`Stack ${s.name} depends on ${d}, which is not synthesized`);
      visit(dep, [...chain, s.name]);
    }
    visiting.delete(s.name);
    done.add(s.name);
    out.push(s);
  };
  for (const s of stacks) visit(s, []);
  return out;
}

/** All stacks `name` depends on, directly or not. */
export function upstreamOf<T extends Pick<SynthesizedStack, "name" | "dependencies">>(
  stacks: readonly T[],
  name: string,
): Set<string> {
  const byName = new Map(stacks.map((s) => [s.name, s]));
  const seen = new Set<string>();
  const walk = (n: string) => {
    for (const d of byName.get(n)?.dependencies ?? []) {
      if (!seen.has(d)) {
        seen.add(d);
        walk(d);
      }
    }
  };
  walk(name);
  return seen;
}
