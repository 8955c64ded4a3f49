// The scheduler jobs of rule set versioning.
import { exponential } from "agenda";
import type { Scheduler } from "../../scheduler/index.ts";
import { ACTIVATE_VERSION_JOB, type RulesService } from "./service.ts";

export interface ActivateVersionJobData {
  rulesetId: string;
  version: number;
}

function isActivationData(data: unknown): data is ActivateVersionJobData {
  if (typeof data !== "object" || data === null) return false;
  const d = data as Record<string, unknown>;
  return typeof d.rulesetId === "string" && typeof d.version === "number" && Number.isInteger(d.version);
}

/**
 * Defines `rules:activate-version`: at a scheduled version's effective time it runs `service.activate` (compiled
 * rule set warmed, superseded versions retired, audit entries, `version.published` emitted). Call before
 * `scheduler.start()` so that jobs that came due while the process was down run at once.
 */
export function registerRuleJobs(scheduler: Scheduler, service: RulesService): void {
  scheduler.define<unknown>(
    ACTIVATE_VERSION_JOB,
    async (job) => {
      const data = job.attrs.data;
      if (!isActivationData(data)) throw new Error(`${ACTIVATE_VERSION_JOB}: job data must be { rulesetId, version }`);
      await service.activate(data.rulesetId, data.version);
    },
    // The handler is idempotent; a failure (the store briefly unavailable) is retried: 1 s, 4 s, 16 s, 64 s, 256 s.
    { concurrency: 1, backoff: exponential({ delay: 1000, factor: 4, maxRetries: 5 }) },
  );
}
