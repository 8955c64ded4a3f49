// The store and the scheduler as a plugin sees them: only its own collections and jobs.
import type { JobContext, JobHandler, PluginJobs, PluginStore, Store } from "@voltrate/sdk";
import type { Scheduler } from "../scheduler/index.ts";

const namePattern = /^[a-z0-9][a-z0-9_-]*$/i;

function checkName(kind: string, name: string): void {
  if (!namePattern.test(name)) {
    throw new TypeError(`${kind} name "${name}" must be letters, digits, "_" or "-"`);
  }
}

export function scopedStore(store: Store, mountId: string): PluginStore {
  return {
    collection(name) {
      checkName("collection", name);
      return store.collection(`plugin.${mountId}.${name}`);
    },
    nextSequence(name, by) {
      checkName("sequence", name);
      return store.nextSequence(`plugin.${mountId}.${name}`, by);
    },
  };
}

export function scopedJobs(scheduler: Scheduler, mountId: string): PluginJobs {
  const qualified = (name: string) => {
    checkName("job", name);
    return `${mountId}:${name}`;
  };
  return {
    define<Data>(name: string, handler: JobHandler<Data>, options?: { concurrency?: number; lockLifetimeMs?: number }) {
      scheduler.define<Data>(
        qualified(name),
        async (job) => {
          const context: JobContext<Data> = {
            name,
            data: job.attrs.data,
            attempt: (job.attrs.failCount ?? 0) + 1,
            progress: (percent) => job.touch(Math.max(0, Math.min(100, percent))),
          };
          await handler(context);
        },
        {
          ...(options?.concurrency ? { concurrency: options.concurrency } : {}),
          ...(options?.lockLifetimeMs ? { lockLifetime: options.lockLifetimeMs } : {}),
        },
      );
    },
    async every(interval, name, data, options) {
      await scheduler.every(interval, qualified(name), data, options?.timezone ? { timezone: options.timezone } : {});
    },
    async schedule(when, name, data) {
      await scheduler.schedule(when, qualified(name), data);
    },
    async now(name, data) {
      await scheduler.now(qualified(name), data);
    },
  };
}
