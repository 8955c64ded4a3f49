// Bulk actions: reprocess thousands of sessions — a drop-out case, explicit session ids, or a filter — after fixing
// rules or master data, optionally with an instruction (use ruleset X, treat token as Y, accept the CPO's price,
// write off, reject). A bulk action is a stored record with its progress; the work runs as the scheduler job
// `bulk:run` in chunks, and every session's completion is recorded in `bulk_action_items` (one document per action
// and session, unique by its id) before the progress is persisted, so a restart loses nothing and processes no
// session twice:
//
// - the selection is frozen into items (pending) before the first session is processed;
// - an item is marked `running` (with the session's revision number then) before its session is reprocessed, and
//   `done` with the outcome after; an item found `running` on resume is resolved by looking for the revision this
//   action made (its reason names the action), so a session whose revision was recorded is not reprocessed again;
// - one runner at a time holds the action's lease (renewed as it works; taken over when stale), as for every leased
//   run (../scheduler/leased-runs.ts);
// - when the scheduler stops mid-run, the runner finishes the session in hand, queues a follow-up `bulk:run` and
//   returns; after a crash, the scheduler takes the job over once its lock is stale.
import { type Collection, DuplicateKeyError, type Filter, type Store } from "@voltrate/sdk";
import type { Logger } from "../logging/logger.ts";
import { type Pipeline, SessionNotFoundError } from "../pipeline/pipeline.ts";
import type { SessionDoc, SessionQuery } from "../pipeline/records.ts";
import { describeInstruction, type Instruction, type SessionStatus } from "../pipeline/vocabulary.ts";
import type { Scheduler } from "../scheduler/index.ts";
import {
  ACTIVE_STATUSES,
  type LeaseClaim,
  type LeasedRunFields,
  type LeasedRunStatus,
  LeasedRuns,
  type LeasedRunTimesView,
  leasedRunTimesView,
  newLeasedRun,
  progressPercent,
} from "../scheduler/leased-runs.ts";

export const BULK_ACTIONS_COLLECTION = "bulk_actions";
export const BULK_ITEMS_COLLECTION = "bulk_action_items";
export const BULK_RUN_JOB = "bulk:run";

/** Errors kept on the action (the items keep every one). */
export const MAX_LISTED_ERRORS = 100;

export type BulkStatus = LeasedRunStatus;

/** Which sessions: the sessions of a drop-out case (when the action starts), explicit ids, or a filter. */
export type BulkSelection =
  | { caseId: string }
  | { sessionIds: string[] }
  | {
      filter: {
        status?: SessionStatus;
        party?: string;
        administrationId?: string;
        caseId?: string;
        /** Session start from (inclusive) / to (exclusive), ISO 8601. */
        from?: string;
        to?: string;
      };
    };

export type BulkError = { sessionId: string; message: string };

export type BulkActionDoc = LeasedRunFields & {
  selection: BulkSelection;
  action: "reprocess";
  instruction: Instruction | null;
  reason: string;
  requestedBy: string;
  /** Sessions selected (known once the selection is frozen; 0 before). */
  total: number;
  processed: number;
  /** Priced, written off or rejected by this action. */
  succeeded: number;
  /** Still dropped out after the reprocess. */
  stillFailing: number;
  /** Left out: no longer in the case when their turn came. */
  skipped: number;
  /** Could not be reprocessed (unknown session, unexpected error). */
  errorCount: number;
  /** The first errors (at most MAX_LISTED_ERRORS). */
  errors: BulkError[];
  /** The selection has been frozen into items. */
  materialized: boolean;
};

export type BulkItemOutcome = "succeeded" | "still-failing" | "skipped" | "error";

export type BulkItemDoc = {
  /** "<action id>:<session id>": one per action and session. */
  _id: string;
  bulkId: string;
  sessionId: string;
  status: "pending" | "running" | "done";
  /** The session's revision number when its reprocess began. */
  revisionBefore: number | null;
  outcome: BulkItemOutcome | null;
  revisionId: string | null;
  sessionStatus: SessionStatus | null;
  error: string | null;
  updatedAt: Date;
};

/** A bulk action as the API shows it. */
export interface BulkActionView extends LeasedRunTimesView {
  id: string;
  selection: BulkSelection;
  action: "reprocess";
  instruction?: Instruction;
  instructionText?: string;
  reason: string;
  requestedBy: string;
  status: BulkStatus;
  total: number;
  processed: number;
  succeeded: number;
  stillFailing: number;
  skipped: number;
  errorCount: number;
  errors: BulkError[];
  /** processed / total in percent (0 decimals; 100 when done with nothing to do). */
  progress: number;
}

export interface BulkRequest {
  selection: BulkSelection;
  instruction?: Instruction;
  reason: string;
  requestedBy: string;
}

export interface BulkActionsOptions {
  store: Store;
  pipeline: Pipeline;
  scheduler: Scheduler;
  logger?: Pick<Logger, "error" | "warn" | "info">;
  /** Sessions per chunk (progress is persisted after each); default 50. */
  chunkSize?: number;
  /** A runner's lease is taken over when not renewed for this long; default 60 s (also the job's lock lifetime). */
  leaseMs?: number;
  /** Called before each session is reprocessed (tests). */
  beforeSession?: (bulkId: string, sessionId: string) => Promise<void> | void;
  now?: () => Date;
}

export class BulkActionNotFoundError extends Error {
  override name = "BulkActionNotFoundError";
}

export class BulkActionStateError extends Error {
  override name = "BulkActionStateError";
}

/** What a revision's reason says so that its action can be recognised on resume. */
export function bulkReasonOf(doc: Pick<BulkActionDoc, "_id" | "reason" | "requestedBy">): string {
  return `${doc.reason} (bulk action ${doc._id}, requested by ${doc.requestedBy})`;
}

export function viewOf(doc: BulkActionDoc): BulkActionView {
  const progress = progressPercent(doc.processed, doc.total, doc.status === "done" && doc.materialized);
  return {
    id: doc._id,
    selection: doc.selection,
    action: doc.action,
    ...(doc.instruction ? { instruction: doc.instruction, instructionText: describeInstruction(doc.instruction) } : {}),
    reason: doc.reason,
    requestedBy: doc.requestedBy,
    status: doc.status,
    total: doc.total,
    processed: doc.processed,
    succeeded: doc.succeeded,
    stillFailing: doc.stillFailing,
    skipped: doc.skipped,
    errorCount: doc.errorCount,
    errors: doc.errors,
    progress,
    ...leasedRunTimesView(doc),
  };
}

type Tally = { succeeded: number; stillFailing: number; skipped: number; errorCount: number };

const TALLY_KEY: Record<BulkItemOutcome, keyof Tally> = {
  succeeded: "succeeded",
  "still-failing": "stillFailing",
  skipped: "skipped",
  error: "errorCount",
};

export class BulkActions {
  readonly actions: Collection<BulkActionDoc>;
  readonly items: Collection<BulkItemDoc>;
  private readonly leased: LeasedRuns<BulkActionDoc>;
  private readonly opts: BulkActionsOptions;
  private readonly chunkSize: number;
  private readonly leaseMs: number;
  private readonly clock: () => Date;

  constructor(options: BulkActionsOptions) {
    this.opts = options;
    this.actions = options.store.collection<BulkActionDoc>(BULK_ACTIONS_COLLECTION);
    this.items = options.store.collection<BulkItemDoc>(BULK_ITEMS_COLLECTION);
    this.chunkSize = options.chunkSize ?? 50;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.clock = options.now ?? (() => new Date());
    this.leased = new LeasedRuns({
      collection: this.actions,
      scheduler: options.scheduler,
      job: BULK_RUN_JOB,
      idKey: "bulkId",
      leaseMs: this.leaseMs,
      clock: this.clock,
      notFound: (id) => new BulkActionNotFoundError(`no bulk action ${id}`),
      notCancellable: (id, status) =>
        new BulkActionStateError(`bulk action ${id} is ${status}; only a queued or running action can be cancelled`),
    });
  }

  /** Creates the indexes and defines the `bulk:run` job (before or after the scheduler starts). */
  async init(): Promise<void> {
    await this.items.createIndex({ key: { bulkId: 1, status: 1 }, name: "bulk_status" });
    await this.leased.init((bulkId, touch) => this.run(bulkId, touch));
  }

  /**
   * The start-up check: queues a run for every action left queued or running, should its job have been lost (a
   * run that finds another runner's lease fresh looks again later; one that finds the action finished does nothing).
   */
  resumeActive(): Promise<number> {
    return this.leased.resumeActive();
  }

  /** Records a bulk action (queued) and queues its job. */
  async create(request: BulkRequest): Promise<BulkActionView> {
    const doc: BulkActionDoc = {
      ...newLeasedRun("bulk", this.clock()),
      selection: request.selection,
      action: "reprocess",
      instruction: request.instruction ?? null,
      reason: request.reason,
      requestedBy: request.requestedBy,
      total: 0,
      processed: 0,
      succeeded: 0,
      stillFailing: 0,
      skipped: 0,
      errorCount: 0,
      errors: [],
      materialized: false,
    };
    await this.leased.insertAndQueue(doc);
    return viewOf(doc);
  }

  async get(id: string): Promise<BulkActionView | null> {
    const doc = await this.actions.findOne({ _id: id });
    return doc ? viewOf(doc) : null;
  }

  async list(query: { status?: BulkStatus; limit?: number; offset?: number }) {
    const filter: Filter = query.status ? { status: query.status } : {};
    const [docs, total] = await Promise.all([
      this.actions.find(filter, { sort: { createdAt: -1, _id: 1 }, skip: query.offset ?? 0, limit: query.limit ?? 50 }),
      this.actions.countDocuments(filter),
    ]);
    return { items: docs.map(viewOf), total };
  }

  /** Cancels a queued or running action: the session in hand is finished, the rest is left alone. */
  async cancel(id: string, by: string): Promise<BulkActionView> {
    return viewOf(await this.leased.cancel(id, by));
  }

  /**
   * Runs (or resumes) an action: takes its lease, freezes the selection, processes the pending items chunk by
   * chunk. Returns when done, cancelled, when another runner holds the lease, or when the scheduler stops.
   */
  async run(bulkId: string, touch: () => Promise<void> = async () => {}): Promise<void> {
    const taken = await this.leased.acquire(bulkId, (claim) => this.takeLease(bulkId, claim));
    if (!taken) return;
    const { doc, lease } = taken;
    try {
      if (!doc.materialized) await this.materialize(doc);
      await this.resolveInterrupted(doc);
      await this.recount(bulkId);
      let lastTouch = Date.now();
      for (;;) {
        const pending = await this.items.find(
          { bulkId, status: "pending" },
          { sort: { _id: 1 }, limit: this.chunkSize },
        );
        if (pending.length === 0) break;
        const tally: Tally = { succeeded: 0, stillFailing: 0, skipped: 0, errorCount: 0 };
        let stop: "cancelled" | "stopping" | "lost" | null = null;
        for (const item of pending) {
          stop = await this.shouldStop(bulkId, lease);
          if (stop) break;
          const outcome = await this.processItem(doc, item);
          tally[TALLY_KEY[outcome]]++;
          if (Date.now() - lastTouch > this.leaseMs / 4) {
            await touch();
            await this.renew(bulkId, lease);
            lastTouch = Date.now();
          }
        }
        await this.persist(bulkId, lease, tally);
        await touch();
        lastTouch = Date.now();
        if (stop === "stopping") {
          // The scheduler is stopping: leave the rest to a follow-up run (queued now, run after the restart).
          await this.release(bulkId, lease);
          await this.leased.queue(bulkId);
          return;
        }
        if (stop) {
          await this.release(bulkId, lease);
          return;
        }
      }
      await this.leased.finish(bulkId, lease, { status: "done" });
      this.opts.logger?.info({ bulkId }, "bulk action done");
    } catch (error) {
      if (!this.opts.scheduler.state().running) throw error;
      this.opts.logger?.error({ err: error, bulkId }, "bulk action failed");
      await this.leased
        .finish(bulkId, lease, { status: "failed", failure: (error as Error)?.message ?? String(error) })
        .catch(() => {});
      throw error;
    }
  }

  private async takeLease(bulkId: string, { lease, now, staleBefore }: LeaseClaim): Promise<BulkActionDoc | null> {
    const doc = await this.actions.findOneAndUpdate(
      { _id: bulkId, status: { $in: ACTIVE_STATUSES }, $or: [{ lease: null }, { leaseAt: { $lt: staleBefore } }] },
      { $set: { status: "running", lease, leaseAt: now, updatedAt: now } },
      { returnDocument: "after" },
    );
    if (doc && !doc.startedAt) await this.actions.updateOne({ _id: bulkId }, { $set: { startedAt: now } });
    return doc;
  }

  private async renew(bulkId: string, lease: string): Promise<void> {
    await this.actions.updateOne({ _id: bulkId, lease }, { $set: { leaseAt: this.clock() } });
  }

  private async release(bulkId: string, lease: string): Promise<void> {
    await this.actions.updateOne({ _id: bulkId, lease }, { $set: { lease: null, leaseAt: null } });
  }

  private async shouldStop(bulkId: string, lease: string): Promise<"cancelled" | "stopping" | "lost" | null> {
    if (!this.opts.scheduler.state().running) return "stopping";
    const doc = await this.actions.findOne({ _id: bulkId }, { projection: { status: 1, lease: 1 } });
    if (!doc || doc.status === "cancelled") return "cancelled";
    if (doc.lease !== lease) return "lost";
    return null;
  }

  /** Freezes the selection into pending items (resumable: items already there are kept). */
  private async materialize(doc: BulkActionDoc): Promise<void> {
    const now = this.clock();
    const insert = async (sessionIds: string[]) => {
      const docs: BulkItemDoc[] = sessionIds.map((sessionId) => ({
        _id: `${doc._id}:${sessionId}`,
        bulkId: doc._id,
        sessionId,
        status: "pending",
        revisionBefore: null,
        outcome: null,
        revisionId: null,
        sessionStatus: null,
        error: null,
        updatedAt: now,
      }));
      if (docs.length === 0) return;
      try {
        await this.items.insertMany(docs);
      } catch (error) {
        if (!(error instanceof DuplicateKeyError)) throw error;
        // Resumed while freezing: insert the rest one by one.
        for (const d of docs) {
          try {
            await this.items.insertOne(d);
          } catch (e) {
            if (!(e instanceof DuplicateKeyError)) throw e;
          }
        }
      }
    };
    const selection = doc.selection;
    if ("sessionIds" in selection) {
      const unique = [...new Set(selection.sessionIds)];
      for (let i = 0; i < unique.length; i += 500) await insert(unique.slice(i, i + 500));
    } else {
      const filter = this.opts.pipeline.records.filterOf(queryOf(selection));
      const sessions = this.opts.pipeline.records.sessions;
      let after: string | null = null;
      for (;;) {
        const page: SessionDoc[] = await sessions.find(
          after === null ? filter : { $and: [filter, { _id: { $gt: after } }] },
          {
            sort: { _id: 1 },
            limit: 500,
            projection: { _id: 1 },
          },
        );
        if (page.length === 0) break;
        await insert(page.map((s) => s._id));
        after = page[page.length - 1]?._id ?? null;
      }
    }
    const total = await this.items.countDocuments({ bulkId: doc._id });
    await this.actions.updateOne({ _id: doc._id }, { $set: { materialized: true, total, updatedAt: this.clock() } });
  }

  /**
   * Items left `running` by an interrupted run: done when the session has the revision this action made (its reason
   * names the action), pending again otherwise.
   */
  private async resolveInterrupted(doc: BulkActionDoc): Promise<void> {
    const marker = `bulk action ${doc._id},`;
    const running = await this.items.find({ bulkId: doc._id, status: "running" });
    for (const item of running) {
      const revisions = await this.opts.pipeline.records.revisionsOf(item.sessionId);
      const made = revisions.find((r) => r.revision > (item.revisionBefore ?? 0) && r.reason?.includes(marker));
      if (made) {
        await this.items.updateOne(
          { _id: item._id },
          {
            $set: {
              status: "done",
              outcome: made.outcome === "dropped-out" ? "still-failing" : "succeeded",
              revisionId: made.id,
              sessionStatus: made.outcome,
              updatedAt: this.clock(),
            },
          },
        );
      } else {
        await this.items.updateOne({ _id: item._id }, { $set: { status: "pending", updatedAt: this.clock() } });
      }
    }
  }

  private async processItem(doc: BulkActionDoc, item: BulkItemDoc): Promise<BulkItemOutcome> {
    const pipeline = this.opts.pipeline;
    const head = await pipeline.records.head(item.sessionId);
    const finish = async (set: Partial<BulkItemDoc>) => {
      await this.items.updateOne({ _id: item._id }, { $set: { status: "done", ...set, updatedAt: this.clock() } });
    };
    if (!head) {
      await finish({ outcome: "error", error: `no session ${item.sessionId}` });
      return "error";
    }
    const caseId = "caseId" in doc.selection ? doc.selection.caseId : undefined;
    if (caseId !== undefined && (head.status !== "dropped-out" || head.dropOut?.caseId !== caseId)) {
      await finish({ outcome: "skipped", sessionStatus: head.status });
      return "skipped";
    }
    await this.items.updateOne(
      { _id: item._id },
      { $set: { status: "running", revisionBefore: head.currentRevision, updatedAt: this.clock() } },
    );
    await this.opts.beforeSession?.(doc._id, item.sessionId);
    try {
      const result = await pipeline.reprocess(item.sessionId, doc.instruction ?? undefined, bulkReasonOf(doc));
      const outcome: BulkItemOutcome = result.revision.outcome === "dropped-out" ? "still-failing" : "succeeded";
      await finish({ outcome, revisionId: result.revision.id, sessionStatus: result.revision.outcome });
      return outcome;
    } catch (error) {
      if (!(error instanceof SessionNotFoundError) && !this.opts.scheduler.state().running) throw error;
      if (!(error instanceof SessionNotFoundError))
        this.opts.logger?.error({ err: error, bulkId: doc._id, sessionId: item.sessionId }, "bulk reprocess failed");
      await finish({ outcome: "error", error: (error as Error)?.message ?? String(error) });
      return "error";
    }
  }

  /** Adds a chunk's tally to the action's progress. */
  private async persist(bulkId: string, lease: string, tally: Tally): Promise<void> {
    const processed = tally.succeeded + tally.stillFailing + tally.skipped + tally.errorCount;
    const set: Record<string, unknown> = { updatedAt: this.clock(), leaseAt: this.clock() };
    if (tally.errorCount > 0) set.errors = await this.listedErrors(bulkId);
    await this.actions.updateOne({ _id: bulkId, lease }, { $inc: { processed, ...tally }, $set: set });
  }

  private async listedErrors(bulkId: string): Promise<BulkError[]> {
    const items = await this.items.find({ bulkId, outcome: "error" }, { sort: { _id: 1 }, limit: MAX_LISTED_ERRORS });
    return items.map((i) => ({ sessionId: i.sessionId, message: i.error ?? "error" }));
  }

  /** Sets the progress from the items (the truth after an interruption). */
  private async recount(bulkId: string): Promise<void> {
    const rows = await this.items.aggregate<{ _id: BulkItemOutcome | null; n: number }>([
      { $match: { bulkId, status: "done" } },
      { $group: { _id: "$outcome", n: { $sum: 1 } } },
    ]);
    const n = (o: BulkItemOutcome) => rows.find((r) => r._id === o)?.n ?? 0;
    const tally: Tally = {
      succeeded: n("succeeded"),
      stillFailing: n("still-failing"),
      skipped: n("skipped"),
      errorCount: n("error"),
    };
    await this.actions.updateOne(
      { _id: bulkId },
      {
        $set: {
          ...tally,
          processed: tally.succeeded + tally.stillFailing + tally.skipped + tally.errorCount,
          errors: await this.listedErrors(bulkId),
          updatedAt: this.clock(),
        },
      },
    );
  }
}

function queryOf(selection: Exclude<BulkSelection, { sessionIds: string[] }>): SessionQuery {
  if ("caseId" in selection) return { status: "dropped-out", caseId: selection.caseId };
  const f = selection.filter;
  return {
    ...(f.status ? { status: f.status } : {}),
    ...(f.party ? { party: f.party } : {}),
    ...(f.administrationId ? { administrationId: f.administrationId } : {}),
    ...(f.caseId ? { caseId: f.caseId } : {}),
    ...(f.from ? { from: new Date(f.from) } : {}),
    ...(f.to ? { to: new Date(f.to) } : {}),
  };
}
