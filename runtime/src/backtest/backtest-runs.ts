// Backtest runs: a backtest started over REST, executed by the scheduler as the job `backtest:run`, with its progress
// (sessions re-priced of those selected) and, once done, its result stored in `backtest_runs` so that it can be read
// again. The lease, the job and the resume at start-up are those of every leased run (../scheduler/leased-runs.ts). A
// backtest writes nothing but its run, so an interrupted run is simply started again from its first session:
//
// - the lease is renewed with the progress;
// - a run interrupted MAX_ATTEMPTS times (a crash in the middle of it, every time) is marked failed with that reason
//   instead of being tried again;
// - when the scheduler stops mid-run, the run goes back to `queued` with a follow-up job, run after the restart.
import type { Collection, Store } from "@voltrate/sdk";
import type { Logger } from "../logging/logger.ts";
import type { Scheduler } from "../scheduler/index.ts";
import {
  type LeaseClaim,
  type LeasedRunFields,
  type LeasedRunStatus,
  LeasedRuns,
  type LeasedRunTimesView,
  leasedRunTimesView,
  newLeasedRun,
  progressPercent,
} from "../scheduler/leased-runs.ts";
import {
  type BacktestDeps,
  type BacktestResult,
  type BacktestScope,
  type BacktestTarget,
  resolveBacktestTarget,
  runBacktest,
} from "./backtest.ts";
import { type BacktestRunListItem, type BacktestRunListQuery, listBacktestRuns } from "./backtest-run-list.ts";

export const BACKTEST_RUNS_COLLECTION = "backtest_runs";
export const BACKTEST_RUN_JOB = "backtest:run";
/** How many times a run is started before an interrupted run is given up. */
export const MAX_ATTEMPTS = 3;

export type BacktestRunStatus = LeasedRunStatus;

/** The scope as stored and shown: instants as ISO strings. */
export type StoredScope = { last: number } | { from: string; to: string };

export type BacktestRunDoc = LeasedRunFields & {
  rulesetId: string;
  target: BacktestTarget;
  scope: StoredScope;
  requestedBy: string;
  /** Sessions re-priced so far, of `total` selected (0 until selected). */
  done: number;
  total: number;
  result: BacktestResult | null;
  /** Times a runner started it. */
  attempts: number;
};

/** A run as the API shows it. */
export interface BacktestRunView extends LeasedRunTimesView {
  id: string;
  rulesetId: string;
  target: BacktestTarget;
  scope: StoredScope;
  requestedBy: string;
  status: BacktestRunStatus;
  progress: { done: number; total: number; percent: number };
  result?: BacktestResult;
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

export const FINISHED: readonly BacktestRunStatus[] = ["done", "failed", "cancelled"];

export function runViewOf(doc: BacktestRunDoc): BacktestRunView {
  const percent = progressPercent(doc.done, doc.total, doc.status === "done");
  return {
    id: doc._id,
    rulesetId: doc.rulesetId,
    target: doc.target,
    scope: doc.scope,
    requestedBy: doc.requestedBy,
    status: doc.status,
    progress: { done: doc.done, total: doc.total, percent },
    ...(doc.result ? { result: doc.result } : {}),
    ...leasedRunTimesView(doc),
  };
}

const scopeOf = (stored: StoredScope): BacktestScope =>
  "last" in stored ? { last: stored.last } : { from: new Date(stored.from), to: new Date(stored.to) };

export class BacktestRuns {
  readonly runs: Collection<BacktestRunDoc>;
  private readonly leased: LeasedRuns<BacktestRunDoc>;
  private readonly opts: BacktestRunsOptions;
  private readonly progressEveryMs: number;
  private readonly clock: () => Date;

  constructor(options: BacktestRunsOptions) {
    this.opts = options;
    this.runs = options.store.collection<BacktestRunDoc>(BACKTEST_RUNS_COLLECTION);
    this.progressEveryMs = options.progressEveryMs ?? 200;
    this.clock = options.now ?? (() => new Date());
    this.leased = new LeasedRuns({
      collection: this.runs,
      scheduler: options.scheduler,
      job: BACKTEST_RUN_JOB,
      idKey: "runId",
      leaseMs: options.leaseMs ?? 60_000,
      clock: this.clock,
      notFound: (id) => new BacktestRunNotFoundError(`no backtest run ${id}`),
      notCancellable: (id, status) =>
        new BacktestRunStateError(`backtest run ${id} is ${status}; only a queued or running run can be cancelled`),
    });
  }

  /** Creates the indexes, defines the `backtest:run` job and queues the runs left unfinished. */
  async init(): Promise<void> {
    // The list filtered by rule set, most recent first (the created and status indexes come with every leased run).
    await this.runs.createIndex({ key: { rulesetId: 1, createdAt: -1 }, name: "ruleset_created" });
    await this.leased.init((runId, touch) => this.run(runId, touch));
  }

  /** The start-up check: a job for every run left queued or running (its job may have been lost with the process). */
  resumeActive(): Promise<number> {
    return this.leased.resumeActive();
  }

  /** Checks the rule set and target (RulesError otherwise), records the run (queued) and queues its job. */
  async start(request: BacktestRunRequest): Promise<BacktestRunView> {
    await resolveBacktestTarget(this.opts.backtest, request.rulesetId, request.target);
    const doc: BacktestRunDoc = {
      ...newLeasedRun("btr", this.clock()),
      rulesetId: request.rulesetId,
      target: request.target,
      scope:
        "last" in request.scope
          ? { last: request.scope.last }
          : { from: request.scope.from.toISOString(), to: request.scope.to.toISOString() },
      requestedBy: request.requestedBy,
      done: 0,
      total: 0,
      result: null,
      attempts: 0,
    };
    await this.leased.insertAndQueue(doc);
    return runViewOf(doc);
  }

  async get(id: string): Promise<BacktestRunView | null> {
    const doc = await this.runs.findOne({ _id: id });
    return doc ? runViewOf(doc) : null;
  }

  /** A page of runs, most recent first, without their results (a summary of each instead). */
  list(query: BacktestRunListQuery): Promise<{ items: BacktestRunListItem[]; total: number }> {
    return listBacktestRuns(this.runs, query);
  }

  /** Cancels a queued or running run: the runner stops at its next session. */
  async cancel(id: string, by: string): Promise<BacktestRunView> {
    return runViewOf(await this.leased.cancel(id, by));
  }

  /**
   * Runs (or runs again) a backtest: takes the lease and re-prices from the first session, writing the progress as it
   * goes. Returns when done, failed, cancelled, when another runner holds the lease, or when the scheduler stops.
   */
  async run(runId: string, touch: () => Promise<void> = async () => {}): Promise<void> {
    const taken = await this.leased.acquire(runId, (claim) => this.takeLease(runId, claim));
    if (!taken) return;
    const { doc, lease } = taken;
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
        await this.leased.queue(runId).catch(() => {});
        return;
      }
      this.opts.logger?.error({ err: error, runId }, "backtest run failed");
      await this.finish(runId, lease, { status: "failed", failure: (error as Error)?.message ?? String(error) });
    }
  }

  /** Takes the lease of a queued run, or of a running one whose runner stopped renewing it. */
  private async takeLease(runId: string, { lease, now, staleBefore }: LeaseClaim): Promise<BacktestRunDoc | null> {
    return this.runs.findOneAndUpdate(
      {
        _id: runId,
        $or: [{ status: "queued" }, { status: "running", $or: [{ leaseAt: null }, { leaseAt: { $lt: staleBefore } }] }],
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
    const set: Partial<BacktestRunDoc> =
      outcome.status === "done"
        ? { status: "done", result: outcome.result, done: outcome.result.sessions + outcome.result.failed.length }
        : { status: "failed", failure: outcome.failure };
    await this.leased.finish(runId, lease, set);
  }
}
