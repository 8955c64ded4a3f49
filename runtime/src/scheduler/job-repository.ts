// Agenda's JobRepository on the project's Store interface. Every method mirrors the semantics of
// @agendajs/mongo-backend's MongoJobRepository (same queries, same updates, same return values), so a
// job behaves identically whichever engine holds it. Job ids are the store's string `_id`s.

import type {
  JobId,
  JobParameters,
  JobRepository,
  JobRepositoryOptions,
  JobState,
  JobsOverview,
  JobsQueryOptions,
  JobsResult,
  JobsSort,
  JobWithState,
  RemoveJobsOptions,
  SortDirection,
} from "agenda";
import { computeJobState, datefields, toJobId } from "agenda";
import type { Collection, Doc, Filter, SortSpec, Store, Update, WithId } from "../store/types.ts";

export const DEFAULT_JOBS_COLLECTION = "scheduler_jobs";

/** The index the job processor's lookup (`getNextJobToRun`) runs on; same name as Agenda's MongoDB backend. */
export const LOCK_INDEX_NAME = "findAndLockNextJobIndex";

export interface StoreJobRepositoryOptions {
  /** Collection holding the jobs (default `scheduler_jobs`). */
  collection?: string;
  /** Order in which due jobs are picked (default: earliest `nextRunAt` first, then highest priority). */
  sort?: Record<string, SortDirection>;
  /** Create the lookup index on connect (default true). */
  ensureIndex?: boolean;
}

/** A job as stored: the JobParameters fields, absent values stored as null (as the MongoDB backend does). */
export type StoredJob = Doc & {
  name: string;
  priority?: number;
  nextRunAt?: Date | null;
  type?: "normal" | "single";
  data?: unknown;
  lockedAt?: Date | null;
  lastFinishedAt?: Date | null;
  failedAt?: Date | null;
  failCount?: number | null;
  failReason?: string | null;
  repeatTimezone?: string | null;
  lastRunAt?: Date | null;
  repeatInterval?: string | number | null;
  repeatAt?: string | null;
  disabled?: boolean | null;
  progress?: number | null;
  unique?: Record<string, unknown> | null;
  uniqueOpts?: JobParameters["uniqueOpts"] | null;
  lastModifiedBy?: string | null;
  fork?: boolean | null;
  debounceStartedAt?: Date | null;
  startDate?: Date | null;
  endDate?: Date | null;
  skipDays?: number[] | null;
};

const DATE_FIELDS: ReadonlySet<string> = new Set(datefields);

/** Operators that evaluate code or expressions; never allowed in a caller-supplied `unique` query. */
const BANNED_UNIQUE_OPERATORS = new Set(["$where", "$function", "$accumulator", "$expr"]);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Rejects server-side-evaluation operators anywhere in a `unique` constraint. */
export function assertSafeUniqueQuery(value: unknown): void {
  if (Array.isArray(value)) {
    for (const item of value) assertSafeUniqueQuery(item);
    return;
  }
  if (!isPlainObject(value)) return;
  for (const [key, child] of Object.entries(value)) {
    if (BANNED_UNIQUE_OPERATORS.has(key)) {
      throw new Error(`Unsafe operator "${key}" is not allowed in a unique() constraint`);
    }
    assertSafeUniqueQuery(child);
  }
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** `{ a: 1, b: { c: 2 } }` → `{ "data.a": 1, "data.b.c": 2 }`: partial matching on the data subdocument. */
function flattenDataFilter(data: Record<string, unknown>, prefix = "data"): Filter {
  const result: Filter = {};
  for (const [key, value] of Object.entries(data)) {
    const fullKey = `${prefix}.${key}`;
    if (isPlainObject(value)) Object.assign(result, flattenDataFilter(value, fullKey));
    else result[fullKey] = value;
  }
  return result;
}

function applyDataFilter(query: Filter, data: unknown): void {
  if (data === undefined) return;
  if (data !== null && typeof data === "object" && !Array.isArray(data)) {
    Object.assign(query, flattenDataFilter(data as Record<string, unknown>));
  } else {
    query.data = data;
  }
}

function stringNames(names: unknown): string[] {
  return Array.isArray(names) ? names.filter((n): n is string => typeof n === "string") : [];
}

function toDate(value: unknown): Date | undefined {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Date) return value;
  if (typeof value === "string" || typeof value === "number") {
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? undefined : date;
  }
  return undefined;
}

function optional<T>(value: T | null | undefined): T | undefined {
  return value ?? undefined;
}

/** Stored document → JobParameters (null → undefined, dates as Date). */
export function toJobParameters(doc: WithId<StoredJob>): JobParameters & { _id: JobId } {
  return {
    _id: toJobId(doc._id),
    name: doc.name,
    priority: doc.priority ?? 0,
    nextRunAt: toDate(doc.nextRunAt) ?? null,
    type: doc.type ?? "normal",
    data: doc.data,
    lockedAt: toDate(doc.lockedAt),
    lastFinishedAt: toDate(doc.lastFinishedAt),
    failedAt: toDate(doc.failedAt),
    failCount: optional(doc.failCount),
    failReason: optional(doc.failReason),
    repeatTimezone: optional(doc.repeatTimezone),
    lastRunAt: toDate(doc.lastRunAt),
    repeatInterval: optional(doc.repeatInterval),
    repeatAt: optional(doc.repeatAt),
    disabled: optional(doc.disabled),
    progress: optional(doc.progress),
    unique: optional(doc.unique),
    uniqueOpts: optional(doc.uniqueOpts),
    lastModifiedBy: optional(doc.lastModifiedBy),
    fork: optional(doc.fork),
    debounceStartedAt: toDate(doc.debounceStartedAt),
    startDate: toDate(doc.startDate),
    endDate: toDate(doc.endDate),
    skipDays: optional(doc.skipDays),
  };
}

/** A date-typed value as a Date (Agenda hands over Dates, but tolerate ISO strings), else null. */
function dateOrNull(value: unknown): Date | null {
  return toDate(value) ?? null;
}

function toSortSpec(sort: Record<string, SortDirection>): SortSpec {
  const spec: SortSpec = {};
  for (const [field, dir] of Object.entries(sort)) spec[field] = dir === "asc" ? 1 : -1;
  return spec;
}

function querySort(sort: JobsSort | undefined): SortSpec {
  const spec: SortSpec = {};
  if (sort) {
    for (const field of ["nextRunAt", "lastRunAt", "lastFinishedAt", "priority", "name", "data"] as const) {
      const dir = sort[field];
      if (dir !== undefined) spec[field] = dir === "asc" ? 1 : -1;
    }
  }
  return Object.keys(spec).length > 0 ? spec : { nextRunAt: -1, lastRunAt: -1 };
}

function withState(doc: WithId<StoredJob>, now: Date): JobWithState {
  const job = toJobParameters(doc);
  return { ...job, state: computeJobState(job, now) };
}

export class StoreJobRepository implements JobRepository {
  readonly collectionName: string;
  private readonly store: Store;
  private readonly sort: SortSpec;
  private readonly ensureIndex: boolean;
  private jobsCollection: Collection<StoredJob> | undefined;

  constructor(store: Store, options: StoreJobRepositoryOptions = {}) {
    this.store = store;
    this.collectionName = options.collection ?? DEFAULT_JOBS_COLLECTION;
    this.sort = toSortSpec(options.sort ?? { nextRunAt: "asc", priority: "desc" });
    this.ensureIndex = options.ensureIndex ?? true;
  }

  private get collection(): Collection<StoredJob> {
    if (!this.jobsCollection) throw new Error("job repository is not connected");
    return this.jobsCollection;
  }

  async connect(): Promise<void> {
    const collection = this.store.collection<StoredJob>(this.collectionName);
    if (this.ensureIndex) {
      await collection.createIndex({
        key: { name: 1, ...this.sort, priority: -1, lockedAt: 1, nextRunAt: 1, disabled: 1 },
        name: LOCK_INDEX_NAME,
      });
    }
    this.jobsCollection = collection;
  }

  async getJobById(id: string): Promise<JobParameters | null> {
    const doc = await this.collection.findOne({ _id: String(id) });
    return doc ? toJobParameters(doc) : null;
  }

  async queryJobs(options: JobsQueryOptions = {}): Promise<JobsResult> {
    const { name, names, state, id, ids, search, data, includeDisabled = true, sort, skip = 0, limit = 0 } = options;
    const now = new Date();
    const query: Filter = {};

    if (name && typeof name === "string") {
      query.name = name;
    } else {
      const validNames = stringNames(names);
      if (validNames.length > 0) query.name = { $in: validNames };
    }
    if (id && typeof id === "string") {
      query._id = id;
    } else {
      const validIds = stringNames(ids);
      if (validIds.length > 0) query._id = { $in: validIds };
    }
    if (search && typeof search === "string") {
      query.name = { $regex: escapeRegex(search), $options: "i" };
    }
    applyDataFilter(query, data);
    if (!includeDisabled) query.disabled = { $ne: true };

    const order = querySort(sort);

    // Without a state filter the state cannot exclude documents: paginate in the store.
    if (!state) {
      const findOptions: { sort: SortSpec; skip?: number; limit?: number } = { sort: order };
      if (skip > 0) findOptions.skip = skip;
      if (limit > 0) findOptions.limit = limit;
      const [page, total] = await Promise.all([
        this.collection.find(query, findOptions),
        this.collection.countDocuments(query),
      ]);
      return { jobs: page.map((doc) => withState(doc, now)), total };
    }

    // The state is computed here, so filter the whole result, then paginate.
    const all = await this.collection.find(query, { sort: order });
    let jobs = all
      .map((doc) => withState(doc, now))
      .filter((job) => (state === "paused" ? job.disabled === true : job.state === state));
    const total = jobs.length;
    if (limit > 0) jobs = jobs.slice(skip, skip + limit);
    else if (skip > 0) jobs = jobs.slice(skip);
    return { jobs, total };
  }

  async getJobsOverview(): Promise<JobsOverview[]> {
    const now = new Date();
    const docs = await this.collection.find({});
    const byName = new Map<string, JobsOverview>();
    for (const doc of docs) {
      let overview = byName.get(doc.name);
      if (!overview) {
        overview = {
          name: doc.name,
          total: 0,
          running: 0,
          scheduled: 0,
          queued: 0,
          completed: 0,
          failed: 0,
          repeating: 0,
          paused: 0,
        };
        byName.set(doc.name, overview);
      }
      const job = toJobParameters(doc);
      const state: JobState = computeJobState(job, now);
      overview.total++;
      overview[state]++;
      if (job.disabled === true) overview.paused++;
    }
    return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async getDistinctJobNames(): Promise<string[]> {
    const names = await this.collection.distinct("name");
    return names.filter((n): n is string => typeof n === "string");
  }

  async getQueueSize(): Promise<number> {
    return this.collection.countDocuments({ nextRunAt: { $lt: new Date() } });
  }

  /** The filter selected by RemoveJobsOptions, or null when the options select nothing. */
  private filterFromOptions(options: RemoveJobsOptions): Filter | null {
    const query: Filter = {};
    if (options.id) {
      query._id = String(options.id);
    } else if (Array.isArray(options.ids) && options.ids.length > 0) {
      query._id = { $in: options.ids.map((id) => String(id)) };
    }
    if (options.name && typeof options.name === "string") {
      query.name = options.name;
    } else if (stringNames(options.names).length > 0) {
      query.name = { $in: stringNames(options.names) };
    } else if (stringNames(options.notNames).length > 0) {
      query.name = { $nin: stringNames(options.notNames) };
    }
    applyDataFilter(query, options.data);
    return Object.keys(query).length > 0 ? query : null;
  }

  async removeJobs(options: RemoveJobsOptions): Promise<number> {
    const query = this.filterFromOptions(options);
    if (!query) return 0;
    const result = await this.collection.deleteMany(query);
    return result.deletedCount;
  }

  async disableJobs(options: RemoveJobsOptions): Promise<number> {
    const query = this.filterFromOptions(options);
    if (!query) return 0;
    const result = await this.collection.updateMany(query, { $set: { disabled: true } });
    return result.modifiedCount;
  }

  async enableJobs(options: RemoveJobsOptions): Promise<number> {
    const query = this.filterFromOptions(options);
    if (!query) return 0;
    const result = await this.collection.updateMany(query, { $set: { disabled: false } });
    return result.modifiedCount;
  }

  async purgeAllJobs(): Promise<number> {
    const result = await this.collection.deleteMany({});
    return result.deletedCount;
  }

  async unlockJob(job: JobParameters): Promise<void> {
    if (!job._id) return;
    // Only jobs that are not being processed (a one-off job's nextRunAt is null while it runs).
    await this.collection.updateOne({ _id: String(job._id), nextRunAt: { $ne: null } }, { $unset: { lockedAt: "" } });
  }

  async unlockJobs(jobIds: (JobId | string)[]): Promise<void> {
    if (jobIds.length === 0) return;
    // Regardless of nextRunAt: used on stop, when a running one-off job has nextRunAt null.
    await this.collection.updateMany({ _id: { $in: jobIds.map((id) => String(id)) } }, { $unset: { lockedAt: "" } });
  }

  async lockJob(job: JobParameters, options: JobRepositoryOptions | undefined): Promise<JobParameters | undefined> {
    if (!job._id) return undefined;
    const result = await this.collection.findOneAndUpdate(
      {
        _id: String(job._id),
        name: job.name,
        lockedAt: null,
        nextRunAt: job.nextRunAt ?? null,
        disabled: { $ne: true },
      },
      { $set: { lockedAt: new Date(), lastModifiedBy: options?.lastModifiedBy ?? null } },
      { returnDocument: "after", sort: this.sort },
    );
    return result ? toJobParameters(result) : undefined;
  }

  async getNextJobToRun(
    jobName: string,
    nextScanAt: Date,
    lockDeadline: Date,
    now: Date | undefined,
    options: JobRepositoryOptions | undefined,
  ): Promise<JobParameters | undefined> {
    const result = await this.collection.findOneAndUpdate(
      {
        name: jobName,
        disabled: { $ne: true },
        $or: [
          // unlocked and due before the next scan
          { lockedAt: { $eq: null }, nextRunAt: { $lte: nextScanAt } },
          // or locked so long ago that the lock has expired (its worker died or hung)
          { lockedAt: { $lte: lockDeadline } },
        ],
      },
      { $set: { lockedAt: now ?? new Date(), lastModifiedBy: options?.lastModifiedBy ?? null } },
      { returnDocument: "after", sort: this.sort },
    );
    return result ? toJobParameters(result) : undefined;
  }

  async saveJobState(job: JobParameters, options: JobRepositoryOptions | undefined): Promise<void> {
    if (!job._id) throw new Error("Cannot save job state without job ID");
    const $set = {
      lockedAt: dateOrNull(job.lockedAt),
      nextRunAt: dateOrNull(job.nextRunAt),
      lastRunAt: dateOrNull(job.lastRunAt),
      progress: job.progress ?? null,
      failReason: job.failReason ?? null,
      failCount: job.failCount ?? null,
      failedAt: dateOrNull(job.failedAt),
      lastFinishedAt: dateOrNull(job.lastFinishedAt),
      lastModifiedBy: options?.lastModifiedBy ?? null,
    };
    const result = await this.collection.updateOne({ _id: String(job._id), name: job.name }, { $set });
    if (result.matchedCount !== 1) {
      throw new Error(
        `job ${job._id} (name: ${job.name}) cannot be updated in the database, maybe it does not exist anymore?`,
      );
    }
  }

  async saveJob<DATA = unknown>(
    job: JobParameters<DATA>,
    options: JobRepositoryOptions | undefined,
  ): Promise<JobParameters<DATA>> {
    const { _id, unique, uniqueOpts, ...props } = job;
    // Every optional field is written, absent ones as null, exactly as the MongoDB backend stores them.
    const fields: Record<string, unknown> = {
      ...props,
      lockedAt: props.lockedAt ?? null,
      lastFinishedAt: props.lastFinishedAt ?? null,
      failedAt: props.failedAt ?? null,
      failCount: props.failCount ?? null,
      failReason: props.failReason ?? null,
      repeatTimezone: props.repeatTimezone ?? null,
      lastRunAt: props.lastRunAt ?? null,
      repeatInterval: props.repeatInterval ?? null,
      repeatAt: props.repeatAt ?? null,
      disabled: props.disabled ?? null,
      progress: props.progress ?? null,
      debounceStartedAt: props.debounceStartedAt ?? null,
      fork: props.fork ?? null,
      startDate: props.startDate ?? null,
      endDate: props.endDate ?? null,
      skipDays: props.skipDays ?? null,
      lastModifiedBy: options?.lastModifiedBy ?? null,
    };
    for (const key of Object.keys(fields)) {
      if (fields[key] === undefined) delete fields[key];
      else if (DATE_FIELDS.has(key) && fields[key] !== null) fields[key] = dateOrNull(fields[key]);
    }
    const now = new Date();
    const asResult = (doc: WithId<StoredJob>) => toJobParameters(doc) as JobParameters<DATA>;

    // An existing job: update it in place (a job removed meanwhile is returned unchanged).
    if (_id) {
      const result = await this.collection.findOneAndUpdate(
        { _id: String(_id), name: props.name },
        { $set: fields },
        { returnDocument: "after" },
      );
      return result ? asResult(result) : job;
    }

    // 'single' (every()): one job per name. A due nextRunAt never overwrites the stored one,
    // so re-declaring a recurring job keeps its schedule.
    if (props.type === "single") {
      const update: Update = { $set: fields };
      if (props.nextRunAt && props.nextRunAt <= now) {
        delete fields.nextRunAt;
        update.$setOnInsert = { nextRunAt: props.nextRunAt };
      }
      const result = await this.collection.findOneAndUpdate({ name: props.name, type: "single" }, update, {
        upsert: true,
        returnDocument: "after",
      });
      if (!result) throw new Error(`upsert of single job ${props.name} returned no document`);
      return asResult(result);
    }

    // unique(): upsert on the caller's constraint (optionally insert-only or debounced).
    if (unique) {
      assertSafeUniqueQuery(unique);
      const query: Filter = { ...unique, name: props.name };
      const debounce = uniqueOpts?.debounce;
      let update: Update = uniqueOpts?.insertOnly && !debounce ? { $setOnInsert: fields } : { $set: fields };

      if (debounce) {
        const existing = await this.collection.findOne(query);
        if (existing) {
          const debounceStartedAt = toDate(existing.debounceStartedAt) ?? now;
          const sinceStart = now.getTime() - debounceStartedAt.getTime();
          if (debounce.strategy === "leading") {
            // Leading: the job keeps its original run time; only its fields are refreshed.
            const result = await this.collection.findOneAndUpdate(
              query,
              { $set: { ...fields, nextRunAt: existing.nextRunAt ?? null, debounceStartedAt } },
              { returnDocument: "after" },
            );
            if (!result) throw new Error(`debounced job ${props.name} vanished during update`);
            return asResult(result);
          }
          // Trailing: push the run back by the delay, unless maxWait forces it now.
          if (debounce.maxWait && sinceStart >= debounce.maxWait) {
            fields.nextRunAt = now;
            fields.debounceStartedAt = null;
          } else {
            fields.nextRunAt = new Date(now.getTime() + debounce.delay);
            fields.debounceStartedAt = debounceStartedAt;
          }
          const result = await this.collection.findOneAndUpdate(query, { $set: fields }, { returnDocument: "after" });
          if (!result) throw new Error(`debounced job ${props.name} vanished during update`);
          return asResult(result);
        }
        // A new debounced job.
        if (debounce.strategy === "leading") {
          fields.debounceStartedAt = now;
        } else {
          fields.nextRunAt = new Date(now.getTime() + debounce.delay);
          fields.debounceStartedAt = now;
        }
        update = { $set: fields };
      }

      const result = await this.collection.findOneAndUpdate(query, update, {
        upsert: true,
        returnDocument: "after",
      });
      if (!result) throw new Error(`upsert of unique job ${props.name} returned no document`);
      return asResult(result);
    }

    // A plain new job.
    const { insertedId } = await this.collection.insertOne(fields as StoredJob);
    return asResult({ ...(fields as StoredJob), _id: insertedId });
  }
}
