import type { ExecutorContext } from "@nx/devkit";
import { skipReason } from "../../lib/environment";
import { type ExecutorResult, reportFailure } from "../../lib/executor-result";
import { dockerize } from "./dockerize";
import { type DockerizeExecutorOptions, normalizeDockerizeOptions } from "./normalize-options";

export default async function dockerizeExecutor(
  options: DockerizeExecutorOptions,
  context: ExecutorContext,
): Promise<ExecutorResult> {
  return reportFailure("dockerize", async () => {
    const skip = skipReason(
      options.environment,
      options.onlyEnvironments,
      `image ${options.imageName ?? ""}`.trim(),
    );
    if (skip) return console.log(`dockerize ${skip}`);
    await dockerize(normalizeDockerizeOptions(options, context.root, context.projectName));
  });
}
