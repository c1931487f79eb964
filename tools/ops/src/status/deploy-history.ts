import { type DeployHistoryEntry, deployHistoryStore, type StateBucket } from "@platform/toolchain";

/** How many of a service's deploys status shows. */
export const STATUS_DEPLOYS = 5;

/** The tail of a service's deploy history as status shows it: newest first. */
export interface RecentDeploys {
  /** Where the history was read (the local file, or `s3://<state bucket>/deploy-history/<env>/<service>.json`). */
  readonly file: string;
  /** Entries in the whole history. */
  readonly total: number;
  /** Rollbacks in the whole history. */
  readonly rollbacks: number;
  /** The newest `STATUS_DEPLOYS` entries, newest first. */
  readonly entries: readonly DeployHistoryEntry[];
}

/** The newest entries of a history (oldest first, as stored), newest first, with its counts. */
export function recentDeploys(
  file: string,
  history: readonly DeployHistoryEntry[],
  count = STATUS_DEPLOYS,
): RecentDeploys {
  return {
    file,
    total: history.length,
    rollbacks: history.filter((e) => e.kind === "rollback").length,
    entries: history.slice(-count).reverse(),
  };
}

/**
 * A service's recent deploys in an environment, read from where the deploy chain keeps them (an AWS
 * environment's in `stateBucket`, the bucket of its Terraform state).
 */
export async function readRecentDeploys(
  repoRoot: string,
  env: string,
  service: string,
  stateBucket: StateBucket | undefined,
  environ: NodeJS.ProcessEnv,
): Promise<RecentDeploys> {
  const store = deployHistoryStore({ repoRoot, env, service, stateBucket, environ });
  return recentDeploys(store.where, await store.read());
}

const shortDigest = (digest: string) => digest.slice(0, 19);

/** One line per entry: short digest, git sha, when, result, kind (a rollback names where it came from). */
export function deployHistoryLines(recent: RecentDeploys): string[] {
  if (recent.total === 0) return [`none recorded (${recent.file})`];
  const head = `last ${recent.entries.length} of ${recent.total}, ${recent.rollbacks} rollback(s) in all`;
  return [
    head,
    ...recent.entries.map((e) => {
      const kind =
        e.kind === "rollback"
          ? `rollback${e.rolledBackFrom ? ` from ${shortDigest(e.rolledBackFrom)}` : ""}`
          : "deploy";
      const result = e.result === "succeeded" ? "succeeded" : "FAILED";
      return `${shortDigest(e.digest)}  ${e.gitSha.slice(0, 12).padEnd(12)}  ${e.deployedAt}  ${result.padEnd(9)}  ${kind}`;
    }),
  ];
}
