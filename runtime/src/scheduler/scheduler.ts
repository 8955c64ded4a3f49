// The scheduler: one Agenda instance per process, on MongoDB (Agenda's own MongoBackend) when a MongoDB URL
// is configured, on the embedded store (EmbeddedBackend) otherwise.
//
// Agenda connects its backend from its constructor and does not handle a failed connection, so Agenda is
// given a gate: a backend whose connect() resolves once this wrapper has connected the real backend itself.
// A connection failure thus rejects start() (or schedule(), …) with a SchedulerError and never surfaces as
// an unhandled rejection.

import { hostname } from "node:os";
import { MongoBackend } from "@agendajs/mongo-backend";
import type {
  AgendaBackend,
  BackoffStrategy,
  Job,
  JobId,
  JobParameters,
  JobRepository,
  JobRepositoryOptions,
  JobsOverview,
  JobsQueryOptions,
  JobsResult,
  RemoveJobsOptions,
} from "agenda";
import { Agenda, InMemoryNotificationChannel } from "agenda";
import type { Logger } from "pino";
import type { Store } from "../store/types.ts";
import { EmbeddedBackend } from "./embedded-backend.ts";
import { DEFAULT_JOBS_COLLECTION } from "./job-repository.ts";

export type SchedulerBackendKind = "embedded" | "mongodb";

export type SchedulerLogger = Pick<Logger, "debug" | "info" | "warn" | "error">;

export interface SchedulerOptions {
  store: Store;
  /** When set, jobs live in MongoDB (collection `collection`) through Agenda's MongoDB backend. */
  mongodbUrl?: string;
  logger: SchedulerLogger;
  /** Identifies this worker (stored as lastModifiedBy); default `voltrate-<host>-<pid>`. */
  name?: string;
  /** Jobs collection (default `scheduler_jobs`). */
  collection?: string;
  /** How often due jobs are looked up: milliseconds or a human interval (default 5000). */
  processEvery?: number | string;
  /** How long a lock holds before another worker may take the job over (default 10 minutes). */
  defaultLockLifetime?: number;
  /** Jobs running at once in this process (default 20). */
  maxConcurrency?: number;
  /** Jobs of one name running at once in this process (default 5). */
  defaultConcurrency?: number;
  /** How long stop() waits for running jobs before releasing them (default 30 s). */
  stopTimeoutMs?: number;
}

export type JobHandler<DATA = unknown> = (job: Job<DATA>) => Promise<void> | void;

export interface DefineOptions {
  concurrency?: number;
  lockLimit?: number;
  /** Milliseconds; a job locked longer than this is considered abandoned and run again. */
  lockLifetime?: number;
  priority?: number | "lowest" | "low" | "normal" | "high" | "highest";
  /** Automatic retries after a failure (Agenda's backoff strategies). */
  backoff?: BackoffStrategy;
  /** Delete a one-off job once it has succeeded. */
  removeOnComplete?: boolean;
}

export interface EveryOptions {
  timezone?: string;
  /** Do not run right away; first run one interval from now. */
  skipImmediate?: boolean;
  startDate?: Date;
  endDate?: Date;
  /** Days of week (0 = Sunday) on which the job does not run. */
  skipDays?: number[];
}

export interface ScheduledJob<DATA = unknown> {
  id: string;
  name: string;
  nextRunAt: Date | null;
  data: DATA;
  repeatInterval?: string | number;
}

/** Which jobs cancel(), disable() and enable() act on; an empty selection selects nothing. */
export type JobSelection = RemoveJobsOptions;

export type JobCounts = Omit<JobsOverview, "name">;

export type SchedulerState = {
  backend: SchedulerBackendKind;
  running: boolean;
  connected: boolean;
  lastError?: string;
  lastErrorAt?: string;
  /** Totals by state over all jobs, as last counted (see jobsCountedAt); absent until first counted. */
  jobs?: JobCounts;
  jobsCountedAt?: string;
};

export interface StopOptions {
  /** Overrides SchedulerOptions.stopTimeoutMs. */
  timeoutMs?: number;
}

export interface Scheduler {
  readonly backend: SchedulerBackendKind;
  define<DATA = unknown>(name: string, handler: JobHandler<DATA>, options?: DefineOptions): void;
  /** A one-off job at `when`. */
  schedule<DATA = unknown>(when: Date, name: string, data: DATA): Promise<ScheduledJob<DATA>>;
  /** A recurring job (one per name): `interval` is milliseconds, a human interval ("5 minutes") or cron. */
  every<DATA = unknown>(
    interval: string | number,
    name: string,
    data?: DATA,
    options?: EveryOptions,
  ): Promise<ScheduledJob<DATA>>;
  /** A one-off job due immediately. */
  now<DATA = unknown>(name: string, data?: DATA): Promise<ScheduledJob<DATA>>;
  /** Removes the selected jobs; returns how many. */
  cancel(selection: JobSelection): Promise<number>;
  disable(selection: JobSelection): Promise<number>;
  enable(selection: JobSelection): Promise<number>;
  jobs(query?: JobsQueryOptions): Promise<JobsResult>;
  /** Connects and starts processing. Rejects with a SchedulerError when the backend is unreachable. */
  start(): Promise<void>;
  /** Stops processing, waits for running jobs (up to the timeout), unlocks what it still holds, disconnects. */
  stop(options?: StopOptions): Promise<void>;
  /**
   * Synchronous snapshot for health checks. Job counts come from the last count; a call finding them
   * older than a second starts a recount in the background.
   */
  state(): SchedulerState;
  /** Recounts the jobs now, then returns state(). */
  refreshState(): Promise<SchedulerState>;
}

export class SchedulerError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "SchedulerError";
    this.code = code;
  }
}

const COUNT_TIMEOUT_MS = 2_000;
const COUNT_MAX_AGE_MS = 1_000;

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

/** A MongoDB URL fit for messages: the password is masked. */
export function redactMongoUrl(url: string): string {
  return url.replace(/^([a-z+]+:\/\/[^:/@]*):[^@/]*@/i, "$1:***@");
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function toScheduledJob<DATA>(job: Job<DATA>): ScheduledJob<DATA> {
  const attrs = job.attrs;
  const scheduled: ScheduledJob<DATA> = {
    id: String(attrs._id),
    name: attrs.name,
    nextRunAt: attrs.nextRunAt ?? null,
    data: attrs.data,
  };
  if (attrs.repeatInterval !== undefined && attrs.repeatInterval !== null) {
    scheduled.repeatInterval = attrs.repeatInterval;
  }
  return scheduled;
}

/**
 * Tracks job runs in flight, seen through the repository: Agenda's Job.run() saves the job state with its
 * lock held when a run begins (synchronously with the processor taking it) and with the lock cleared when
 * it ends. So the set is exact at the moment the processor is stopped.
 */
class RunTracker {
  private readonly runs = new Map<string, { done: Promise<void>; resolve: () => void }>();

  begin(id: string): void {
    if (this.runs.has(id)) return;
    let resolve!: () => void;
    const done = new Promise<void>((r) => {
      resolve = r;
    });
    this.runs.set(id, { done, resolve });
  }

  end(id: string): void {
    const run = this.runs.get(id);
    if (!run) return;
    this.runs.delete(id);
    run.resolve();
  }

  get size(): number {
    return this.runs.size;
  }

  /** Waits until no run is in flight or `timeoutMs` passed; returns the ids still running. */
  async waitIdle(timeoutMs: number): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.runs.size > 0) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) break;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all([...this.runs.values()].map((run) => run.done)),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, remaining);
        }),
      ]);
      clearTimeout(timer);
    }
    return [...this.runs.keys()];
  }
}

/**
 * The repository as Agenda sees it: delegates to the real one and keeps account of this process's locks.
 *
 * - `held`: jobs this process locked (via getNextJobToRun or lockJob) and has not released yet.
 * - the RunTracker, fed from saveJobState: Job.run() saves the state with the lock held when a run begins
 *   (synchronously with the processor taking the job) and with the lock cleared when it ends.
 * - once closed (the processor stopped), a lookup still in flight that locks a job releases it at once:
 *   Agenda's stop() cannot see a lock that lands after it.
 *
 * Releasing (here and in Agenda's own unlockJobs on stop) unlocks, and makes a job whose nextRunAt is null
 * due again: such a job was taken mid-run (a one-off job's nextRunAt is null while it runs), and clearing
 * its lock alone would leave it never to run again.
 */
class TrackedRepository implements JobRepository {
  readonly held = new Set<string>();
  readonly runs = new RunTracker();
  private readonly inner: JobRepository;
  private readonly workerName: () => string | undefined;
  private closed = false;
  private readonly lookups = new Set<Promise<unknown>>();

  constructor(inner: JobRepository, workerName: () => string | undefined) {
    this.inner = inner;
    this.workerName = workerName;
  }

  open(): void {
    this.closed = false;
  }

  close(): void {
    this.closed = true;
  }

  /** Resolves once the lookups in flight have settled (and released what they locked). */
  async settled(): Promise<void> {
    while (this.lookups.size > 0) await Promise.allSettled([...this.lookups]);
  }

  /** Unlocks the jobs, making those with a null nextRunAt due again (see the class comment). */
  async release(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.inner.unlockJobs(ids);
    for (const id of ids) {
      this.held.delete(id);
      const job = await this.inner.getJobById(id);
      if (job && job.nextRunAt === null) {
        await this.inner.saveJobState(
          { ...job, lockedAt: undefined, nextRunAt: job.lastRunAt ?? new Date() },
          { lastModifiedBy: this.workerName() },
        );
      }
    }
  }

  /** Accounts for a lock a lookup takes (tracked until it has fully settled, release included). */
  private locked(lookup: Promise<JobParameters | undefined>): Promise<JobParameters | undefined> {
    const tracked = (async () => {
      const job = await lookup;
      if (!job?._id) return job;
      const id = String(job._id);
      if (this.closed) {
        await this.release([id]);
        return undefined;
      }
      this.held.add(id);
      return job;
    })();
    this.lookups.add(tracked);
    const done = () => {
      this.lookups.delete(tracked);
    };
    tracked.then(done, done);
    return tracked;
  }

  connect(): Promise<void> {
    return this.inner.connect();
  }
  queryJobs(options?: JobsQueryOptions): Promise<JobsResult> {
    return this.inner.queryJobs(options);
  }
  getJobsOverview(): Promise<JobsOverview[]> {
    return this.inner.getJobsOverview();
  }
  getDistinctJobNames(): Promise<string[]> {
    return this.inner.getDistinctJobNames();
  }
  getJobById(id: string): Promise<JobParameters | null> {
    return this.inner.getJobById(id);
  }
  getQueueSize(): Promise<number> {
    return this.inner.getQueueSize();
  }
  removeJobs(options: RemoveJobsOptions): Promise<number> {
    return this.inner.removeJobs(options);
  }
  saveJob<DATA = unknown>(
    job: JobParameters<DATA>,
    options: JobRepositoryOptions | undefined,
  ): Promise<JobParameters<DATA>> {
    return this.inner.saveJob(job, options);
  }
  async saveJobState(job: JobParameters, options: JobRepositoryOptions | undefined): Promise<void> {
    if (job._id === undefined) return this.inner.saveJobState(job, options);
    const id = String(job._id);
    if (job.lockedAt) {
      this.runs.begin(id);
      try {
        await this.inner.saveJobState(job, options);
      } catch (error) {
        // The run cannot go on (Agenda abandons a job whose state cannot be saved).
        this.runs.end(id);
        throw error;
      }
      return;
    }
    try {
      await this.inner.saveJobState(job, options);
    } finally {
      this.held.delete(id);
      this.runs.end(id);
    }
  }
  lockJob(job: JobParameters, options: JobRepositoryOptions | undefined): Promise<JobParameters | undefined> {
    return this.locked(this.inner.lockJob(job, options));
  }
  async unlockJob(job: JobParameters): Promise<void> {
    await this.inner.unlockJob(job);
    if (job._id !== undefined) this.held.delete(String(job._id));
  }
  unlockJobs(jobIds: (JobId | string)[]): Promise<void> {
    return this.release(jobIds.map((id) => String(id)));
  }
  getNextJobToRun(
    jobName: string,
    nextScanAt: Date,
    lockDeadline: Date,
    now: Date | undefined,
    options: JobRepositoryOptions | undefined,
  ): Promise<JobParameters | undefined> {
    if (this.closed) return Promise.resolve(undefined);
    return this.locked(this.inner.getNextJobToRun(jobName, nextScanAt, lockDeadline, now, options));
  }
  disableJobs(options: RemoveJobsOptions): Promise<number> {
    return this.inner.disableJobs(options);
  }
  enableJobs(options: RemoveJobsOptions): Promise<number> {
    return this.inner.enableJobs(options);
  }
  purgeAllJobs(): Promise<number> {
    return this.inner.purgeAllJobs();
  }
}

/** What Agenda sees as its backend: connected once the wrapper opens it; connection lifecycle stays ours. */
class GatedBackend implements AgendaBackend {
  readonly name: string;
  readonly repository: JobRepository;
  readonly notificationChannel = undefined;
  readonly ownsConnection = false;
  private readonly opened: Promise<void>;
  private release!: () => void;

  constructor(name: string, repository: JobRepository) {
    this.name = name;
    this.repository = repository;
    this.opened = new Promise<void>((resolve) => {
      this.release = resolve;
    });
  }

  open(): void {
    this.release();
  }

  connect(): Promise<void> {
    return this.opened;
  }

  async disconnect(): Promise<void> {}
}

class AgendaScheduler implements Scheduler {
  readonly backend: SchedulerBackendKind;
  private readonly logger: SchedulerLogger;
  private readonly target: string;
  private readonly secretUrl: string | undefined;
  private readonly stopTimeoutMs: number;
  private readonly real: AgendaBackend;
  private readonly repository: TrackedRepository;
  private readonly gate: GatedBackend;
  private readonly agenda: Agenda;
  private connected = false;
  private running = false;
  private connecting: Promise<void> | undefined;
  private starting: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  private lastError: { message: string; at: Date } | undefined;
  private counts: { jobs: JobCounts; at: Date } | undefined;
  private counting: Promise<void> | undefined;

  constructor(options: SchedulerOptions) {
    const collection = options.collection ?? DEFAULT_JOBS_COLLECTION;
    this.logger = options.logger;
    this.stopTimeoutMs = options.stopTimeoutMs ?? 30_000;
    if (options.mongodbUrl) {
      this.backend = "mongodb";
      this.target = `${redactMongoUrl(options.mongodbUrl)}, collection ${collection}`;
      this.secretUrl = options.mongodbUrl;
      this.real = new MongoBackend({ address: options.mongodbUrl, collection });
    } else {
      this.backend = "embedded";
      this.target = `collection ${collection}`;
      this.real = new EmbeddedBackend({ store: options.store, collection });
    }
    this.repository = new TrackedRepository(this.real.repository, () => this.agenda.attrs.name || undefined);
    this.gate = new GatedBackend(this.real.name, this.repository);

    const agendaOptions: ConstructorParameters<typeof Agenda>[0] = {
      backend: this.gate,
      name: options.name ?? `voltrate-${hostname()}-${process.pid}`,
    };
    // The embedded store belongs to this process alone, so a job saved here is every job there is: Agenda's in-process
    // channel tells the processor at once instead of at its next poll (a backtest or bulk action starts immediately).
    if (this.backend === "embedded") agendaOptions.notificationChannel = new InMemoryNotificationChannel();
    if (options.processEvery !== undefined) agendaOptions.processEvery = options.processEvery;
    if (options.defaultLockLifetime !== undefined) agendaOptions.defaultLockLifetime = options.defaultLockLifetime;
    if (options.maxConcurrency !== undefined) agendaOptions.maxConcurrency = options.maxConcurrency;
    if (options.defaultConcurrency !== undefined) agendaOptions.defaultConcurrency = options.defaultConcurrency;
    this.agenda = new Agenda(agendaOptions);

    // Processing errors (a lookup that failed, a lock lost mid-run, …): logged and kept for state().
    this.agenda.on("error", (error: Error) => {
      this.recordError(error);
      this.logger.error({ err: error, backend: this.backend }, "scheduler error");
    });
    this.agenda.on("fail", (error: Error, job: Job) => {
      this.logger.warn(
        { err: error, job: job.attrs.name, jobId: String(job.attrs._id), failCount: job.attrs.failCount },
        "scheduled job failed",
      );
    });
  }

  define<DATA = unknown>(name: string, handler: JobHandler<DATA>, options: DefineOptions = {}): void {
    // A one-parameter function: Agenda treats two-parameter processors as callback style.
    this.agenda.define<DATA>(
      name,
      async (job: Job<DATA>) => {
        await handler(job);
      },
      options,
    );
  }

  async schedule<DATA = unknown>(when: Date, name: string, data: DATA): Promise<ScheduledJob<DATA>> {
    if (!(when instanceof Date) || Number.isNaN(when.getTime())) {
      throw new SchedulerError("SCHEDULER_INVALID_DATE", `cannot schedule ${name}: not a valid date`);
    }
    await this.ensureConnected();
    const job = await this.agenda.schedule<DATA>(when, name, data);
    return toScheduledJob(job);
  }

  async every<DATA = unknown>(
    interval: string | number,
    name: string,
    data?: DATA,
    options: EveryOptions = {},
  ): Promise<ScheduledJob<DATA>> {
    // Agenda records an unusable interval as a failed job; refuse it up front instead.
    const probe = this.agenda.create(name, data);
    probe.repeatEvery(interval, options.timezone === undefined ? {} : { timezone: options.timezone });
    if (probe.attrs.failReason) {
      throw new SchedulerError("SCHEDULER_INVALID_INTERVAL", `cannot schedule ${name}: ${probe.attrs.failReason}`);
    }
    await this.ensureConnected();
    const job = await this.agenda.every<DATA | undefined>(interval, name, data, options);
    return toScheduledJob(job) as ScheduledJob<DATA>;
  }

  async now<DATA = unknown>(name: string, data?: DATA): Promise<ScheduledJob<DATA>> {
    await this.ensureConnected();
    const job = await this.agenda.now<DATA | undefined>(name, data);
    return toScheduledJob(job) as ScheduledJob<DATA>;
  }

  async cancel(selection: JobSelection): Promise<number> {
    await this.ensureConnected();
    return this.agenda.cancel(selection);
  }

  async disable(selection: JobSelection): Promise<number> {
    await this.ensureConnected();
    return this.agenda.disable(selection);
  }

  async enable(selection: JobSelection): Promise<number> {
    await this.ensureConnected();
    return this.agenda.enable(selection);
  }

  async jobs(query: JobsQueryOptions = {}): Promise<JobsResult> {
    await this.ensureConnected();
    return this.agenda.queryJobs(query);
  }

  start(): Promise<void> {
    if (this.running) return Promise.resolve();
    if (!this.starting) {
      const starting = (async () => {
        if (this.stopping) await this.stopping;
        await this.ensureConnected();
        this.repository.open();
        try {
          await this.agenda.start();
        } catch (cause) {
          const error = new SchedulerError(
            "SCHEDULER_START_FAILED",
            `scheduler (${this.backend} backend, ${this.target}) could not start: ${this.describe(cause)}`,
            { cause },
          );
          this.recordError(error);
          throw error;
        }
        this.running = true;
        this.logger.info({ backend: this.backend }, "scheduler started");
        void this.countJobs();
      })();
      this.starting = starting;
      const clear = () => {
        if (this.starting === starting) this.starting = undefined;
      };
      starting.then(clear, clear);
    }
    return this.starting;
  }

  stop(options: StopOptions = {}): Promise<void> {
    if (!this.stopping) {
      const stopping = this.shutdown(options.timeoutMs ?? this.stopTimeoutMs);
      this.stopping = stopping;
      const clear = () => {
        if (this.stopping === stopping) this.stopping = undefined;
      };
      stopping.then(clear, clear);
    }
    return this.stopping;
  }

  state(): SchedulerState {
    const state: SchedulerState = { backend: this.backend, running: this.running, connected: this.connected };
    if (this.counts) {
      state.jobs = { ...this.counts.jobs };
      state.jobsCountedAt = this.counts.at.toISOString();
    }
    if (this.lastError) {
      state.lastError = this.lastError.message;
      state.lastErrorAt = this.lastError.at.toISOString();
    }
    if (this.connected && (!this.counts || Date.now() - this.counts.at.getTime() > COUNT_MAX_AGE_MS)) {
      void this.countJobs();
    }
    return state;
  }

  async refreshState(): Promise<SchedulerState> {
    await this.countJobs();
    return this.state();
  }

  /** Recounts jobs by state (one count at a time; failures are recorded, never thrown). */
  private countJobs(): Promise<void> {
    if (!this.connected) return Promise.resolve();
    if (!this.counting) {
      const counting = (async () => {
        try {
          const overview = await withTimeout(this.repository.getJobsOverview(), COUNT_TIMEOUT_MS, "counting jobs");
          const jobs: JobCounts = {
            total: 0,
            running: 0,
            scheduled: 0,
            queued: 0,
            completed: 0,
            failed: 0,
            repeating: 0,
            paused: 0,
          };
          for (const entry of overview) {
            for (const key of Object.keys(jobs) as (keyof JobCounts)[]) jobs[key] += entry[key];
          }
          this.counts = { jobs, at: new Date() };
        } catch (error) {
          this.recordError(error);
          this.logger.warn({ err: error }, "scheduler: counting jobs failed");
        }
      })();
      this.counting = counting;
      void counting.finally(() => {
        if (this.counting === counting) this.counting = undefined;
      });
    }
    return this.counting;
  }

  private recordError(error: unknown): void {
    this.lastError = { message: this.describe(error), at: new Date() };
  }

  /** An error's message, with the MongoDB URL (should a driver quote it) masked. */
  private describe(error: unknown): string {
    const message = errorMessage(error);
    return this.secretUrl ? message.split(this.secretUrl).join(redactMongoUrl(this.secretUrl)) : message;
  }

  private ensureConnected(): Promise<void> {
    if (this.connected) return Promise.resolve();
    if (!this.connecting) {
      const connecting = (async () => {
        try {
          await this.real.connect();
        } catch (cause) {
          try {
            await this.real.disconnect();
          } catch {
            // nothing more to release
          }
          const error = new SchedulerError(
            "SCHEDULER_CONNECT_FAILED",
            `scheduler could not connect to its ${this.backend} backend (${this.target}): ${this.describe(cause)}`,
            { cause },
          );
          this.recordError(error);
          this.logger.error({ err: cause, backend: this.backend }, error.message);
          throw error;
        }
        this.connected = true;
        this.gate.open();
      })();
      this.connecting = connecting;
      const clear = () => {
        if (this.connecting === connecting) this.connecting = undefined;
      };
      connecting.then(clear, clear);
    }
    return this.connecting;
  }

  private async shutdown(timeoutMs: number): Promise<void> {
    if (this.starting) await this.starting.catch(() => {});
    if (this.connecting) await this.connecting.catch(() => {});
    if (this.running) {
      this.running = false;
      const runs = this.repository.runs;
      // One synchronous step: Agenda's stop() halts the processor before its first await, so no job
      // starts after the repository closes.
      this.repository.close();
      const stopped = this.agenda.stop(false);
      try {
        // Unlocks the jobs locked here that have not started; running ones keep their lock for now.
        await stopped;
      } catch (error) {
        this.recordError(error);
        this.logger.error({ err: error }, "scheduler stop: unlocking queued jobs failed");
      }
      await this.repository.settled();
      if (runs.size > 0) {
        this.logger.info({ running: runs.size, timeoutMs }, "scheduler stop: waiting for running jobs");
      }
      const unfinished = await runs.waitIdle(timeoutMs);
      if (unfinished.length > 0) {
        this.logger.warn({ jobIds: unfinished, timeoutMs }, "scheduler stop: jobs still running, releasing them");
      }
      // Whatever this process still holds: runs past the timeout, and any lock Agenda lost track of.
      const held = [...this.repository.held];
      try {
        await this.repository.release(held);
      } catch (error) {
        this.recordError(error);
        this.logger.error({ err: error }, "scheduler stop: releasing jobs failed");
      }
      for (const id of unfinished) runs.end(id);
      this.logger.info({ backend: this.backend }, "scheduler stopped");
    }
    if (this.counting) await this.counting;
    if (this.connected) {
      this.connected = false;
      try {
        await this.real.disconnect();
      } catch (error) {
        this.recordError(error);
        this.logger.error({ err: error }, "scheduler stop: disconnecting failed");
      }
    }
  }
}

export function createScheduler(options: SchedulerOptions): Scheduler {
  return new AgendaScheduler(options);
}
