// Backtest runs: a backtest started over REST, executed by the scheduler as the job `backtest:run`, with its progress
// (sessions re-priced of those selected) and, once done, its result stored in `backtest_runs` so that it can be read
// again. A backtest writes nothing but its run, so an interrupted run is simply started again from its first session:
//
// - one runner at a time holds the run's lease (renewed with the progress; taken over when stale);
// - at start-up every queued or running run gets a job again (a runner that finds a fresh lease looks again once it
//   would be stale), as the bulk actions do;
// - a run interrupted MAX_ATTEMPTS times (a crash in the middle of it, every time) is marked failed with that reason
//   instead of being tried again;
// - when the scheduler stops mid-run, the run goes back to `queued` with a follow-up job, run after the restart.
import { randomUUID } from "node:crypto";
import type { Collection, Store } from "@voltrate/sdk";
import type { Logger } from "../logging/logger.ts";
import type { JobHandler, Scheduler } from "../scheduler/index.ts";
import {
  type BacktestDeps,
  type BacktestResult,
  type BacktestScope,
  type BacktestTarget,
  resolveBacktestTarget,
  runBacktest,
} from "./backtest.ts";

export const BACKTEST_RUNS_COLLECTION = "backtest_runs";
export const BACKTEST_RUN_JOB = "backtest:run";
/** How many times a run is started before an interrupted run is given up. */
export const MAX_ATTEMPTS = 3;

export type BacktestRunStatus = "queued" | "running" | "done" | "failed" | "cancelled";

/** The scope as stored and shown: instants as ISO strings. */
export type StoredScope = { last: number } | { from: string; to: string };

export type BacktestRunDoc = {
  _id: string;
  rulesetId: string;
  target: BacktestTarget;
  scope: StoredScope;
  requestedBy: string;
  status: BacktestRunStatus;
  /** Sessions re-priced so far, of `total` selected (0 until selected). */
  done: number;
  total: number;
  result: BacktestResult | null;
  /** Why the run failed. */
  failure: string | null;
  /** Times a runner started it. */
  attempts: number;
  lease: string | null;
  leaseAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  cancelledBy: string | null;
};

/** A run as the API shows it. */
export interface BacktestRunView {
  id: string;
  rulesetId: string;
  target: BacktestTarget;
  scope: StoredScope;
  requestedBy: string;
  status: BacktestRunStatus;
  progress: { done: number; total: number; percent: number };
  result?: BacktestResult;
  failure?: string;
  cancelledBy?: string;
  createdAt: string;
  updatedAt: string;
  startedAt?: string;
  finishedAt?: string;
}

export interface BacktestRunRequest {
  rulesetId: string;
  target: BacktestTarget;
  scope: BacktestScope;
  requestedBy: string;
}

export interface BacktestRunsOptions {
  store: Store;
  scheduler: Scheduler;
  backtest: BacktestDeps;
  logger?: Pick<Logger, "error" | "warn" | "info">;
  /** A runner's lease is taken over when not renewed for this long; default 60 s (also the job's lock lifetime). */
  leaseMs?: number;
  /** The progress is written at most this often (and at the first and last session); default 200 ms. */
  progressEveryMs?: number;
  /** Called after the progress of a session has been recorded (tests: to hold a run half-way). */
  afterSession?: (runId: string, done: number, total: number) => Promise<void> | void;
  now?: () => Date;
}

export class BacktestRunNotFoundError extends Error {
  override name = "BacktestRunNotFoundError";
}

export class BacktestRunStateError extends Error {
  override name = "BacktestRunStateError";
}

/** Thrown from the progress hook to stop a run: cancelled, lease lost, or the scheduler is stopping. */
class RunStopped extends Error {
  readonly why: "cancelled" | "lost" | "stopping";
  constructor(why: "cancelled" | "lost" | "stopping") {
    super(`backtest run stopped: ${why}`);
    this.why = why;
  }
}

const ACTIVE: BacktestRunStatus[] = ["queued", "running"];
export const FINISHED: readonly BacktestRunStatus[] = ["done", "failed", "cancelled"];

export function runViewOf(doc: BacktestRunDoc): BacktestRunView {
  const percent = doc.total > 0 ? Math.floor((doc.done / doc.total) * 100) : doc.status === "done" ? 100 : 0;
  return {
    id: doc._id,
    rulesetId: doc.rulesetId,
    target: doc.target,
    scope: doc.scope,
    requestedBy: doc.requestedBy,
    status: doc.status,
    progress: { done: doc.done, total: doc.total, percent },
    ...(doc.result ? { result: doc.result } : {}),
    ...(doc.failure ? { failure: doc.failure } : {}),
    ...(doc.cancelledBy ? { cancelledBy: doc.cancelledBy } : {}),
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
    ...(doc.startedAt ? { startedAt: doc.startedAt.toISOString() } : {}),
    ...(doc.finishedAt ? { finishedAt: doc.finishedAt.toISOString() } : {}),
  };
}

const scopeOf = (stored: StoredScope): BacktestScope =>
  "last" in stored ? { last: stored.last } : { from: new Date(stored.from), to: new Date(stored.to) };

export class BacktestRuns {
  readonly runs: Collection<BacktestRunDoc>;
  private readonly opts: BacktestRunsOptions;
  private readonly leaseMs: number;
  private readonly progressEveryMs: number;
  private readonly clock: () => Date;

  constructor(options: BacktestRunsOptions) {
    this.opts = options;
    this.runs = options.store.collection<BacktestRunDoc>(BACKTEST_RUNS_COLLECTION);
    this.leaseMs = options.leaseMs ?? 60_000;
    this.progressEveryMs = options.progressEveryMs ?? 200;
    this.clock = options.now ?? (() => new Date());
  }

  /** Creates the indexes, defines the `backtest:run` job and queues the runs left unfinished. */
  async init(): Promise<void> {
    await this.runs.createIndex({ key: { createdAt: -1 }, name: "created" });
    await this.runs.createIndex({ key: { status: 1 }, name: "status" });
    const handler: JobHandler<{ runId?: unknown }> = async (job) => {
      const runId = job.attrs.data?.runId;
      if (typeof runId !== "string") throw new Error(`${BACKTEST_RUN_JOB}: job data must be { runId }`);
      await this.run(runId, () => job.touch());
    };
    this.opts.scheduler.define(BACKTEST_RUN_JOB, handler, { lockLifetime: this.leaseMs, concurrency: 2 });
    await this.resumeActive();
  }

  /** The start-up check: a job for every run left queued or running (its job may have been lost with the process). */
  async resumeActive(): Promise<number> {
    const active = await this.runs.find({ status: { $in: ACTIVE } }, { projection: { _id: 1 } });
    for (const r of active) await this.opts.scheduler.now(BACKTEST_RUN_JOB, { runId: r._id });
    return active.length;
  }

  /** Checks the rule set and target (RulesError otherwise), records the run (queued) and queues its job. */
  async start(request: BacktestRunRequest): Promise<BacktestRunView> {
    await resolveBacktestTarget(this.opts.backtest, request.rulesetId, request.target);
    const now = this.clock();
    const doc: BacktestRunDoc = {
      _id: `btr_${randomUUID().replace(/-/g, "").slice(0, 20)}`,
      rulesetId: request.rulesetId,
      target: request.target,
      scope:
        "last" in request.scope
          ? { last: request.scope.last }
          : { from: request.scope.from.toISOString(), to: request.scope.to.toISOString() },
      requestedBy: request.requestedBy,
      status: "queued",
      done: 0,
      total: 0,
      result: null,
      failure: null,
      attempts: 0,
      lease: null,
      leaseAt: null,
      createdAt: now,
      updatedAt: now,
      startedAt: null,
      finishedAt: null,
      cancelledBy: null,
    };
    await this.runs.insertOne(doc);
    try {
      await this.opts.scheduler.now(BACKTEST_RUN_JOB, { runId: doc._id });
    } catch (error) {
      const failure = `cannot queue the job: ${(error as Error).message}`;
      await this.runs.updateOne({ _id: doc._id }, { $set: { status: "failed", failure, updatedAt: this.clock() } });
      throw error;
    }
    return runViewOf(doc);
  }

  async get(id: string): Promise<BacktestRunView | null> {
    const doc = await this.runs.findOne({ _id: id });
    return doc ? runViewOf(doc) : null;
  }

  /** Cancels a queued or running run: the runner stops at its next session. */
  async cancel(id: string, by: string): Promise<BacktestRunView> {
    const now = this.clock();
    const after = await this.runs.findOneAndUpdate(
      { _id: id, status: { $in: ACTIVE } },
      { $set: { status: "cancelled", cancelledBy: by, updatedAt: now, finishedAt: now } },
      { returnDocument: "after" },
    );
    if (after) return runViewOf(after);
    const doc = await this.runs.findOne({ _id: id });
    if (!doc) throw new BacktestRunNotFoundError(`no backtest run ${id}`);
    throw new BacktestRunStateError(
      `backtest run ${id} is ${doc.status}; only a queued or running run can be cancelled`,
    );
  }

  /**
   * Runs (or runs again) a backtest: takes the lease and re-prices from the first session, writing the progress as it
   * goes. Returns when done, failed, cancelled, when another runner holds the lease, or when the scheduler stops.
   */
  async run(runId: string, touch: () => Promise<void> = async () => {}): Promise<void> {
    const lease = randomUUID();
    const doc = await this.takeLease(runId, lease);
    if (!doc) {
      // Another runner holds the lease (or held it when it died): look again once that lease would be stale.
      const held = await this.runs.findOne({ _id: runId });
      if (held && ACTIVE.includes(held.status) && held.leaseAt) {
        const when = new Date(Math.max(held.leaseAt.getTime() + this.leaseMs + 250, this.clock().getTime() + 250));
        await this.opts.scheduler.schedule(when, BACKTEST_RUN_JOB, { runId });
      }
      return;
    }
    if (doc.attempts > MAX_ATTEMPTS) {
      await this.finish(runId, lease, {
        status: "failed",
        failure: `interrupted ${MAX_ATTEMPTS} times (the runtime stopped while it ran); not tried again`,
      });
      return;
    }
    let lastWrite = 0;
    const onProgress = async (done: number, total: number) => {
      if (!this.opts.scheduler.state().running) throw new RunStopped("stopping");
      const now = Date.now();
      if (done !== 0 && done !== total && now - lastWrite < this.progressEveryMs) {
        if (done > 0) await this.opts.afterSession?.(runId, done, total);
        return;
      }
      lastWrite = now;
      const at = this.clock();
      const written = await this.runs.updateOne(
        { _id: runId, lease, status: "running" },
        { $set: { done, total, leaseAt: at, updatedAt: at } },
      );
      if (written.matchedCount === 0) {
        const current = await this.runs.findOne({ _id: runId }, { projection: { status: 1 } });
        throw new RunStopped(current?.status === "cancelled" ? "cancelled" : "lost");
      }
      await touch();
      if (done > 0) await this.opts.afterSession?.(runId, done, total);
    };
    try {
      const result = await runBacktest(this.opts.backtest, doc.rulesetId, doc.target, scopeOf(doc.scope), {
        onProgress,
      });
      await this.finish(runId, lease, { status: "done", result });
      this.opts.logger?.info({ runId, sessions: result.sessions }, "backtest run done");
    } catch (error) {
      if (error instanceof RunStopped && error.why !== "stopping") return;
      if (error instanceof RunStopped || !this.opts.scheduler.state().running) {
        // The scheduler is stopping: queue the run again, to be started afresh after the restart.
        await this.runs.updateOne(
          { _id: runId, lease, status: "running" },
          // A graceful stop does not count as an interruption.
          { $set: { status: "queued", lease: null, leaseAt: null, updatedAt: this.clock() }, $inc: { attempts: -1 } },
        );
        await this.opts.scheduler.now(BACKTEST_RUN_JOB, { runId }).catch(() => {});
        return;
      }
      this.opts.logger?.error({ err: error, runId }, "backtest run failed");
      await this.finish(runId, lease, { status: "failed", failure: (error as Error)?.message ?? String(error) });
    }
  }

  /** Takes the lease of a queued run, or of a running one whose runner stopped renewing it. */
  private async takeLease(runId: string, lease: string): Promise<BacktestRunDoc | null> {
    const now = this.clock();
    const stale = new Date(now.getTime() - this.leaseMs);
    return this.runs.findOneAndUpdate(
      {
        _id: runId,
        $or: [{ status: "queued" }, { status: "running", $or: [{ leaseAt: null }, { leaseAt: { $lt: stale } }] }],
      },
      {
        $set: { status: "running", lease, leaseAt: now, updatedAt: now, startedAt: now, done: 0, total: 0 },
        $inc: { attempts: 1 },
      },
      { returnDocument: "after" },
    );
  }

  private async finish(
    runId: string,
    lease: string,
    outcome: { status: "done"; result: BacktestResult } | { status: "failed"; failure: string },
  ): Promise<void> {
    const now = this.clock();
    const set =
      outcome.status === "done"
        ? { status: "done", result: outcome.result, done: outcome.result.sessions + outcome.result.failed.length }
        : { status: "failed", failure: outcome.failure };
    await this.runs.updateOne(
      { _id: runId, lease, status: "running" },
      { $set: { ...set, finishedAt: now, updatedAt: now, lease: null, leaseAt: null } },
    );
  }
}
