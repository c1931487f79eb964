import type { ExecutorContext } from "@nx/devkit";

/**
 * The words after `--` exactly as typed: Nx also parses them into options (`-c "select 1"` becomes
 * `c`), which loses their order and form, but keeps the raw list on the task's overrides.
 */
export function wordsAfterDashes(context: ExecutorContext): readonly string[] | undefined {
  const task = Object.values(context.taskGraph?.tasks ?? {}).find(
    (t) => t.target.project === context.projectName && t.target.target === context.targetName,
  );
  const words: unknown = task?.overrides?.__overrides_unparsed__;
  return Array.isArray(words) && words.every((w) => typeof w === "string") ? words : undefined;
}
