/**
 * `nx run stacks:checkov`: synthesizes every environment (local, dev, staging, prod), runs the pinned
 * checkov from the toolchain (tools/toolchain/ensure.sh: PLATFORM_CHECKOV in toolchain.env) offline
 * over every stack's cdk.tf.json (`--framework terraform_json --skip-download`), and exits 1 on any
 * failed check that stacks/checkov-skips.json does not cover (see checkov-report.ts).
 *
 * Options: --no-synth (check what stacks/cdktf.out/<env> holds), --skips FILE, --env ENV (repeatable).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { ENVIRONMENT_NAMES } from "../config";
import {
  evaluate,
  parseCheckovJson,
  parseSkipList,
  renderEvaluation,
  resourceTypes,
  type StackFile,
  toFindings,
} from "./checkov-report";
import { readManifest } from "./stack-order";
import { loadToolchain } from "./toolchain";

const PROJECT_DIR = path.resolve(__dirname, "..", "..");
const REPO_ROOT = path.resolve(PROJECT_DIR, "..");

function log(line: string): void {
  process.stdout.write(`[checkov] ${line}\n`);
}

interface Options {
  synth: boolean;
  skipsFile: string;
  envs: string[];
}

function parseOptions(argv: readonly string[]): Options {
  const o: Options = { synth: true, skipsFile: path.join(PROJECT_DIR, "checkov-skips.json"), envs: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--no-synth") o.synth = false;
    else if (a === "--skips" && argv[i + 1]) o.skipsFile = path.resolve(argv[++i]);
    else if (a === "--env" && argv[i + 1]) o.envs.push(argv[++i]);
    else throw new Error(`checkov: unknown argument ${a} (options: --no-synth, --skips FILE, --env ENV)`);
  }
  for (const e of o.envs) {
    if (!(ENVIRONMENT_NAMES as readonly string[]).includes(e)) {
      throw new Error(`checkov: unknown environment ${e} (${ENVIRONMENT_NAMES.join(", ")})`);
    }
  }
  if (o.envs.length === 0) o.envs = [...ENVIRONMENT_NAMES];
  return o;
}

function checkovBinary(): string {
  const fromToolchain = loadToolchain().vars.PLATFORM_CHECKOV;
  const bin = process.env.PLATFORM_CHECKOV || fromToolchain || "checkov";
  if (bin !== "checkov" && !fs.existsSync(bin)) {
    throw new Error(`checkov not found at ${bin}: run \`bash tools/toolchain/ensure.sh\``);
  }
  return bin;
}

function synth(env: string): void {
  const childEnv = { ...process.env };
  delete childEnv.NX_TASK_TARGET_CONFIGURATION; // this target has no configurations; --env decides
  delete childEnv.PLATFORM_ENV;
  delete childEnv.PLATFORM_SYNTH_OUTDIR; // read back from stacks/cdktf.out/<env>
  const r = spawnSync(process.execPath, [path.join(__dirname, "main.js"), "synth", "--env", env], {
    cwd: PROJECT_DIR,
    env: childEnv,
    encoding: "utf8",
  });
  if (r.status !== 0) {
    process.stderr.write(`${r.stdout ?? ""}${r.stderr ?? ""}`);
    throw new Error(`checkov: synth of ${env} failed (exit ${r.status ?? r.signal})`);
  }
}

function main(argv: readonly string[]): number {
  const started = Date.now();
  const opts = parseOptions(argv);
  const skips = parseSkipList(
    fs.readFileSync(opts.skipsFile, "utf8"),
    path.relative(REPO_ROOT, opts.skipsFile),
  );
  const bin = checkovBinary();

  const files = new Map<string, StackFile>();
  for (const env of opts.envs) {
    if (opts.synth) synth(env);
    for (const s of readManifest(path.join(PROJECT_DIR, "cdktf.out", env))) {
      const file = path.join(s.dir, "cdk.tf.json");
      files.set(file, {
        env,
        stack: s.name,
        types: resourceTypes(JSON.parse(fs.readFileSync(file, "utf8"))),
      });
    }
  }
  log(
    `${opts.synth ? "synthesized" : "read"} ${files.size} stacks of ${opts.envs.join(", ")} in ${Date.now() - started} ms`,
  );

  const t0 = Date.now();
  const args = [
    "--framework",
    "terraform_json",
    "--skip-download",
    "-o",
    "json",
    "--compact",
    "--quiet",
    "--soft-fail",
  ];
  for (const f of files.keys()) args.push("-f", f);
  const r = spawnSync(bin, args, {
    cwd: PROJECT_DIR,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
    // No Prisma Cloud key: checkov stays offline (--skip-download) and never uploads.
    env: {
      ...process.env,
      BC_API_KEY: "",
      PRISMA_API_URL: "",
      LOG_LEVEL: process.env.LOG_LEVEL ?? "WARNING",
    },
  });
  if (r.error) throw new Error(`checkov: could not run ${bin}: ${r.error.message}`);
  if (r.status !== 0) {
    process.stderr.write(r.stderr ?? "");
    throw new Error(`checkov: ${bin} exited ${r.status ?? r.signal}`);
  }
  const report = parseCheckovJson(r.stdout);
  const findings = toFindings(report.failed, (file) => {
    const abs = path.resolve(PROJECT_DIR, file);
    return files.get(abs) ?? files.get(path.resolve(PROJECT_DIR, file.replace(/^\//, "")));
  }).map((f) => ({ ...f, file: path.relative(REPO_ROOT, path.resolve(PROJECT_DIR, f.file)) }));
  const ev = evaluate(findings, skips);
  const text = renderEvaluation(ev, path.relative(REPO_ROOT, opts.skipsFile));
  if (text) process.stdout.write(`${text}\n`);
  log(
    `checkov ${report.checkovVersion ?? "?"} (${bin}): ${report.passed} passed, ${report.failedCount} failed ` +
      `(${ev.skipped.length} accepted by ${path.relative(REPO_ROOT, opts.skipsFile)}, ${ev.unexpected.length} not), ` +
      `${report.parsingErrors} parsing errors; checkov ${Date.now() - t0} ms, total ${Date.now() - started} ms`,
  );
  if (report.parsingErrors > 0) {
    log("FAILED: checkov could not parse some cdk.tf.json");
    return 1;
  }
  if (files.size > 0 && report.passed + report.failedCount === 0) {
    log("FAILED: checkov evaluated no check (wrong framework or files?)");
    return 1;
  }
  return ev.unexpected.length > 0 ? 1 : 0;
}

if (require.main === module) {
  try {
    process.exit(main(process.argv.slice(2)));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(1);
  }
}
