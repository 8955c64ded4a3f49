export type { Job, JobsQueryOptions, JobsResult, JobWithState } from "agenda";
export { EmbeddedBackend, type EmbeddedBackendOptions } from "./embedded-backend.ts";
export {
  DEFAULT_JOBS_COLLECTION,
  LOCK_INDEX_NAME,
  type StoredJob,
  StoreJobRepository,
  type StoreJobRepositoryOptions,
} from "./job-repository.ts";
export {
  createScheduler,
  type DefineOptions,
  type EveryOptions,
  type JobCounts,
  type JobHandler,
  type JobSelection,
  redactMongoUrl,
  type ScheduledJob,
  type Scheduler,
  type SchedulerBackendKind,
  SchedulerError,
  type SchedulerLogger,
  type SchedulerOptions,
  type SchedulerState,
  type StopOptions,
} from "./scheduler.ts";
