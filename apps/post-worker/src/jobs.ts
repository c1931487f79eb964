import type { Pool, PoolClient } from "pg";
import type { Analysis } from "./analyze";

/** A claimed row of post_jobs (table from sample-service's migration 002). */
export interface ClaimedJob {
  readonly id: number;
  readonly postId: number;
  /** Including this claim. */
  readonly attempts: number;
}

/**
 * Claim-and-mark in one statement: the subquery locks the oldest claimable job and skips rows
 * other workers hold (FOR UPDATE SKIP LOCKED), the UPDATE marks it running for this worker and
 * commits at once, so no transaction stays open while the job is processed. Claimable: queued and
 * due, or running with an expired lease (its worker died without finishing or releasing it).
 */
export const CLAIM_SQL = `
UPDATE post_jobs SET status = 'running', attempts = attempts + 1, locked_by = $1,
  locked_at = now(), updated_at = now()
WHERE id = (
  SELECT id FROM post_jobs
  WHERE (status = 'queued' AND run_at <= now())
     OR (status = 'running' AND locked_at < now() - make_interval(secs => $2::float8 / 1000) AND attempts < $3)
  ORDER BY run_at, id
  LIMIT 1
  FOR UPDATE SKIP LOCKED)
RETURNING id, post_id, attempts`;

export async function claimJob(
  pool: Pool,
  workerId: string,
  leaseMs: number,
  maxAttempts: number,
): Promise<ClaimedJob | undefined> {
  const { rows } = await pool.query<{ id: number; post_id: number; attempts: number }>(CLAIM_SQL, [
    workerId,
    leaseMs,
    maxAttempts,
  ]);
  const row = rows[0];
  return row && { id: row.id, postId: row.post_id, attempts: row.attempts };
}

/** Content of the job's post, or undefined when the post (and with it the job) was deleted. */
export async function readPost(pool: Pool, postId: number) {
  const { rows } = await pool.query<{ title: string; content: string }>(
    "SELECT title, content FROM posts WHERE id = $1",
    [postId],
  );
  return rows[0];
}

async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** Still ours: running and held by this worker (a PUT re-queues the job and clears locked_by). */
const OURS = "id = $1 AND locked_by = $2 AND status = 'running'";

/**
 * Writes the results and marks the job done in one transaction, only if the job is still ours;
 * false means the post changed (or was deleted) meanwhile and the result was discarded. The post
 * row is locked before the job row, the order PUT /posts/:id takes them in, so the two never deadlock.
 */
export function completeJob(pool: Pool, job: ClaimedJob, workerId: string, result: Analysis) {
  return inTransaction(pool, async (client) => {
    await client.query("SELECT 1 FROM posts WHERE id = $1 FOR UPDATE", [job.postId]);
    const done = await client.query(
      `UPDATE post_jobs SET status = 'done', last_error = NULL, finished_at = now(), updated_at = now()
       WHERE ${OURS}`,
      [job.id, workerId],
    );
    if (done.rowCount !== 1) return false;
    await client.query("UPDATE posts SET word_count = $2, summary = $3, processed_at = now() WHERE id = $1", [
      job.postId,
      result.wordCount,
      result.summary,
    ]);
    return true;
  });
}

/**
 * Records a failure: back to queued after attempts x retryDelayMs, or failed for good once
 * attempts reaches maxAttempts. Returns the new status (undefined: the job is no longer ours).
 */
export async function failJob(
  pool: Pool,
  job: ClaimedJob,
  workerId: string,
  error: string,
  retry: { readonly maxAttempts: number; readonly retryDelayMs: number },
): Promise<"queued" | "failed" | undefined> {
  const { rows } = await pool.query<{ status: "queued" | "failed" }>(
    `UPDATE post_jobs SET
       status = CASE WHEN attempts >= $4 THEN 'failed' ELSE 'queued' END,
       finished_at = CASE WHEN attempts >= $4 THEN now() END,
       run_at = now() + make_interval(secs => attempts * $5::float8 / 1000),
       last_error = $3, updated_at = now()
     WHERE ${OURS} RETURNING status`,
    [job.id, workerId, error.slice(0, 2000), retry.maxAttempts, retry.retryDelayMs],
  );
  return rows[0]?.status;
}

/** Hands the job back untouched (drain deadline): queued, due now, this claim not counted. */
export async function releaseJob(pool: Pool, job: ClaimedJob, workerId: string): Promise<boolean> {
  const { rowCount } = await pool.query(
    `UPDATE post_jobs SET status = 'queued', attempts = attempts - 1, locked_by = NULL, locked_at = NULL,
       run_at = now(), updated_at = now()
     WHERE ${OURS}`,
    [job.id, workerId],
  );
  return rowCount === 1;
}

/** Running jobs whose lease expired with no attempts left: failed, so they do not hang forever. */
export async function failExpired(pool: Pool, leaseMs: number, maxAttempts: number): Promise<number> {
  const { rowCount } = await pool.query(
    `UPDATE post_jobs SET status = 'failed', finished_at = now(), updated_at = now(),
       last_error = coalesce(last_error || '; ', '') || 'lease expired on the last attempt (worker died?)'
     WHERE status = 'running' AND locked_at < now() - make_interval(secs => $1::float8 / 1000) AND attempts >= $2`,
    [leaseMs, maxAttempts],
  );
  return rowCount ?? 0;
}
