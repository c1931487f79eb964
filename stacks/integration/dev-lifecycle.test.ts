/**
 * The dev environment's whole life against moto (a private instance from the toolchain's launcher):
 * plan -> apply (all stacks, state in moto's S3) -> state list -> no-change plan -> a replacement in the
 * plan summary -> two concurrent applies (one loses on the lock, state stays valid) -> SIGINT during
 * apply releases the lock -> destroy leaves nothing. One full apply cycle: moto's RDS and ALB take
 * minutes, so the steps share it and run in order.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { CDKTF_WRAPPER, CliRunner, isolatedEnv, makeWorkDir, PrivateMoto } from "./harness";

const BUCKET = "fargate-platform-tfstate";
const DIGEST = (c: string) => `sha256:${c.repeat(64)}`;
const SERVICE_LOCK = "dev/service-sample-service.tfstate.tflock";
/** The stacks of the repository's two services in dev. */
const WEB = "service-sample-service-dev";
const WORKER = "service-post-worker-dev";
const STACKS = ["registry", "network-dev", "database-dev", "platform-dev", WORKER, WEB];
/** Both services' image inputs. */
const IMAGES = (digest: string) => ({
  PLATFORM_IMAGE_DIGEST_SAMPLE_SERVICE: digest,
  PLATFORM_IMAGE_DIGEST_POST_WORKER: digest,
});
/** Only sample-service's: the worker keeps DIGEST("a") from the environment. */
const WEB_IMAGE = (digest: string) => ({ PLATFORM_IMAGE_DIGEST_SAMPLE_SERVICE: digest });

let moto: PrivateMoto;
let cli: CliRunner;
/** `npm run cdktf --`: the cdktf CLI on the root cdktf.json, synthesizing into the work dir. */
let cdktf: CliRunner;
let workDir: string;
let env: NodeJS.ProcessEnv;

const summaryFile = () => path.join(workDir, "out", "plans", "dev", "summary.md");
const summaryJson = () =>
  JSON.parse(fs.readFileSync(path.join(workDir, "out", "plans", "dev", "summary.json"), "utf8")) as {
    summaries: Array<{
      stack: string;
      add: number;
      change: number;
      replace: number;
      destroy: number;
      hasChanges: boolean;
    }>;
  };

/** cdktf shows Terraform's colours (bold `Plan:`) even when piped. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escape sequences is the point
const withoutColor = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, "");
const cdktfOut = () => path.join(workDir, "cdktf-cli");

/** One call of an AWS JSON protocol API of the private moto (it checks no signature, only the region). */
async function awsJson(service: string, target: string, input: object): Promise<Record<string, unknown>> {
  const r = await fetch(`${moto.endpoint}/`, {
    method: "POST",
    headers: {
      authorization: `AWS4-HMAC-SHA256 Credential=test/20260101/eu-west-1/${service}/aws4_request, SignedHeaders=host, Signature=0`,
      "content-type": "application/x-amz-json-1.1",
      "x-amz-target": target,
    },
    body: JSON.stringify(input),
  });
  const json = (await r.json()) as Record<string, unknown>;
  if (!r.ok) throw new Error(`${target}: HTTP ${r.status} ${JSON.stringify(json).slice(0, 300)}`);
  return json;
}

/** Fails with the CLI's output (the useful part of a failure) unless it exited with `code`. */
function expectExit(run: { code: number; output: string }, code: number): void {
  if (run.code !== code)
    throw new Error(`expected exit ${code}, got ${run.code}:\n${run.output.slice(-6000)}`);
}

beforeAll(async () => {
  workDir = makeWorkDir();
  moto = await PrivateMoto.start(workDir);
  env = { ...isolatedEnv(moto, workDir), ...IMAGES(DIGEST("a")) };
  cli = new CliRunner(env, path.join(workDir, "cli.log"));
  cdktf = new CliRunner(env, path.join(workDir, "cli.log"), CDKTF_WRAPPER);
  process.stdout.write(`integration work dir: ${workDir} (cli.log, moto.log)\n`);
}, 120_000);

afterAll(() => {
  moto?.stop();
});

describe("dev against the AWS emulator", () => {
  it("plans every stack of a fresh environment (bootstrapping the state bucket) and exits 2", async () => {
    const run = await cli.run(["plan", "--env", "dev"]);
    expectExit(run, 2);
    expect(await moto.bucketExists(BUCKET)).toBe(true);
    const s = summaryJson().summaries;
    expect(s.map((x) => x.stack)).toEqual(STACKS);
    for (const x of s) expect([x.add > 0, x.change, x.replace, x.destroy]).toEqual([true, 0, 0, 0]);
    const md = fs.readFileSync(summaryFile(), "utf8");
    expect(md).toContain("network-dev is not applied yet: this plan uses placeholder values");
    expect(md).not.toContain("[!WARNING]");
  });

  it("applies the foundation (what push and migrate need) without an image", async () => {
    const run = await cli.run(["apply", "--env", "dev", "--foundation"], IMAGES(""));
    expectExit(run, 0);
    expect(run.stdout).toMatch(
      new RegExp(`\\[${WEB}\\] applying only the foundation: aws_ecs_task_definition\\.`),
    );
    const outputs = JSON.parse(fs.readFileSync(path.join(workDir, "out", "outputs", "dev.json"), "utf8"));
    expect(outputs.services).toEqual({ "post-worker": WORKER, "sample-service": WEB });
    const service = outputs.stacks[WEB];
    expect(service.migration_task_family).toBe("dev-sample-service-migrate");
    expect(outputs.stacks["platform-dev"].cluster_arn).toMatch(/^arn:aws:ecs:eu-west-1:\d{12}:cluster\/dev$/);
    expect(service.migration_security_group_ids).toEqual([expect.stringMatching(/^sg-/)]);
    expect(service.migration_subnet_ids).toEqual(outputs.stacks["network-dev"].private_subnet_ids);
    expect(outputs.stacks.registry.sample_service_repository_url).toMatch(
      /\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/sample-service$/,
    );
    expect(outputs.stacks.registry.post_worker_repository_url).toMatch(/\/post-worker$/);
    expect(outputs.stacks["database-dev"].db_endpoint).not.toBe("placeholder.invalid");
    const state = await cli.run(["state", "--env", "dev", "list", "--service", "sample-service"]);
    expect(state.stdout).not.toMatch(/\taws_ecs_service\./);
  });

  it("refuses to apply a service without an image digest, before changing anything", async () => {
    const run = await cli.run(["apply", "--env", "dev"], WEB_IMAGE(""));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('No image digest for environment "dev"');
    expect(run.stdout).not.toContain("=== apply");
  });

  it("applies all stacks in dependency order with state in moto's S3 and writes the outputs", async () => {
    const run = await cli.run(["apply", "--env", "dev"]);
    expectExit(run, 0);
    const order = [...run.stdout.matchAll(/^=== apply (\S+)/gm)].map((m) => m[1]);
    expect(order).toEqual(STACKS);
    for (const key of [
      "shared/registry.tfstate",
      "dev/network.tfstate",
      "dev/database.tfstate",
      "dev/platform.tfstate",
      "dev/service-sample-service.tfstate",
      "dev/service-post-worker.tfstate",
    ]) {
      expect(await moto.objectExists(BUCKET, key)).toBe(true);
    }
    const outputs = JSON.parse(fs.readFileSync(path.join(workDir, "out", "outputs", "dev.json"), "utf8"));
    const service = outputs.stacks[WEB];
    expect(service.image).toBe(`${outputs.stacks.registry.sample_service_repository_url}@${DIGEST("a")}`);
    expect(service.service_name).toBe("dev-sample-service");
    expect(service.service_url).toMatch(/^http:\/\/.+elb\.amazonaws\.com$/);
    expect(service.service_url).toBe(outputs.stacks["platform-dev"].load_balancer_url);
    const worker = outputs.stacks[WORKER];
    expect(worker.service_name).toBe("dev-post-worker");
    expect(worker.service_url).toBe("");
  });

  it("gives the applied cluster ECS Exec session logging: its KMS key, /ecs/dev/exec-sessions, OVERRIDE", async () => {
    const outputs = JSON.parse(fs.readFileSync(path.join(workDir, "out", "outputs", "dev.json"), "utf8"));
    const platform = outputs.stacks["platform-dev"];
    expect(platform.exec_session_kms_key_arn).toMatch(/^arn:aws:kms:eu-west-1:\d{12}:key\/[0-9a-f-]+$/);
    expect(platform.exec_session_log_group_arn).toMatch(/:log-group:\/ecs\/dev\/exec-sessions$/);
    const { clusters } = (await awsJson("ecs", "AmazonEC2ContainerServiceV20141113.DescribeClusters", {
      clusters: ["dev"],
    })) as { clusters: Array<{ configuration?: unknown }> };
    expect(clusters[0].configuration).toEqual({
      executeCommandConfiguration: {
        kmsKeyId: platform.exec_session_kms_key_arn,
        logging: "OVERRIDE",
        logConfiguration: {
          cloudWatchLogGroupName: "/ecs/dev/exec-sessions",
          cloudWatchEncryptionEnabled: true,
        },
      },
    });
    const { logGroups } = (await awsJson("logs", "Logs_20140328.DescribeLogGroups", {
      logGroupNamePrefix: "/ecs/dev/exec-sessions",
    })) as { logGroups: Array<{ kmsKeyId?: string; retentionInDays?: number }> };
    expect(logGroups).toEqual([
      expect.objectContaining({ kmsKeyId: platform.exec_session_kms_key_arn, retentionInDays: 365 }),
    ]);
    expect([outputs.stacks[WEB].execute_command, outputs.stacks[WORKER].execute_command]).toEqual([
      "enabled",
      "enabled",
    ]);
  });

  it("`cdktf output` reads the same outputs from the state (the root cdktf.json, same app)", async () => {
    // The CLI wraps long values at 80 columns, so compare its --outputs-file, not its stdout.
    const outputsFile = path.join(workDir, "cdktf-output.json");
    const run = await cdktf.run([
      "output",
      WEB,
      "--env",
      "dev",
      "--output",
      cdktfOut(),
      "--outputs-file",
      outputsFile,
    ]);
    expectExit(run, 0);
    expect(withoutColor(run.stdout)).toContain("service_name = dev-sample-service");
    const outputs = JSON.parse(fs.readFileSync(path.join(workDir, "out", "outputs", "dev.json"), "utf8"));
    const fromCli = JSON.parse(fs.readFileSync(outputsFile, "utf8"))[WEB];
    expect(fromCli.service_name).toBe(outputs.stacks[WEB].service_name);
    expect(fromCli.image).toBe(outputs.stacks[WEB].image);
  });

  it("lists the resources of every stack with `state list`", async () => {
    const run = await cli.run(["state", "--env", "dev", "list"]);
    expectExit(run, 0);
    for (const [stack, type] of [
      ["registry", "aws_ecr_repository"],
      ["network-dev", "aws_vpc"],
      ["network-dev", "aws_nat_gateway"],
      ["database-dev", "aws_db_instance"],
      ["platform-dev", "aws_ecs_cluster"],
      ["platform-dev", "aws_lb"],
      [WEB, "aws_ecs_service"],
      [WEB, "aws_lb_listener_rule"],
      [WORKER, "aws_ecs_service"],
    ]) {
      expect(run.stdout).toMatch(new RegExp(`^${stack}\\t${type}\\.`, "m"));
    }
  });

  it("plans no changes right after apply (exit 0)", async () => {
    // moto never reports availability_zone_rebalancing back: the FargateService construct ignores it
    // (lifecycle ignore_changes), otherwise aws_ecs_service would show an update here forever.
    const run = await cli.run(["plan", "--env", "dev"]);
    expectExit(run, 0);
    expect(fs.readFileSync(summaryFile(), "utf8")).toContain("**No changes.**");
  });

  it("skips layers byte-identical to their last apply without a plan; a changed synthesized JSON is planned", async () => {
    const run = await cli.run(["apply", "--env", "dev", "--layer", "network,database", "--skip-unchanged"]);
    expectExit(run, 0);
    for (const stack of ["network-dev", "database-dev"]) {
      expect(run.stdout).toMatch(
        new RegExp(`^\\[${stack}\\] unchanged since [0-9a-f]{40}(-dirty)?, skipped$`, "m"),
      );
      expect(run.stdout).not.toMatch(new RegExp(`^\\[${stack}\\] \\d+ to add`, "m"));
    }
    expect(run.stdout).not.toContain("=== apply platform-dev");
    expect(run.stdout).toContain("Nothing applied; outputs unchanged");

    // A record whose JSON hash differs (what a construct change does): planned, found unchanged, re-recorded.
    const recordFile = path.join(workDir, "dist", "deploy", "dev", "_stacks", "network-dev.json");
    const record = JSON.parse(fs.readFileSync(recordFile, "utf8"));
    fs.writeFileSync(recordFile, JSON.stringify({ ...record, synthSha256: "0".repeat(64) }));
    const again = await cli.run(["apply", "--env", "dev", "--layer", "network", "--skip-unchanged"]);
    expectExit(again, 0);
    expect(again.stdout).toContain("[network-dev] planning: its synthesized JSON changed");
    expect(again.stdout).toContain("[network-dev] no changes");
    expect(JSON.parse(fs.readFileSync(recordFile, "utf8")).synthSha256).toBe(record.synthSha256);
  });

  it("flags a replacement at the top of the summary, by address and cause; only the changed service's stack", async () => {
    const run = await cli.run(["plan", "--env", "dev"], WEB_IMAGE(DIGEST("b")));
    expectExit(run, 2);
    const md = fs.readFileSync(summaryFile(), "utf8");
    const top = md.slice(0, md.indexOf("| Stack |"));
    expect(top).toContain("> [!WARNING]");
    expect(top).toMatch(
      /> - replace in `service-sample-service-dev`: `aws_ecs_task_definition\.service_task-definition_[0-9A-F]+` \(forced by `container_definitions`\)/,
    );
    const service = summaryJson().summaries.find((x) => x.stack === WEB);
    expect(service?.replace).toBe(2); // the service's and the migration task's definitions
    for (const other of summaryJson().summaries.filter((x) => x.stack !== WEB))
      expect(other.hasChanges).toBe(false);
  });

  it("`cdktf diff` of the changed stack shows the plan the review summary counts", async () => {
    const service = summaryJson().summaries.find((x) => x.stack === WEB);
    if (!service) throw new Error(`summary.json has no ${WEB}`);
    const run = await cdktf.run(
      ["diff", WEB, "--env", "dev", "--output", cdktfOut()],
      WEB_IMAGE(DIGEST("b")),
    );
    expectExit(run, 0);
    const plan = withoutColor(run.stdout);
    // Terraform counts a replacement as one add and one destroy; the summary lists it apart.
    expect(plan).toContain(
      `Plan: ${service.add + service.replace} to add, ${service.change} to change, ${service.destroy + service.replace} to destroy.`,
    );
    // cdktf adds the construct path after the address: `# <address> (service/task-definition) must be replaced`.
    expect(plan).toMatch(
      /aws_ecs_task_definition\.service_task-definition_[0-9A-F]+ (\([^)]*\) )?must be replaced/,
    );
  });

  it("lets only one of two concurrent applies hold the lock; the state stays valid", async () => {
    const pullState = async () => {
      const r = await cli.run(["state", "--env", "dev", "pull", "--service", "sample-service"]);
      expectExit(r, 0);
      return JSON.parse(r.stdout) as { serial: number; lineage: string; resources: unknown[] };
    };
    const before = await pullState();
    const second = { ...env, ...WEB_IMAGE(DIGEST("b")) };
    const first = cli.start(["apply", "--env", "dev", "--service", "sample-service"], {
      ...second,
      PLATFORM_SYNTH_OUTDIR: path.join(workDir, "cdktf.out-a"),
    });
    await moto.waitForObject(BUCKET, SERVICE_LOCK, 180_000);
    const late = await cli.run(["apply", "--env", "dev", "--service", "sample-service"], {
      ...second,
      PLATFORM_SYNTH_OUTDIR: path.join(workDir, "cdktf.out-b"),
    });
    const early = await first.done;
    // Usually the later one loses; it can also win if it grabs the lock between the other's plan and
    // apply. Either way exactly one must fail, and on the lock.
    const runs = [early, late].sort((a, b) => a.code - b.code);
    expect(runs.map((r) => r.code)).toEqual([0, 1]);
    expect(runs[1].output).toMatch(/Error acquiring the state lock/);
    expect(await moto.objectExists(BUCKET, SERVICE_LOCK)).toBe(false);
    const after = await pullState();
    expect(after.lineage).toBe(before.lineage);
    expect(after.serial).toBeGreaterThan(before.serial);
    const replan = await cli.run(
      ["plan", "--env", "dev", "--service", "sample-service"],
      WEB_IMAGE(DIGEST("b")),
    );
    expectExit(replan, 0);
  });

  it("forwards SIGINT to Terraform during apply, which stops and releases the lock", async () => {
    const apply = cli.start(["apply", "--env", "dev", "--service", "sample-service"], WEB_IMAGE(DIGEST("c")));
    // Interrupt while Terraform holds the lock (under moto this lands in the apply command's plan
    // phase: the service stack's apply itself takes about a second).
    await moto.waitForObject(BUCKET, SERVICE_LOCK, 180_000);
    apply.child.kill("SIGINT");
    const run = await apply.done;
    expect(run.code).toBe(130);
    expect(run.stderr).toMatch(/asking Terraform to stop gracefully/);
    expect(await moto.objectExists(BUCKET, SERVICE_LOCK)).toBe(false);
    const state = await cli.run(["state", "--env", "dev", "pull", "--service", "sample-service"]);
    expectExit(state, 0);
    expect(() => JSON.parse(state.stdout)).not.toThrow();
  });

  it("destroys every stack and leaves nothing in state", async () => {
    const run = await cli.run(["destroy", "--env", "dev"], WEB_IMAGE(DIGEST("c")));
    expectExit(run, 0);
    expect(run.stdout).toContain("Keeping the shared registry stack");
    const registry = await cli.run(["destroy", "--env", "dev", "--stack", "registry"]);
    expectExit(registry, 0);
    const list = await cli.run(["state", "--env", "dev", "list"]);
    expectExit(list, 0);
    expect(list.stdout.split("\n").filter((l) => /\t/.test(l))).toEqual([]);
    for (const stack of STACKS) {
      expect(list.stdout).toContain(`# ${stack} (0 resources)`);
    }
  });

  it("refuses to destroy prod without --allow-prod, before touching anything", async () => {
    const run = await cli.run(["destroy", "--env", "prod"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("Refusing to destroy prod: pass --allow-prod");
  });
});
