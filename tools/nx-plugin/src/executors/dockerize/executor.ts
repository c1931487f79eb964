import type { ExecutorContext } from "@nx/devkit";
import { type ExecutorResult, reportFailure } from "../../lib/executor-result";
import { dockerize } from "./dockerize";
import { type DockerizeExecutorOptions, normalizeDockerizeOptions } from "./normalize-options";

export default async function dockerizeExecutor(
  options: DockerizeExecutorOptions,
  context: ExecutorContext,
): Promise<ExecutorResult> {
  return reportFailure("dockerize", () => dockerize(normalizeDockerizeOptions(options, context.root)));
}
