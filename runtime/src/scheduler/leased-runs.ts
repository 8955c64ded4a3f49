// Leased runs: long work (a bulk action, a backtest) kept as a stored record with its status and progress, and run by
// a scheduler job that names the record. What every such record shares lives here:
//
// - its life: queued → running → done | failed | cancelled, with the times of each step and who cancelled it;
// - one runner at a time holds the record's lease (`lease`, renewed in `leaseAt`), taken over once not renewed for
//   `leaseMs`; a runner that finds a fresh lease schedules its job again for when that lease would be stale;
// - the job's lock lives as long as a lease, and at start-up every queued or running record gets a job again (its job
//   may have been lost with the process).
//
// What a run does, how it claims its lease and how it stops stay with each kind of run.
import { randomUUID } from "node:crypto";
import type { Collection } from "@voltrate/sdk";
import type { JobHandler, Scheduler } from "./scheduler.ts";

export const LEASED_RUN_STATUSES = ["queued", "running", "done", "failed", "cancelled"] as const;
export type LeasedRunStatus = (typeof LEASED_RUN_STATUSES)[number];

/** The statuses in which a run still has work (and a job). */
export const ACTIVE_STATUSES: readonly LeasedRunStatus[] = ["queued", "running"];

/** The fields every leased run's record has. */
export type LeasedRunFields = {
  _id: string;
  status: LeasedRunStatus;
  /** Why the run failed. */
  failure: string | null;
  lease: string | null;
  leaseAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  cancelledBy: string | null;
};

/** The shared fields of a new record: queued, with an id `<prefix>_<20 hex digits>`. */
export function newLeasedRun(idPrefix: string, now: Date): LeasedRunFields {
  return {
    _id: `${idPrefix}_${randomUUID().replace(/-/g, "").slice(0, 20)}`,
    status: "queued",
    failure: null,
    lease: null,
    leaseAt: null,
    createdAt: now,
    updatedAt: now,
    startedAt: null,
    finishedAt: null,
    cancelledBy: null,
  };
}

/** The shared fields as the API shows them (instants as ISO strings, empty ones left out). */
export interface LeasedRunTimesView {
  failure?: string;
  cancelledBy?: string;
  createdAt: string;
  updatedAt: string;
  startedAt?: string;
  finishedAt?: string;
}

export function leasedRunTimesView(doc: LeasedRunFields): LeasedRunTimesView {
  return {
    ...(doc.failure ? { failure: doc.failure } : {}),
    ...(doc.cancelledBy ? { cancelledBy: doc.cancelledBy } : {}),
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
    ...(doc.startedAt ? { startedAt: doc.startedAt.toISOString() } : {}),
    ...(doc.finishedAt ? { finishedAt: doc.finishedAt.toISOString() } : {}),
  };
}

/** `done` of `total` in whole percent; with nothing to count, 100 once the run is `complete`. */
export function progressPercent(done: number, total: number, complete: boolean): number {
  if (total > 0) return Math.floor((done / total) * 100);
  return complete ? 100 : 0;
}

export interface LeasedRunsOptions<Doc extends LeasedRunFields> {
  collection: Collection<Doc>;
  scheduler: Scheduler;
  /** The scheduler job that runs a record, e.g. `bulk:run`. */
  job: string;
  /** The key of the record's id in the job's data, e.g. `bulkId`. */
  idKey: string;
  /** A lease not renewed for this long is taken over; also the job's lock lifetime. */
  leaseMs: number;
  clock: () => Date;
  /** What `cancel` throws for an unknown record, and for one that is already finished. */
  notFound: (id: string) => Error;
  notCancellable: (id: string, status: LeasedRunStatus) => Error;
}

/** A runner's claim on a record: its fresh lease id, the time, and the instant before which a lease is stale. */
export interface LeaseClaim {
  lease: string;
  now: Date;
  staleBefore: Date;
}

/** Runs one record: its id and a way to tell the scheduler the job is still alive. */
export type RunOne = (id: string, touch: () => Promise<void>) => Promise<void>;

/** The records of one kind of leased run and their scheduler job. */
export class LeasedRuns<Doc extends LeasedRunFields> {
  private readonly records: Collection<Doc>;
  private readonly leaseMs: number;
  private readonly opts: LeasedRunsOptions<Doc>;

  constructor(options: LeasedRunsOptions<Doc>) {
    this.opts = options;
    this.records = options.collection;
    this.leaseMs = options.leaseMs;
  }

  /** Creates the indexes, defines the job (running `run`) and queues the records left unfinished. */
  async init(run: RunOne): Promise<void> {
    const { job, idKey } = this.opts;
    await this.records.createIndex({ key: { createdAt: -1 }, name: "created" });
    await this.records.createIndex({ key: { status: 1 }, name: "status" });
    const handler: JobHandler<Record<string, unknown>> = async (scheduled) => {
      const id = scheduled.attrs.data?.[idKey];
      if (typeof id !== "string") throw new Error(`${job}: job data must be { ${idKey} }`);
      await run(id, () => scheduled.touch());
    };
    this.opts.scheduler.define(job, handler, { lockLifetime: this.leaseMs, concurrency: 2 });
    await this.resumeActive();
  }

  /** The start-up check: a job for every record left queued or running. */
  async resumeActive(): Promise<number> {
    const active = await this.records.find({ status: { $in: ACTIVE_STATUSES } }, { projection: { _id: 1 } });
    for (const r of active) await this.queue(r._id);
    return active.length;
  }

  /** Queues the record's job to run now. */
  async queue(id: string): Promise<void> {
    await this.opts.scheduler.now(this.opts.job, { [this.opts.idKey]: id });
  }

  /** Stores a new record and queues its job; a job that cannot be queued leaves the record failed (and throws). */
  async insertAndQueue(doc: Doc): Promise<void> {
    await this.records.insertOne(doc);
    try {
      await this.queue(doc._id);
    } catch (error) {
      const failure = `cannot queue the job: ${(error as Error).message}`;
      await this.records.updateOne(
        { _id: doc._id },
        { $set: { status: "failed", failure, updatedAt: this.opts.clock() } },
      );
      throw error;
    }
  }

  /** Cancels a queued or running record (its runner stops at its next check) and returns it as it is then. */
  async cancel(id: string, by: string): Promise<Doc> {
    const now = this.opts.clock();
    const after = await this.records.findOneAndUpdate(
      { _id: id, status: { $in: ACTIVE_STATUSES } },
      { $set: { status: "cancelled", cancelledBy: by, updatedAt: now, finishedAt: now } },
      { returnDocument: "after" },
    );
    if (after) return after;
    const doc = await this.records.findOne({ _id: id });
    if (!doc) throw this.opts.notFound(id);
    throw this.opts.notCancellable(id, doc.status);
  }

  /**
   * Takes the record's lease with `claim` (the kind's own update, which says when a record may be taken). When it is
   * not taken, another runner holds it (or held it when it died): the job runs again once that lease would be stale —
   * unless the record is finished by then — and the answer is null.
   */
  async acquire(
    id: string,
    claim: (claim: LeaseClaim) => Promise<Doc | null>,
  ): Promise<{ doc: Doc; lease: string } | null> {
    const now = this.opts.clock();
    const lease = randomUUID();
    const doc = await claim({ lease, now, staleBefore: new Date(now.getTime() - this.leaseMs) });
    if (doc) return { doc, lease };
    await this.lookAgainWhenStale(id);
    return null;
  }

  private async lookAgainWhenStale(id: string): Promise<void> {
    const held = await this.records.findOne({ _id: id });
    if (!held || !ACTIVE_STATUSES.includes(held.status) || !held.leaseAt) return;
    const when = new Date(Math.max(held.leaseAt.getTime() + this.leaseMs + 250, this.opts.clock().getTime() + 250));
    await this.opts.scheduler.schedule(when, this.opts.job, { [this.opts.idKey]: id });
  }

  /** Ends a run still held by `lease` with `set` (its final status and what goes with it), giving the lease up. */
  async finish(id: string, lease: string, set: Partial<Doc>): Promise<void> {
    const now = this.opts.clock();
    await this.records.updateOne(
      { _id: id, lease, status: "running" },
      { $set: { ...set, finishedAt: now, updatedAt: now, lease: null, leaseAt: null } },
    );
  }
}
