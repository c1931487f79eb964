import type { ExecutorContext } from "@nx/devkit";
import { readMigrationRecord, readPushedImage } from "../../lib/deploy-files";
import { parseEnvironment, pathOption, resolveService } from "../../lib/environment";
import { type ExecutorResult, reportFailure } from "../../lib/executor-result";
import { OUTPUTS, outputsProducer } from "../../lib/output-names";
import { StackOutputs } from "../../lib/stack-outputs";

export interface SummaryExecutorOptions {
  readonly environment?: string;
  readonly service?: string;
  readonly imageFile?: string;
  readonly migrationFile?: string;
  readonly outputsFile?: string;
}

export default async function summaryExecutor(
  options: SummaryExecutorOptions,
  context: ExecutorContext,
): Promise<ExecutorResult> {
  return reportFailure("deploy summary", async () => {
    const environment = parseEnvironment(options.environment);
    const service = resolveService(options.service, context.projectName);
    const file = (value: string | undefined, dflt: string, name: string) =>
      pathOption(value, name, dflt, context.root, environment, service);
    const image = readPushedImage(
      file(options.imageFile, "{repoRoot}/dist/deploy/{environment}/{service}/image.json", "imageFile"),
    );
    const migrationFile = file(
      options.migrationFile,
      "{repoRoot}/dist/deploy/{environment}/{service}/migration.json",
      "migrationFile",
    );
    const migration = readMigrationRecord(migrationFile);
    const outputs = StackOutputs.load(
      file(options.outputsFile, "{stacksOut}/outputs/{environment}.json", "outputsFile"),
      outputsProducer(environment, false),
      { service, environment },
    );
    const url = outputs.string(OUTPUTS.serviceUrl, { allowEmpty: true });
    console.log(`\nDeployed ${service} to ${environment}`);
    console.log(`  image      ${image.reference}`);
    console.log(`  git sha    ${image.gitSha}   version ${image.version}`);
    if (migration) {
      console.log(
        `  migration  ${migration.runId}: exit ${migration.exitCode} in ${migration.durationSeconds}s`,
      );
    }
    if (url === "") {
      console.log("  url        none (a worker takes no traffic)");
      return;
    }
    console.log(`  url        ${url}`);
    console.log(url);
  });
}
