import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { type ExecutorContext, runExecutor } from "@nx/devkit";
import {
  type DeployHistoryEntry,
  historyEntry,
  imageDigestVariable,
  imageRecordOf,
  readMigrationFiles,
} from "@platform/toolchain";
import { writeJsonFile } from "../../lib/deploy-files";
import { type ExecutorResult, reportFailure } from "../../lib/executor-result";
import { errorMessage, StepLog } from "../../lib/log";
import {
  type NormalizedRollbackOptions,
  normalizeRollbackOptions,
  type RollbackExecutorOptions,
} from "./normalize-options";
import { planRollback } from "./plan-rollback";

/**
 * `nx run <service>:rollback -c <env> [--to <digest|git-sha>]`: redeploys an earlier successfully
 * deployed digest of the service through the deploy chain's own apply and smoke targets (same
 * configuration: circuit breaker, wait for stable, /version check). Orchestration only: planRollback
 * chooses the target (and refuses before anything changes), then the image record is pointed at it.
 */
export default async function rollbackExecutor(
  options: RollbackExecutorOptions,
  context: ExecutorContext,
): Promise<ExecutorResult> {
  return reportFailure(`rollback ${options.environment ?? ""}`.trim(), async () => {
    const projectRoot = context.projectName
      ? context.projectsConfigurations?.projects[context.projectName]?.root
      : undefined;
    const o = normalizeRollbackOptions(options, context.root, context.projectName, projectRoot);
    const log = new StepLog(`rollback ${o.environment} ${o.service}`);
    const variable = imageDigestVariable(o.service);
    // The stacks would deploy that variable's image instead of the record this step writes.
    if (process.env[variable]) {
      throw new Error(
        `${variable} is set (${process.env[variable]}): it overrides the image record a rollback writes; unset it. Nothing was changed.`,
      );
    }
    const plan = planRollback({
      environment: o.environment,
      service: o.service,
      history: await o.history.read(),
      to: o.to,
      migrationFiles: readMigrationFiles(o.migrationsDir),
      migrationsDir: o.migrationsDir,
    });
    const { current, target } = plan;
    log.info(
      `from ${current.digest} (git ${current.gitSha}) to ${target.digest} (git ${target.gitSha}, deployed ${target.deployedAt})`,
    );
    if (plan.compatibleMigrations.length > 0)
      log.info(`past migrations marked rollback-compatible: ${plan.compatibleMigrations.join(", ")}`);
    await redeploy(o, context, log, plan.current.digest, target);
  });
}

/** Points the image record at `target`, applies and smokes it, and records the outcome in the history. */
async function redeploy(
  o: NormalizedRollbackOptions,
  context: ExecutorContext,
  log: StepLog,
  from: string,
  target: DeployHistoryEntry,
): Promise<void> {
  const previousRecord = existsSync(o.imageFile) ? readFileSync(o.imageFile, "utf8") : undefined;
  const image = imageRecordOf(target, o.environment);
  const record = (result: "succeeded" | "failed", error?: string) =>
    o.history.append(
      historyEntry(image, {
        result,
        kind: "rollback",
        rolledBackFrom: from,
        migrations: target.migrations,
        error,
      }),
    );
  let applied = false;
  try {
    writeJsonFile(o.imageFile, image);
    log.info(`${o.imageFile} -> ${image.reference}`);
    // The service's own apply (its history entry is this step's, of kind rollback), then its smoke check.
    await runTarget(context, o.project, o.applyTarget, o.environment, { recordHistory: false });
    applied = true;
    await runTarget(context, o.project, o.smokeTarget, o.environment, {});
    await record("succeeded");
    log.info(`rolled back to ${image.reference} (git ${image.gitSha})`);
  } catch (err) {
    // The rollback's failure stays the step's error even when its history entry cannot be written.
    await record("failed", errorMessage(err)).catch((recordErr: unknown) =>
      log.info(`could not record the failed rollback in the history: ${errorMessage(recordErr)}`),
    );
    throw err;
  } finally {
    // A failed apply leaves the previous deploy in charge: its record must stay what the chain reads.
    // After a successful apply the record names what runs, even if the smoke check then failed.
    if (!applied) restoreImageRecord(o.imageFile, previousRecord, log);
  }
}

function restoreImageRecord(file: string, previous: string | undefined, log: StepLog): void {
  if (previous === undefined) rmSync(file, { force: true });
  else writeFileSync(file, previous);
  log.info(`restored ${file} to the record before the rollback`);
}

/** Runs one of the project's targets in this process with the same configuration; a failure throws naming it. */
async function runTarget(
  context: ExecutorContext,
  project: string,
  target: string,
  configuration: string,
  overrides: Record<string, unknown>,
): Promise<void> {
  for await (const res of await runExecutor({ project, target, configuration }, overrides, context)) {
    if (!res.success)
      throw new Error(`${project}:${target} -c ${configuration} failed (see its output above).`);
  }
}
