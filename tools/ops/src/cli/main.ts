/**
 * The ops CLI: `node -r @swc-node/register tools/ops/src/cli/main.ts <command> [options]`, run through Nx
 * targets (`nx run ops:promote`, `nx run stacks:status -c <env>`, `nx run sample-service:run-image -c <env>`).
 */
import { spawnSync } from "node:child_process";
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { hostname, userInfo } from "node:os";
import { dirname, join, resolve } from "node:path";
import { loadToolchainEnv, toolchainCacheDir } from "@platform/toolchain";
import { environmentsToPlan } from "../github/affected-environments";
import { chooseDeployBase, isAncestorOfHead, successfulRunShas } from "../github/deploy-base";
import {
  gitHubTargetFromEnv,
  planCommentBody,
  stickyMarker,
  upsertStickyComment,
} from "../github/sticky-comment";
import { awsEndpointFromEnv } from "../lib/aws";
import { imageRecordFile, readImageRecord } from "../lib/deploy-records";
import { describeDeployedService } from "../lib/deployed-service";
import { parseAwsEnvironment, parseEnvironment } from "../lib/environments";
import { parseImageReference } from "../lib/image-reference";
import { locateService } from "../lib/locate-service";
import { findRepoRoot } from "../lib/repo-root";
import { stacksCli, synthesizeEnvironment } from "../lib/stacks-cli";
import { readSynthesizedEnvironment, type SynthesizedEnvironment } from "../lib/synthesized-environment";
import { promote } from "../promote/promote";
import { releaseSteps } from "../promote/release-steps";
import { runImage, stopRunImage } from "../run-image/run-image";
import { writeApplyRecord } from "../status/apply-record";
import { checkDrift } from "../status/drift";
import { renderStatusTable } from "../status/render";
import { collectStatus } from "../status/status";
import { type ParsedArgs, parseArgs, USAGE } from "./args";

const out = (line: string) => process.stdout.write(`${line}\n`);
const info = (line: string) => process.stderr.write(`${line}\n`);

/** process.env with the toolchain's facts applied; `--emulator` also points AWS at the toolchain's moto. */
export function commandEnvironment(
  emulator: boolean,
  base: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  const environ: NodeJS.ProcessEnv = { ...base };
  const cacheDir = toolchainCacheDir(base);
  // Without --emulator the toolchain is optional (real AWS); with it, a missing toolchain.env throws the
  // "run toolchain:ensure" message.
  if (!emulator && !existsSync(join(cacheDir, "toolchain.env"))) return environ;
  const toolchain = loadToolchainEnv({ cacheDir });
  Object.assign(environ, toolchain.vars);
  if (emulator) environ.AWS_ENDPOINT_URL = toolchain.awsEndpoint;
  return environ;
}

/** Under the emulator the image bytes live in the loopback registry, ECR holds only the manifest record. */
function bytesRegistry(environ: NodeJS.ProcessEnv): string | undefined {
  if (!awsEndpointFromEnv(environ)) return undefined;
  if (!environ.PLATFORM_REGISTRY)
    throw new Error(
      "AWS_ENDPOINT_URL is set but PLATFORM_REGISTRY is not: run `npx nx run toolchain:ensure`.",
    );
  return environ.PLATFORM_REGISTRY;
}

function synthOrUndefined(
  repoRoot: string,
  env: string,
  environ: NodeJS.ProcessEnv,
): SynthesizedEnvironment | undefined {
  return existsSync(stacksCli(repoRoot)) ? synthesizeEnvironment(repoRoot, env, { environ }) : undefined;
}

function requireValue(args: ParsedArgs, name: string): string {
  // Nx configurations (-c <env>) pass the environment as PLATFORM_ENV, as the stacks' targets do.
  const v = args.values[name] ?? (name === "env" ? process.env.PLATFORM_ENV?.trim() : undefined);
  if (!v)
    throw new Error(
      `${args.command} needs --${name}${name === "env" ? " (or -c <env> through Nx)" : ""}\n${USAGE}`,
    );
  return v;
}

function git(repoRoot: string, args: readonly string[]): string {
  const r = spawnSync("git", args, { cwd: repoRoot, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")} failed: ${r.stderr.trim()}`);
  return r.stdout.trim();
}

function setGitHubOutput(environ: NodeJS.ProcessEnv, name: string, value: string): void {
  if (environ.GITHUB_OUTPUT) appendFileSync(environ.GITHUB_OUTPUT, `${name}=${value}\n`);
}

/** Stacks whose plan failed, from the stacks' summary.json (missing file = the plan never finished). */
function planErrors(summaryJson: string): string[] {
  if (!existsSync(summaryJson)) return [`all stacks (${summaryJson} missing: the plan did not finish)`];
  const doc = JSON.parse(readFileSync(summaryJson, "utf8")) as { errors?: Array<{ stack?: string }> };
  return (doc.errors ?? []).map((e) => e.stack ?? "?");
}

async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    out(USAGE);
    return 0;
  }
  const args = parseArgs(argv);
  // Two roots: the deploy records (dist/deploy/<env>/*.json) live under PLATFORM_REPO_ROOT when set, as
  // the deploy chain and the stacks read them; the code (the stacks CLI, git, nx) is always this checkout.
  const repoRoot = findRepoRoot();
  const workspace = findRepoRoot(__dirname, {});
  const environ = commandEnvironment(args.flags.has("emulator"));

  switch (args.command) {
    case "promote": {
      const from = parseAwsEnvironment(args.values.from ?? "dev", "--from");
      const to = parseAwsEnvironment(requireValue(args, "to"), "--to");
      const result = await promote({
        from,
        to,
        repoRoot,
        expectDigest: args.values["expect-digest"],
        dryRun: args.flags.has("dry-run"),
        bytesRegistry: bytesRegistry(environ),
        environ,
        log: info,
        locate: (env) =>
          locateService(env, {
            repoRoot: workspace,
            synthesized: synthOrUndefined(workspace, env, environ),
            environ,
          }),
      });
      setGitHubOutput(environ, "digest", result.record.digest);
      setGitHubOutput(environ, "reference", result.record.reference);
      if (args.flags.has("json")) out(JSON.stringify(result, null, 2));
      else
        out(
          `${from} -> ${to}: ${result.record.reference} (git ${result.record.gitSha})${result.written ? "" : " [dry run]"}`,
        );
      return 0;
    }
    case "status": {
      const env = parseAwsEnvironment(requireValue(args, "env"), "--env");
      const synthDir = args.values["synth-dir"];
      const synthesized = synthDir
        ? readSynthesizedEnvironment(resolve(synthDir), env)
        : synthesizeEnvironment(workspace, env, { environ });
      const status = await collectStatus({
        repoRoot,
        synthesized,
        databaseUrl: args.values["database-url"],
        environ,
        drift: args.flags.has("drift")
          ? async (running) => {
              // Plan against what runs: synthesize again with the running digest (PLATFORM_IMAGE_DIGEST).
              const pinned =
                running?.image && !synthDir
                  ? synthesizeEnvironment(workspace, env, {
                      environ,
                      imageReference: running.image.reference,
                    })
                  : synthesized;
              info(
                `drift: terraform plan -detailed-exitcode of ${pinned.stateObjects.map((s) => s.stack).join(", ")}`,
              );
              return checkDrift(
                { binary: environ.TERRAFORM_BINARY_NAME || "terraform", env: environ },
                pinned.stateObjects,
              );
            }
          : undefined,
      });
      if (args.flags.has("json")) out(JSON.stringify(status, null, 2));
      else process.stdout.write(renderStatusTable(status));
      if (status.drift?.some((d) => d.exitCode === 1)) return 1;
      return status.drift?.some((d) => d.drifted) ? 2 : 0;
    }
    case "run-image": {
      const env = parseEnvironment(requireValue(args, "env"), "--env");
      if (args.flags.has("stop")) {
        stopRunImage(env, environ);
        out(`stopped the run-image containers of ${env}`);
        return 0;
      }
      const port = Number(args.values.port ?? "8080");
      let deployed: Awaited<ReturnType<typeof describeDeployedService>>;
      let image: ReturnType<typeof parseImageReference>;
      if (env === "local" || args.flags.has("from-record")) {
        const file = imageRecordFile(repoRoot, env);
        const record = readImageRecord(file);
        if (!record)
          throw new Error(
            `${file} does not exist: deploy ${env} first (npx nx run sample-service:deploy -c ${env}).`,
          );
        image = parseImageReference(record.reference, file);
      } else {
        const location = await locateService(env, {
          repoRoot: workspace,
          synthesized: synthOrUndefined(workspace, env, environ),
          environ,
        });
        deployed = await describeDeployedService(location, environ);
        if (!deployed?.image)
          throw new Error(`${env} runs no image pinned by digest (${deployed?.imageUri ?? "no service"}).`);
        image = deployed.image;
      }
      info(`${env} runs ${image.reference}`);
      const result = await runImage({
        env,
        deployed,
        image,
        bytesRegistry: env === "local" ? undefined : bytesRegistry(environ),
        postgresImage: environ.POSTGRES_BASE_IMAGE || "postgres:16-bookworm",
        hostPort: port,
        detach: args.flags.has("detach"),
        environ,
        log: info,
      });
      out(result.url);
      return 0;
    }
    case "plan-comment": {
      const env = parseAwsEnvironment(requireValue(args, "env"), "--env");
      const file = resolve(
        args.values.summary ??
          join(
            environ.PLATFORM_STACKS_OUT_DIR?.trim() || join(workspace, "stacks", "out"),
            "plans",
            env,
            "summary.md",
          ),
      );
      if (!existsSync(file))
        throw new Error(`${file} does not exist: run \`npx nx run stacks:plan -c ${env}\` first.`);
      const run =
        environ.GITHUB_RUN_ID && environ.GITHUB_REPOSITORY
          ? `${environ.GITHUB_SERVER_URL ?? "https://github.com"}/${environ.GITHUB_REPOSITORY}/actions/runs/${environ.GITHUB_RUN_ID}`
          : undefined;
      const footer = [
        run ? `[workflow run](${run})` : undefined,
        environ.GITHUB_SHA ? `commit ${environ.GITHUB_SHA.slice(0, 12)}` : undefined,
      ]
        .filter(Boolean)
        .join(" · ");
      const markdown = readFileSync(file, "utf8");
      const body = planCommentBody(env, markdown, footer || undefined);
      if (environ.GITHUB_STEP_SUMMARY) appendFileSync(environ.GITHUB_STEP_SUMMARY, `${markdown}\n`);
      if (args.flags.has("dry-run")) out(body);
      else {
        const pr = args.values.pr ? Number(args.values.pr) : undefined;
        const result = await upsertStickyComment(gitHubTargetFromEnv(environ, pr), stickyMarker(env), body);
        out(`${result.action} the ${env} plan comment ${result.url ?? result.id}`);
      }
      // The plan step runs with continue-on-error (exit 2 = changes); its errors fail the job here.
      const errors = planErrors(join(dirname(file), "summary.json"));
      if (errors.length > 0) {
        info(`plan of ${env} failed for ${errors.join(", ")} (see the comment and the plan step's log)`);
        return 1;
      }
      return 0;
    }
    case "affected-environments": {
      const base = args.values.base ?? environ.NX_BASE ?? "origin/main";
      const head = args.values.head ?? environ.NX_HEAD ?? "HEAD";
      const nx = spawnSync(
        "npx",
        ["nx", "show", "projects", "--affected", `--base=${base}`, `--head=${head}`, "--json"],
        {
          cwd: workspace,
          encoding: "utf8",
          env: { ...environ, NX_DAEMON: "false" },
        },
      );
      if (nx.status !== 0) throw new Error(`nx show projects --affected failed:\n${nx.stderr}`);
      const affected = JSON.parse(nx.stdout.trim().split("\n").pop() ?? "[]") as string[];
      const changed = git(workspace, ["diff", "--name-only", `${base}...${head}`])
        .split("\n")
        .filter(Boolean);
      const envs = environmentsToPlan(affected, changed);
      setGitHubOutput(environ, "environments", JSON.stringify(envs));
      out(JSON.stringify(envs));
      return 0;
    }
    case "deploy-affected": {
      const env = parseEnvironment(requireValue(args, "env"), "--env");
      const workflow = args.values.workflow ?? `deploy-${env}.yml`;
      const branch = args.values.branch ?? "main";
      let runs: string[] = [];
      if (environ.GITHUB_TOKEN && environ.GITHUB_REPOSITORY) {
        runs = await successfulRunShas(
          {
            apiUrl: environ.GITHUB_API_URL || "https://api.github.com",
            token: environ.GITHUB_TOKEN,
            repository: environ.GITHUB_REPOSITORY,
          },
          workflow,
          branch,
        );
      }
      const base = chooseDeployBase(runs, args.values.before, (sha) => isAncestorOfHead(workspace, sha));
      const nxArgs = base
        ? [
            "nx",
            "affected",
            "-t",
            "deploy",
            "-c",
            env,
            `--base=${base}`,
            "--head=HEAD",
            "--outputStyle=static",
          ]
        : ["nx", "run-many", "-t", "deploy", "-c", env, "--outputStyle=static"];
      info(
        base
          ? `deploying what changed since ${base} (last successful ${workflow} or the push's before)`
          : "no deployed base commit known: deploying everything",
      );
      info(`npx ${nxArgs.join(" ")}`);
      if (args.flags.has("dry-run")) return 0;
      const r = spawnSync("npx", nxArgs, {
        cwd: workspace,
        stdio: "inherit",
        env: { ...process.env, NX_DAEMON: "false" },
      });
      return r.status ?? 1;
    }
    case "release": {
      const env = parseAwsEnvironment(requireValue(args, "env"), "--env");
      const file = imageRecordFile(repoRoot, env);
      const record = readImageRecord(file);
      if (!record)
        throw new Error(`${file} does not exist: promote a digest to ${env} first (npx nx run ops:promote).`);
      const targets = (project: string) => {
        const r = spawnSync("npx", ["nx", "show", "project", project, "--json"], {
          cwd: workspace,
          encoding: "utf8",
          env: { ...process.env, NX_DAEMON: "false" },
        });
        if (r.status !== 0) throw new Error(`nx show project ${project} failed:\n${r.stderr}`);
        return Object.keys(
          (JSON.parse(r.stdout.trim().split("\n").pop() ?? "{}") as { targets?: object }).targets ?? {},
        );
      };
      const steps = releaseSteps(targets("sample-service"), targets("stacks"));
      info(
        `releasing ${record.reference} to ${env}: ${steps.map((s) => `${s.project}:${s.target}`).join(" -> ")}`,
      );
      for (const s of steps) {
        const nxArgs = [
          "nx",
          "run",
          `${s.project}:${s.target}`,
          "-c",
          env,
          "--excludeTaskDependencies",
          "--outputStyle=static",
        ];
        info(`npx ${nxArgs.join(" ")}`);
        if (args.flags.has("dry-run")) continue;
        const r = spawnSync("npx", nxArgs, {
          cwd: workspace,
          stdio: "inherit",
          env: { ...process.env, NX_DAEMON: "false" },
        });
        if (r.status !== 0) {
          info(`${s.project}:${s.target} failed: later steps were not run.`);
          return r.status ?? 1;
        }
      }
      return 0;
    }
    case "record-apply": {
      const env = parseAwsEnvironment(requireValue(args, "env"), "--env");
      const synthesized = synthesizeEnvironment(workspace, env, { environ });
      const state =
        synthesized.stateObjects.find((o) => o.stack === synthesized.serviceStack) ??
        synthesized.stateObjects[0];
      if (!state) throw new Error(`${env} has no S3 state to record beside.`);
      let image: string | undefined;
      try {
        const location = await locateService(env, { repoRoot: workspace, synthesized, environ });
        image = (await describeDeployedService(location, environ))?.image?.reference;
      } catch (err) {
        info(`note: no running service to record (${(err as Error).message.split("\n")[0]})`);
      }
      const run =
        environ.GITHUB_RUN_ID && environ.GITHUB_REPOSITORY
          ? `${environ.GITHUB_SERVER_URL ?? "https://github.com"}/${environ.GITHUB_REPOSITORY}/actions/runs/${environ.GITHUB_RUN_ID}`
          : `${userInfo().username}@${hostname()}`;
      const where = await writeApplyRecord(
        state.bucket,
        state.region,
        {
          environment: env,
          commit: args.values.commit ?? environ.GITHUB_SHA ?? git(workspace, ["rev-parse", "HEAD"]),
          appliedAt: new Date().toISOString(),
          image,
          by: args.values.by ?? run,
        },
        environ,
      );
      out(`recorded the ${env} apply in ${where}`);
      return 0;
    }
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: Error) => {
      process.stderr.write(`ops: ${err.message}\n`);
      process.exit(1);
    },
  );
}
