import { type AwsEnvironmentName, PROMOTION_ORDER } from "../lib/environments";

const ENV_CONFIG_FILE = /^stacks\/src\/config\/(dev|staging|prod)\.ts$/;

/** Files that cannot change what Terraform plans for an environment. */
function irrelevant(file: string): boolean {
  return (
    /^(apps|tools|\.github)\//.test(file) ||
    /\.md$/.test(file) ||
    /(^|\/)__snapshots__\//.test(file) ||
    /\.test\.ts$/.test(file)
  );
}

/**
 * AWS environments whose plan a change needs: none when the stacks project is not affected; only the
 * edited environments when every relevant change is an environment's own config file
 * (`stacks/src/config/<env>.ts`); otherwise all of them (a construct or shared change reaches every one).
 */
export function environmentsToPlan(
  affectedProjects: readonly string[],
  changedFiles: readonly string[],
): AwsEnvironmentName[] {
  if (!affectedProjects.includes("stacks")) return [];
  const relevant = changedFiles.filter((f) => !irrelevant(f));
  if (relevant.length > 0 && relevant.every((f) => ENV_CONFIG_FILE.test(f))) {
    const envs = new Set(relevant.map((f) => (ENV_CONFIG_FILE.exec(f) as RegExpExecArray)[1]));
    return PROMOTION_ORDER.filter((e) => envs.has(e));
  }
  return [...PROMOTION_ORDER];
}
