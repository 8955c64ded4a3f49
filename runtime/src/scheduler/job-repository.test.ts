import type { JobParameters } from "agenda";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Collection, Store } from "../store/types.ts";
import { type StoredJob, StoreJobRepository } from "./job-repository.ts";
import {
  MONGODB_URL,
  makeDataDir,
  openEmbeddedStore,
  openMongoStore,
  removeDataDir,
  uniqueName,
} from "./test-support.ts";

const MINUTE = 60_000;

function job(name: string, fields: Partial<JobParameters> = {}): JobParameters {
  return { name, priority: 0, nextRunAt: new Date(), type: "normal", data: {}, ...fields };
}

// The MongoDB-store variant runs when VOLTRATE_TEST_MONGODB_URL is set, and is reported as skipped otherwise.
const engines: { engine: string; available: boolean; open: (dir: string) => Promise<Store> }[] = [
  { engine: "embedded", available: true, open: openEmbeddedStore },
  { engine: "mongodb", available: Boolean(MONGODB_URL), open: (dir) => openMongoStore(dir, MONGODB_URL ?? "") },
];

for (const { engine, available, open } of engines)
  describe.skipIf(!available)(`StoreJobRepository on the ${engine} store`, () => {
    let dataDir: string;
    let store: Store;
    let repo: StoreJobRepository;
    let raw: Collection<StoredJob>;

    beforeEach(async () => {
      dataDir = await makeDataDir();
      store = await open(dataDir);
      const collection = uniqueName("scheduler_jobs_test");
      repo = new StoreJobRepository(store, { collection });
      await repo.connect();
      raw = store.collection<StoredJob>(collection);
    });

    afterEach(async () => {
      await repo.purgeAllJobs();
      await store.close();
      await removeDataDir(dataDir);
    });

    describe("saveJob", () => {
      it("inserts a new job with a string id, Dates as Dates and absent fields as null", async () => {
        const nextRunAt = new Date(Date.now() + MINUTE);
        const saved = await repo.saveJob(job("invoice", { nextRunAt, data: { tenant: "t1" } }), {
          lastModifiedBy: "w1",
        });
        expect(typeof saved._id).toBe("string");
        expect(saved.nextRunAt).toEqual(nextRunAt);
        expect(saved.lockedAt).toBeUndefined();

        const stored = await raw.findOne({ _id: saved._id });
        expect(stored?.nextRunAt).toBeInstanceOf(Date);
        expect(stored?.lockedAt).toBeNull();
        expect(stored?.failCount).toBeNull();
        expect(stored?.lastModifiedBy).toBe("w1");

        const loaded = await repo.getJobById(String(saved._id));
        expect(loaded).toMatchObject({ name: "invoice", data: { tenant: "t1" }, type: "normal", priority: 0 });
        expect(loaded?.nextRunAt).toEqual(nextRunAt);
        expect(await repo.getJobById("no-such-id")).toBeNull();
      });

      it("updates a job that has an id, and returns a vanished job unchanged", async () => {
        const saved = await repo.saveJob(job("a", { data: { n: 1 } }), undefined);
        const updated = await repo.saveJob({ ...saved, data: { n: 2 } }, undefined);
        expect(updated._id).toBe(saved._id);
        expect((await repo.getJobById(String(saved._id)))?.data).toEqual({ n: 2 });
        expect(await raw.countDocuments({})).toBe(1);

        await repo.removeJobs({ id: saved._id });
        const ghost = { ...saved, data: { n: 3 } };
        expect(await repo.saveJob(ghost, undefined)).toBe(ghost);
        expect(await raw.countDocuments({})).toBe(0);
      });

      it("keeps one 'single' job per name and protects a due nextRunAt", async () => {
        const future = new Date(Date.now() + 10 * MINUTE);
        const first = await repo.saveJob(
          job("tick", { type: "single", repeatInterval: "1 minute", nextRunAt: future, data: { v: 1 } }),
          undefined,
        );
        // Re-declared at start-up with "run now": the stored schedule wins, the rest is updated.
        const again = await repo.saveJob(
          job("tick", {
            type: "single",
            repeatInterval: "2 minutes",
            nextRunAt: new Date(Date.now() - 1000),
            data: { v: 2 },
          }),
          undefined,
        );
        expect(again._id).toBe(first._id);
        expect(again.nextRunAt).toEqual(future);
        expect(again.repeatInterval).toBe("2 minutes");
        expect(again.data).toEqual({ v: 2 });
        // A future nextRunAt replaces the stored one.
        const later = new Date(Date.now() + 20 * MINUTE);
        const third = await repo.saveJob(job("tick", { type: "single", nextRunAt: later }), undefined);
        expect(third.nextRunAt).toEqual(later);
        expect(await raw.countDocuments({ name: "tick" })).toBe(1);
      });

      it("inserts a due 'single' job with its nextRunAt", async () => {
        const due = new Date(Date.now() - 1000);
        const saved = await repo.saveJob(job("fresh", { type: "single", nextRunAt: due }), undefined);
        expect(saved.nextRunAt).toEqual(due);
      });

      it("upserts on a unique constraint, optionally insert-only", async () => {
        const a = await repo.saveJob(
          { ...job("sync", { data: { cpo: "A", n: 1 } }), unique: { "data.cpo": "A" } },
          undefined,
        );
        const b = await repo.saveJob(
          { ...job("sync", { data: { cpo: "A", n: 2 } }), unique: { "data.cpo": "A" } },
          undefined,
        );
        expect(b._id).toBe(a._id);
        expect(b.data).toEqual({ cpo: "A", n: 2 });
        const c = await repo.saveJob(
          {
            ...job("sync", { data: { cpo: "A", n: 3 } }),
            unique: { "data.cpo": "A" },
            uniqueOpts: { insertOnly: true },
          },
          undefined,
        );
        expect(c._id).toBe(a._id);
        expect(c.data).toEqual({ cpo: "A", n: 2 });
        await repo.saveJob({ ...job("sync", { data: { cpo: "B" } }), unique: { "data.cpo": "B" } }, undefined);
        expect(await raw.countDocuments({ name: "sync" })).toBe(2);
      });

      it("rejects code-evaluating operators in a unique constraint", async () => {
        await expect(repo.saveJob({ ...job("x"), unique: { $where: "sleep(1000)" } }, undefined)).rejects.toThrow(
          /Unsafe operator "\$where"/,
        );
        await expect(
          repo.saveJob({ ...job("x"), unique: { $or: [{ $expr: { $eq: [1, 1] } }] } }, undefined),
        ).rejects.toThrow(/\$expr/);
      });

      it("debounces: trailing pushes the run back, maxWait forces it, leading keeps it", async () => {
        const trailing = { delay: 5_000, maxWait: 60_000 };
        const first = await repo.saveJob(
          { ...job("reindex", { data: { k: 1 } }), unique: { "data.k": 1 }, uniqueOpts: { debounce: trailing } },
          undefined,
        );
        expect(first.nextRunAt!.getTime()).toBeGreaterThan(Date.now() + 4_000);
        expect(first.debounceStartedAt).toBeInstanceOf(Date);
        const second = await repo.saveJob(
          { ...job("reindex", { data: { k: 1 } }), unique: { "data.k": 1 }, uniqueOpts: { debounce: trailing } },
          undefined,
        );
        expect(second._id).toBe(first._id);
        expect(second.nextRunAt!.getTime()).toBeGreaterThanOrEqual(first.nextRunAt!.getTime());
        expect(second.debounceStartedAt).toEqual(first.debounceStartedAt);

        // maxWait exceeded: run now, and a new debounce window starts.
        await raw.updateOne(
          { _id: String(first._id) },
          { $set: { debounceStartedAt: new Date(Date.now() - 2 * MINUTE) } },
        );
        const forced = await repo.saveJob(
          { ...job("reindex", { data: { k: 1 } }), unique: { "data.k": 1 }, uniqueOpts: { debounce: trailing } },
          undefined,
        );
        expect(forced.nextRunAt!.getTime()).toBeLessThanOrEqual(Date.now());
        expect(forced.debounceStartedAt).toBeUndefined();

        const leading = { delay: 5_000, strategy: "leading" as const };
        const now = new Date();
        const l1 = await repo.saveJob(
          {
            ...job("notify", { nextRunAt: now, data: { k: 2, v: 1 } }),
            unique: { "data.k": 2 },
            uniqueOpts: { debounce: leading },
          },
          undefined,
        );
        expect(l1.nextRunAt).toEqual(now);
        const l2 = await repo.saveJob(
          {
            ...job("notify", { nextRunAt: new Date(Date.now() + MINUTE), data: { k: 2, v: 2 } }),
            unique: { "data.k": 2 },
            uniqueOpts: { debounce: leading },
          },
          undefined,
        );
        expect(l2._id).toBe(l1._id);
        expect(l2.nextRunAt).toEqual(now);
        expect(l2.data).toEqual({ k: 2, v: 2 });
      });
    });

    describe("locking", () => {
      it("getNextJobToRun locks one due job at a time, earliest first, then by priority", async () => {
        const t = Date.now();
        const late = await repo.saveJob(
          job("bill", { nextRunAt: new Date(t - 1_000), data: { id: "late" } }),
          undefined,
        );
        const early = await repo.saveJob(
          job("bill", { nextRunAt: new Date(t - 5_000), data: { id: "early" } }),
          undefined,
        );
        const urgent = await repo.saveJob(
          job("bill", { nextRunAt: new Date(t - 1_000), priority: 10, data: { id: "urgent" } }),
          undefined,
        );
        await repo.saveJob(job("bill", { nextRunAt: new Date(t + 10 * MINUTE), data: { id: "future" } }), undefined);
        await repo.saveJob(job("other", { nextRunAt: new Date(t - 1_000) }), undefined);

        const scanAt = new Date(t + 1_000);
        const deadline = new Date(t - 10 * MINUTE);
        const lockTime = new Date(t);
        const order: unknown[] = [];
        for (;;) {
          const next = await repo.getNextJobToRun("bill", scanAt, deadline, lockTime, { lastModifiedBy: "w1" });
          if (!next) break;
          expect(next.lockedAt).toEqual(lockTime);
          order.push(next._id);
        }
        expect(order).toEqual([early._id, urgent._id, late._id]);
        const stored = await raw.findOne({ _id: String(early._id) });
        expect(stored?.lockedAt).toEqual(lockTime);
        expect(stored?.lastModifiedBy).toBe("w1");
      });

      it("never hands the same job to two concurrent lookups", async () => {
        const due = new Date(Date.now() - 1_000);
        const ids = new Set<string>();
        for (let i = 0; i < 5; i++)
          ids.add(String((await repo.saveJob(job("race", { nextRunAt: due }), undefined))._id));
        const scanAt = new Date(Date.now() + 1_000);
        const deadline = new Date(Date.now() - 10 * MINUTE);
        const results = await Promise.all(
          Array.from({ length: 20 }, () => repo.getNextJobToRun("race", scanAt, deadline, undefined, undefined)),
        );
        const locked = results.filter((r) => r !== undefined).map((r) => String(r._id));
        expect(locked).toHaveLength(5);
        expect(new Set(locked)).toEqual(ids);
      });

      it("skips disabled jobs and fresh locks, but takes over expired locks", async () => {
        const t = Date.now();
        await repo.saveJob(job("j", { nextRunAt: new Date(t - 1_000), disabled: true }), undefined);
        const held = await repo.saveJob(job("j", { nextRunAt: new Date(t - 1_000) }), undefined);
        await raw.updateOne({ _id: String(held._id) }, { $set: { lockedAt: new Date(t - MINUTE) } });
        const deadline = new Date(t - 10 * MINUTE);
        expect(await repo.getNextJobToRun("j", new Date(t + 1_000), deadline, undefined, undefined)).toBeUndefined();

        // A one-off job whose worker died mid-run: nextRunAt null, locked 11 minutes ago.
        const stale = await repo.saveJob(job("j", { nextRunAt: null }), undefined);
        await raw.updateOne({ _id: String(stale._id) }, { $set: { lockedAt: new Date(t - 11 * MINUTE) } });
        const taken = await repo.getNextJobToRun("j", new Date(t + 1_000), deadline, undefined, undefined);
        expect(taken?._id).toBe(stale._id);
        expect(taken!.lockedAt!.getTime()).toBeGreaterThanOrEqual(t);
      });

      it("lockJob locks only an unlocked, enabled job with the expected nextRunAt", async () => {
        const nextRunAt = new Date(Date.now() - 1_000);
        const saved = await repo.saveJob(job("lk", { nextRunAt }), undefined);
        expect(await repo.lockJob({ ...saved, nextRunAt: new Date(0) }, undefined)).toBeUndefined();
        const locked = await repo.lockJob(saved, { lastModifiedBy: "w2" });
        expect(locked?.lockedAt).toBeInstanceOf(Date);
        expect(await repo.lockJob(saved, undefined)).toBeUndefined();
        expect(await repo.lockJob({ ...saved, _id: undefined }, undefined)).toBeUndefined();

        const off = await repo.saveJob(job("lk", { nextRunAt, disabled: true }), undefined);
        expect(await repo.lockJob(off, undefined)).toBeUndefined();
      });

      it("unlockJob leaves a running one-off job locked; unlockJobs unlocks regardless", async () => {
        const lockedAt = new Date();
        const recurring = await repo.saveJob(job("u", { nextRunAt: new Date(Date.now() + MINUTE) }), undefined);
        const oneOff = await repo.saveJob(job("u", { nextRunAt: null }), undefined);
        await raw.updateMany({}, { $set: { lockedAt } });

        await repo.unlockJob(recurring);
        await repo.unlockJob(oneOff);
        await repo.unlockJob({ ...oneOff, _id: undefined });
        expect((await repo.getJobById(String(recurring._id)))?.lockedAt).toBeUndefined();
        expect((await repo.getJobById(String(oneOff._id)))?.lockedAt).toEqual(lockedAt);

        await repo.unlockJobs([]);
        await repo.unlockJobs([oneOff._id!]);
        expect((await repo.getJobById(String(oneOff._id)))?.lockedAt).toBeUndefined();
      });

      it("saveJobState writes the run fields and fails for a vanished job", async () => {
        const saved = await repo.saveJob(job("s"), undefined);
        const lastRunAt = new Date(Date.now() - 500);
        const failedAt = new Date();
        await repo.saveJobState(
          {
            ...saved,
            lastRunAt,
            failedAt,
            lastFinishedAt: failedAt,
            failCount: 2,
            failReason: "boom",
            nextRunAt: null,
          },
          { lastModifiedBy: "w3" },
        );
        const loaded = await repo.getJobById(String(saved._id));
        expect(loaded).toMatchObject({ failCount: 2, failReason: "boom", nextRunAt: null, lastModifiedBy: "w3" });
        expect(loaded?.lastRunAt).toEqual(lastRunAt);
        expect(loaded?.failedAt).toEqual(failedAt);

        await expect(repo.saveJobState({ ...saved, _id: undefined }, undefined)).rejects.toThrow(/without job ID/);
        await repo.removeJobs({ id: saved._id });
        await expect(repo.saveJobState(saved, undefined)).rejects.toThrow(/cannot be updated/);
      });
    });

    describe("queries", () => {
      async function seed() {
        const t = Date.now();
        const ids: Record<string, string> = {};
        const add = async (key: string, params: JobParameters, state: Partial<StoredJob> = {}) => {
          const saved = await repo.saveJob(params, undefined);
          ids[key] = String(saved._id);
          if (Object.keys(state).length > 0) await raw.updateOne({ _id: ids[key] }, { $set: state });
        };
        await add(
          "scheduled",
          job("invoice-run", { nextRunAt: new Date(t + MINUTE), data: { cpo: "A", region: { eu: true } } }),
        );
        await add("queued", job("invoice-run", { nextRunAt: new Date(t - MINUTE), data: { cpo: "B" } }));
        await add("running", job("invoice-run", { nextRunAt: null, data: { cpo: "C" } }), { lockedAt: new Date(t) });
        await add("failed", job("tariff.sync", { nextRunAt: null, data: { cpo: "A" } }), {
          failedAt: new Date(t - 1_000),
          lastFinishedAt: new Date(t - 1_000),
          failCount: 1,
          failReason: "boom",
        });
        await add("completed", job("tariff.sync", { nextRunAt: null }), { lastFinishedAt: new Date(t - 2_000) });
        await add(
          "repeating",
          job("cleanup", { type: "single", repeatInterval: "1 hour", nextRunAt: new Date(t + MINUTE) }),
        );
        await add("paused", job("cleanup-old", { nextRunAt: new Date(t + MINUTE), disabled: true }));
        return ids;
      }

      it("computes states and filters by state", async () => {
        const ids = await seed();
        const { jobs, total } = await repo.queryJobs();
        expect(total).toBe(7);
        const stateOf = new Map(jobs.map((j) => [String(j._id), j.state]));
        expect(stateOf.get(ids.scheduled!)).toBe("scheduled");
        expect(stateOf.get(ids.queued!)).toBe("queued");
        expect(stateOf.get(ids.running!)).toBe("running");
        expect(stateOf.get(ids.failed!)).toBe("failed");
        expect(stateOf.get(ids.completed!)).toBe("completed");
        expect(stateOf.get(ids.repeating!)).toBe("repeating");
        for (const state of ["scheduled", "queued", "running", "failed", "completed", "repeating"] as const) {
          const result = await repo.queryJobs({ state });
          const expected = state === "scheduled" ? [ids.scheduled, ids.paused] : [ids[state]];
          expect(result.jobs.map((j) => String(j._id)).sort()).toEqual([...expected].sort());
          expect(result.total).toBe(expected.length);
        }
        const paused = await repo.queryJobs({ state: "paused" });
        expect(paused.jobs.map((j) => String(j._id))).toEqual([ids.paused]);
      });

      it("filters by name, names, id, ids, search, data and disabled", async () => {
        const ids = await seed();
        const names = async (options: Parameters<StoreJobRepository["queryJobs"]>[0]) =>
          (await repo.queryJobs(options)).jobs.map((j) => String(j._id)).sort();

        expect(await names({ name: "tariff.sync" })).toEqual([ids.failed, ids.completed].sort());
        expect(await names({ names: ["cleanup", "cleanup-old"] })).toEqual([ids.repeating, ids.paused].sort());
        expect(await names({ id: ids.queued })).toEqual([ids.queued]);
        expect(await names({ id: "missing" })).toEqual([]);
        expect(await names({ ids: [ids.queued!, ids.failed!] })).toEqual([ids.queued, ids.failed].sort());
        // Case-insensitive, and regex characters are literal ("." matches only a dot).
        expect(await names({ search: "TARIFF." })).toEqual([ids.failed, ids.completed].sort());
        expect(await names({ search: "tariff.*" })).toEqual([]);
        expect(await names({ data: { cpo: "A" } })).toEqual([ids.scheduled, ids.failed].sort());
        expect(await names({ data: { region: { eu: true } } })).toEqual([ids.scheduled]);
        expect(await names({ name: "invoice-run", data: { cpo: "B" } })).toEqual([ids.queued]);
        expect(await names({ includeDisabled: false })).not.toContain(ids.paused);
        expect(await names({ includeDisabled: false })).toHaveLength(6);
      });

      it("sorts and paginates, with or without a state filter", async () => {
        const t = Date.now();
        for (let i = 0; i < 7; i++) {
          await repo.saveJob(job("page", { nextRunAt: new Date(t + (i + 1) * MINUTE), data: { i } }), undefined);
        }
        const page = await repo.queryJobs({ name: "page", sort: { nextRunAt: "asc" }, skip: 2, limit: 3 });
        expect(page.total).toBe(7);
        expect(page.jobs.map((j) => (j.data as { i: number }).i)).toEqual([2, 3, 4]);

        const byDefault = await repo.queryJobs({ name: "page", limit: 2 });
        expect(byDefault.jobs.map((j) => (j.data as { i: number }).i)).toEqual([6, 5]);

        const stateful = await repo.queryJobs({
          name: "page",
          state: "scheduled",
          sort: { nextRunAt: "desc" },
          skip: 5,
        });
        expect(stateful.total).toBe(7);
        expect(stateful.jobs.map((j) => (j.data as { i: number }).i)).toEqual([1, 0]);
        const statefulPage = await repo.queryJobs({ name: "page", state: "scheduled", skip: 1, limit: 2 });
        expect(statefulPage.jobs).toHaveLength(2);
      });

      it("gives the overview, names and queue size", async () => {
        await seed();
        const overview = await repo.getJobsOverview();
        const byName = Object.fromEntries(overview.map((o) => [o.name, o]));
        expect(Object.keys(byName).sort()).toEqual(["cleanup", "cleanup-old", "invoice-run", "tariff.sync"]);
        expect(byName["invoice-run"]).toMatchObject({ total: 3, scheduled: 1, queued: 1, running: 1 });
        expect(byName["tariff.sync"]).toMatchObject({ total: 2, failed: 1, completed: 1 });
        expect(byName.cleanup).toMatchObject({ total: 1, repeating: 1 });
        expect(byName["cleanup-old"]).toMatchObject({ total: 1, scheduled: 1, paused: 1 });
        expect((await repo.getDistinctJobNames()).sort()).toEqual(Object.keys(byName).sort());
        expect(await repo.getQueueSize()).toBe(1);
      });
    });

    describe("remove, disable, enable, purge", () => {
      it("removes by id, ids, name, names, notNames and data; an empty selection removes nothing", async () => {
        const a1 = await repo.saveJob(job("a", { data: { k: 1 } }), undefined);
        const a2 = await repo.saveJob(job("a", { data: { k: 2 } }), undefined);
        const b1 = await repo.saveJob(job("b", { data: { k: 1 } }), undefined);
        await repo.saveJob(job("c"), undefined);
        await repo.saveJob(job("d"), undefined);

        expect(await repo.removeJobs({})).toBe(0);
        expect(await repo.removeJobs({ names: [] })).toBe(0);
        expect(await repo.removeJobs({ id: a1._id })).toBe(1);
        expect(await repo.removeJobs({ id: "missing" })).toBe(0);
        expect(await repo.removeJobs({ name: "b", data: { k: 2 } })).toBe(0);
        expect(await repo.removeJobs({ name: "b", data: { k: 1 } })).toBe(1);
        expect(await repo.removeJobs({ ids: [a2._id!, b1._id!] })).toBe(1);
        expect(await repo.removeJobs({ notNames: ["c"] })).toBe(1);
        expect(await repo.removeJobs({ names: ["c", "d"] })).toBe(1);
        expect(await raw.countDocuments({})).toBe(0);
      });

      it("disables and enables selected jobs, counting only changed ones", async () => {
        const t = Date.now();
        const x = await repo.saveJob(job("x", { nextRunAt: new Date(t - 1_000) }), undefined);
        await repo.saveJob(job("x", { nextRunAt: new Date(t - 1_000) }), undefined);
        await repo.saveJob(job("y", { nextRunAt: new Date(t - 1_000) }), undefined);

        expect(await repo.disableJobs({})).toBe(0);
        expect(await repo.disableJobs({ name: "x" })).toBe(2);
        expect(await repo.disableJobs({ name: "x" })).toBe(0);
        expect((await repo.getJobById(String(x._id)))?.disabled).toBe(true);
        const scan = () => repo.getNextJobToRun("x", new Date(t + 1_000), new Date(t - MINUTE), undefined, undefined);
        expect(await scan()).toBeUndefined();
        expect((await repo.queryJobs({ state: "paused" })).total).toBe(2);

        expect(await repo.enableJobs({})).toBe(0);
        expect(await repo.enableJobs({ id: x._id })).toBe(1);
        expect((await repo.getJobById(String(x._id)))?.disabled).toBe(false);
        expect((await scan())?._id).toBe(x._id);
        expect(await repo.enableJobs({ notNames: ["y"] })).toBe(1);
      });

      it("purges everything", async () => {
        await repo.saveJob(job("a"), undefined);
        await repo.saveJob(job("b"), undefined);
        expect(await repo.purgeAllJobs()).toBe(2);
        expect(await repo.purgeAllJobs()).toBe(0);
      });
    });

    it("refuses to work before connect()", async () => {
      const unconnected = new StoreJobRepository(store);
      await expect(unconnected.queryJobs()).rejects.toThrow(/not connected/);
    });
  });
