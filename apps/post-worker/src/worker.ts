import { Client, type ClientConfig, type Pool } from "pg";
import { type Analysis, analyze, type PostText } from "./analyze";
import { type ClaimedJob, claimJob, completeJob, failExpired, failJob, readPost, releaseJob } from "./jobs";
import type { Logger } from "./log";

export const NOTIFY_CHANNEL = "post_jobs";

export interface WorkerOptions {
  readonly pool: Pool;
  readonly log: Logger;
  readonly workerId: string;
  readonly pollIntervalMs: number;
  readonly maxAttempts: number;
  readonly retryDelayMs: number;
  readonly leaseMs: number;
  /** Connection for LISTEN post_jobs (a dedicated client, not the pool's); none = poll only. */
  readonly listen?: ClientConfig;
  /** The work itself; tests substitute one that fails. */
  readonly analyze?: (post: PostText) => Analysis;
  /** Runs after a claim, before the work (tests hold a job in hand with it). */
  readonly beforeProcess?: (job: ClaimedJob) => Promise<void>;
}

/**
 * One job at a time: claim (FOR UPDATE SKIP LOCKED), compute, write back and mark done, or
 * record the failure. Sleeps pollIntervalMs when the queue is empty, less when a NOTIFY arrives.
 * stop() ends the loop after the job in hand; release() hands that job back instead.
 */
export class Worker {
  private stopping = false;
  private wake: (() => void) | undefined;
  private current: ClaimedJob | undefined;
  private listener: Client | undefined;
  /** Set while claims fail, so a database outage logs once, not once per poll. */
  private claimError: string | undefined;
  private readonly work: (post: PostText) => Analysis;

  constructor(private readonly o: WorkerOptions) {
    this.work = o.analyze ?? analyze;
  }

  /** The job being processed now, if any. */
  get jobInHand(): ClaimedJob | undefined {
    return this.current;
  }

  /** Loops until stop(); resolves once the job in hand is finished. */
  async run(): Promise<void> {
    await this.startListening();
    try {
      while (!this.stopping) {
        const worked = await this.step();
        if (!worked && !this.stopping) await this.sleep();
      }
    } finally {
      await this.listener?.end().catch(() => undefined);
    }
  }

  /** Processes jobs until none is claimable, then resolves (tests, one-shot runs). */
  async runUntilIdle(): Promise<void> {
    while (!this.stopping && (await this.step()));
  }

  /** Stop claiming; run() resolves after the job in hand. */
  stop(): void {
    this.stopping = true;
    this.wake?.();
  }

  /** Puts the job in hand back in the queue (drain deadline); true if there was one and it was ours. */
  async release(): Promise<boolean> {
    const job = this.current;
    if (job === undefined) return false;
    const released = await releaseJob(this.o.pool, job, this.o.workerId);
    this.o.log.warn("job released back to the queue", { job_id: job.id, post_id: job.postId, released });
    return released;
  }

  /** One claim and its processing; false when there was nothing to claim (or the claim failed). */
  private async step(): Promise<boolean> {
    const { pool, log, workerId } = this.o;
    let job: ClaimedJob | undefined;
    try {
      job = await claimJob(pool, workerId, this.o.leaseMs, this.o.maxAttempts);
      if (this.claimError !== undefined) log.info("claiming jobs again", { after: this.claimError });
      this.claimError = undefined;
      if (job === undefined) {
        const expired = await failExpired(pool, this.o.leaseMs, this.o.maxAttempts);
        if (expired > 0) log.warn("jobs failed: lease expired on their last attempt", { count: expired });
        return false;
      }
    } catch (err) {
      // Database down or restarting: try again after the poll interval, logging only the first failure.
      const message = err instanceof Error ? err.message : String(err);
      if (this.claimError === undefined)
        log.warn("could not claim a job; retrying every poll interval", { err });
      this.claimError = message;
      return false;
    }
    this.current = job;
    const fields = { job_id: job.id, post_id: job.postId, attempt: job.attempts };
    log.debug("job claimed", fields);
    try {
      await this.o.beforeProcess?.(job);
      const post = await readPost(pool, job.postId);
      if (post === undefined) {
        log.info("post deleted before processing; its job went with it", fields);
        return true;
      }
      const result = this.work(post);
      const stored = await completeJob(pool, job, workerId, result);
      if (stored) log.info("job done", { ...fields, word_count: result.wordCount });
      else log.info("job changed while processing (post updated or deleted); result discarded", fields);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const status = await failJob(pool, job, workerId, message, this.o).catch((e: unknown) => {
        // Left running: claimed again once its lease expires.
        log.error("could not record the job's failure", { ...fields, err: e });
        return undefined;
      });
      log.warn(status === "failed" ? "job failed; giving up" : "job failed; will retry", {
        ...fields,
        status,
        err,
      });
    } finally {
      this.current = undefined;
    }
    return true;
  }

  private sleep(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.o.pollIntervalMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = undefined;
        done();
      };
    });
  }

  /** LISTEN is an optimisation: without it (or when it drops) the worker still polls. */
  private async startListening(): Promise<void> {
    if (this.o.listen === undefined) return;
    const client = new Client(this.o.listen);
    client.on("notification", () => this.wake?.());
    client.on("error", (err) => {
      this.o.log.warn("LISTEN connection lost; polling only", { err });
      this.listener = undefined;
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${NOTIFY_CHANNEL}`);
      this.listener = client;
    } catch (err) {
      this.o.log.warn("could not LISTEN; polling only", { err });
      await client.end().catch(() => undefined);
    }
  }
}
