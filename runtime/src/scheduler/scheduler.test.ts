import { MongoClient, ObjectId } from "mongodb";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Store } from "../store/types.ts";
import { createScheduler, type Scheduler, SchedulerError, type SchedulerOptions } from "./scheduler.ts";
import {
  BACKENDS as backends,
  makeDataDir,
  openEmbeddedStore,
  PROCESS_EVERY,
  removeDataDir,
  silent,
  sleep,
  uniqueName,
  waitFor,
} from "./test-support.ts";

for (const { backend, mongodbUrl } of backends)
  describe.skipIf(backend === "mongodb" && !mongodbUrl)(`scheduler on the ${backend} backend`, () => {
    let dataDir: string;
    let store: Store;
    let collection: string;
    const schedulers: Scheduler[] = [];

    function make(options: Partial<SchedulerOptions> = {}): Scheduler {
      const scheduler = createScheduler({
        store,
        logger: silent,
        collection,
        processEvery: PROCESS_EVERY,
        ...(mongodbUrl ? { mongodbUrl } : {}),
        ...options,
      });
      schedulers.push(scheduler);
      return scheduler;
    }

    beforeEach(async () => {
      dataDir = await makeDataDir();
      store = await openEmbeddedStore(dataDir);
      collection = uniqueName("scheduler_jobs");
    });

    afterEach(async () => {
      for (const scheduler of schedulers.splice(0)) await scheduler.stop({ timeoutMs: 2_000 });
      await store.close();
      await removeDataDir(dataDir);
      if (mongodbUrl) {
        const client = await MongoClient.connect(mongodbUrl);
        await client
          .db()
          .dropCollection(collection)
          .catch(() => {});
        await client.close();
      }
    });

    it.skipIf(backend === "mongodb")("starts a job queued now at once, without waiting for the next poll", async () => {
      // A poll every minute: only the in-process notification can start the job within the wait below.
      const scheduler = make({ processEvery: 60_000 });
      const started: number[] = [];
      scheduler.define("backtest.run", () => {
        started.push(Date.now());
      });
      await scheduler.start();
      await sleep(200);
      const queuedAt = Date.now();
      await scheduler.now("backtest.run", {});
      await waitFor("the job queued now", () => started.length > 0, 5_000);
      expect((started[0] as number) - queuedAt).toBeLessThan(2_000);
    });

    it("runs a one-off job once, at or after its time, with its data", async () => {
      const scheduler = make();
      const runs: { at: number; data: unknown }[] = [];
      scheduler.define<{ sessionId: string }>("session.close", (job) => {
        runs.push({ at: Date.now(), data: job.attrs.data });
      });
      await scheduler.start();
      expect(scheduler.backend).toBe(backend);

      const when = new Date(Date.now() + 1_000);
      const scheduled = await scheduler.schedule(when, "session.close", { sessionId: "s-42" });
      expect(typeof scheduled.id).toBe("string");
      expect(scheduled.nextRunAt).toEqual(when);

      await waitFor("the one-off job", () => runs.length > 0, 5_000);
      await sleep(5 * PROCESS_EVERY);
      expect(runs).toHaveLength(1);
      expect(runs[0]!.at).toBeGreaterThanOrEqual(when.getTime());
      expect(runs[0]!.data).toEqual({ sessionId: "s-42" });

      const { jobs } = await scheduler.jobs({ id: scheduled.id });
      expect(jobs[0]).toMatchObject({ state: "completed", nextRunAt: null });
      expect(jobs[0]!.lastFinishedAt).toBeInstanceOf(Date);
      expect(jobs[0]!.lockedAt).toBeUndefined();
    });

    it("repeats a job every second (interval and cron with seconds)", async () => {
      const scheduler = make();
      const ticks: Record<string, number[]> = { interval: [], cron: [] };
      scheduler.define<{ kind: string }>("tick", (job) => {
        ticks[job.attrs.data.kind]!.push(Date.now());
      });
      scheduler.define<{ kind: string }>("tick.cron", (job) => {
        ticks[job.attrs.data.kind]!.push(Date.now());
      });
      await scheduler.start();
      const every = await scheduler.every("1 second", "tick", { kind: "interval" });
      expect(every.repeatInterval).toBe("1 second");
      await scheduler.every("* * * * * *", "tick.cron", { kind: "cron" });

      await waitFor("three runs of each", () => ticks.interval!.length >= 3 && ticks.cron!.length >= 3, 8_000);
      const gaps = ticks.interval!.slice(1).map((t, i) => t - ticks.interval![i]!);
      for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(900);
      const { jobs } = await scheduler.jobs({ names: ["tick", "tick.cron"] });
      expect(jobs).toHaveLength(2);
      expect(jobs.every((j) => j.state === "repeating" || j.state === "running")).toBe(true);
    });

    it("refuses an unusable interval and an invalid date", async () => {
      const scheduler = make();
      await expect(scheduler.every("every blue moon", "x")).rejects.toMatchObject({
        code: "SCHEDULER_INVALID_INTERVAL",
      });
      await expect(scheduler.schedule(new Date(Number.NaN), "x", {})).rejects.toBeInstanceOf(SchedulerError);
      expect((await scheduler.jobs()).total).toBe(0);
    });

    it("records a failing job (failReason, failCount) and keeps working", async () => {
      const scheduler = make();
      let attempts = 0;
      scheduler.define("explode", () => {
        attempts++;
        throw new Error("tariff not found");
      });
      const done: string[] = [];
      scheduler.define<{ n: string }>("fine", (job) => {
        done.push(job.attrs.data.n);
      });
      await scheduler.start();
      const failing = await scheduler.now("explode", { cpo: "X" });
      await waitFor("the failure to be recorded", async () => {
        const { jobs } = await scheduler.jobs({ id: failing.id });
        return jobs[0]?.state === "failed";
      });
      const { jobs } = await scheduler.jobs({ id: failing.id });
      expect(jobs[0]).toMatchObject({ failReason: "tariff not found", failCount: 1 });
      expect(jobs[0]!.failedAt).toBeInstanceOf(Date);
      expect(attempts).toBe(1);

      await scheduler.now("fine", { n: "after" });
      await waitFor("the next job", () => done.length === 1);
      expect(done).toEqual(["after"]);
      const state = await scheduler.refreshState();
      expect(state).toMatchObject({ backend, running: true, connected: true });
      expect(state.jobs).toMatchObject({ total: 2, failed: 1, completed: 1 });
    });

    it("never runs a one-off job twice with two schedulers on one store", async () => {
      const a = make({ name: "worker-a" });
      const b = make({ name: "worker-b" });
      const runs = new Map<string, string[]>();
      for (const [scheduler, worker] of [
        [a, "a"],
        [b, "b"],
      ] as const) {
        // At most two locked at a time per worker, so neither can take the whole queue in one scan.
        scheduler.define<{ n: number }>(
          "charge",
          async (job) => {
            const id = String(job.attrs._id);
            runs.set(id, [...(runs.get(id) ?? []), worker]);
            await sleep(30);
          },
          { lockLimit: 2 },
        );
      }
      const count = 30;
      for (let n = 0; n < count; n++) await a.now("charge", { n });
      await Promise.all([a.start(), b.start()]);

      await waitFor("all jobs to run", () => runs.size === count, 10_000);
      await sleep(5 * PROCESS_EVERY);
      expect([...runs.values()].every((workers) => workers.length === 1)).toBe(true);
      const byWorker = [...runs.values()].flat();
      expect(byWorker.length).toBe(count);
      // Both took part (each locks up to its concurrency per scan).
      expect(new Set(byWorker)).toEqual(new Set(["a", "b"]));
    });

    it("takes over a job whose lock has expired", async () => {
      const scheduler = make();
      const ran: string[] = [];
      scheduler.define<{ id: string }>("recover", (job) => {
        ran.push(job.attrs.data.id);
      });
      await scheduler.start();
      // Two jobs a crashed worker left behind mid-run (one-off: nextRunAt null while running).
      const stale = await scheduler.schedule(new Date(Date.now() + 60_000), "recover", { id: "stale" });
      const held = await scheduler.schedule(new Date(Date.now() + 60_000), "recover", { id: "held" });
      const jobs = store.collection(collection);
      const raw = mongodbUrl ? await MongoClient.connect(mongodbUrl) : undefined;
      try {
        const set = async (id: string, lockedAt: Date) => {
          if (raw) {
            await raw
              .db()
              .collection(collection)
              .updateOne({ _id: new ObjectId(id) }, { $set: { lockedAt, nextRunAt: null, lastRunAt: lockedAt } });
          } else {
            await jobs.updateOne({ _id: id }, { $set: { lockedAt, nextRunAt: null, lastRunAt: lockedAt } });
          }
        };
        await set(stale.id, new Date(Date.now() - 11 * 60_000)); // older than the 10-minute default lifetime
        await set(held.id, new Date(Date.now() - 60_000));
      } finally {
        await raw?.close();
      }

      await waitFor("the stale job to run", () => ran.includes("stale"), 5_000);
      await sleep(5 * PROCESS_EVERY);
      expect(ran).toEqual(["stale"]);
      const { jobs: after } = await scheduler.jobs({ id: stale.id });
      expect(after[0]).toMatchObject({ state: "completed" });
    });

    it("stops gracefully: waits for a running job, then unlocks", async () => {
      const scheduler = make();
      let finished = false;
      let started = false;
      scheduler.define("slow", async () => {
        started = true;
        await sleep(400);
        finished = true;
      });
      await scheduler.start();
      const job = await scheduler.now("slow", {});
      await waitFor("the job to start", () => started);
      await scheduler.stop({ timeoutMs: 5_000 });
      expect(finished).toBe(true);
      expect(scheduler.state().running).toBe(false);

      const reader = make();
      const { jobs } = await reader.jobs({ id: job.id });
      expect(jobs[0]!.lockedAt).toBeUndefined();
      expect(jobs[0]!.lastFinishedAt).toBeInstanceOf(Date);
    });

    it("stops within its timeout and releases a job that is still running for a re-run", async () => {
      const scheduler = make();
      let release!: () => void;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      let started = false;
      scheduler.define("stuck", async () => {
        started = true;
        await gate;
      });
      await scheduler.start();
      const job = await scheduler.now("stuck", {});
      await waitFor("the job to start", () => started);
      const t0 = Date.now();
      await scheduler.stop({ timeoutMs: 200 });
      expect(Date.now() - t0).toBeLessThan(1_500);

      const next = make();
      const { jobs } = await next.jobs({ id: job.id });
      expect(jobs[0]!.lockedAt).toBeUndefined();
      expect(jobs[0]!.nextRunAt).toBeInstanceOf(Date);
      let rerun = false;
      next.define("stuck", () => {
        rerun = true;
      });
      await next.start();
      await waitFor("the re-run", () => rerun, 5_000);
      release();
      await sleep(50);
    });

    it("releases jobs it locked but had not started when it stops", async () => {
      const scheduler = make({ processEvery: 1_000 });
      const ran: number[] = [];
      scheduler.define("soon", () => {
        ran.push(Date.now());
      });
      // Due within the next scan: locked by the first scan and held on a timer.
      const job = await scheduler.schedule(new Date(Date.now() + 700), "soon", {});
      await scheduler.start();
      await waitFor("the job to be locked", async () => {
        const { jobs } = await scheduler.jobs({ id: job.id });
        return jobs[0]?.lockedAt !== undefined;
      });
      await scheduler.stop();
      await sleep(900);
      expect(ran).toEqual([]);

      const next = make();
      next.define("soon", () => {
        ran.push(Date.now());
      });
      const { jobs } = await next.jobs({ id: job.id });
      expect(jobs[0]!.lockedAt).toBeUndefined();
      await next.start();
      await waitFor("the job to run on the next scheduler", () => ran.length === 1, 5_000);
    });

    it("cancels, disables and enables jobs", async () => {
      const scheduler = make();
      const ran: string[] = [];
      scheduler.define<{ id: string }>("reminder", (job) => {
        ran.push(job.attrs.data.id);
      });
      const keep = await scheduler.now("reminder", { id: "keep" });
      await scheduler.now("reminder", { id: "drop" });
      await scheduler.now("reminder", { id: "later" });
      expect(await scheduler.cancel({})).toBe(0);
      expect(await scheduler.cancel({ name: "reminder", data: { id: "drop" } })).toBe(1);
      expect(await scheduler.disable({ data: { id: "later" } })).toBe(1);
      expect((await scheduler.jobs({ state: "paused" })).total).toBe(1);

      await scheduler.start();
      await waitFor("the enabled job", () => ran.length === 1);
      await sleep(3 * PROCESS_EVERY);
      expect(ran).toEqual(["keep"]);
      expect(await scheduler.enable({ data: { id: "later" } })).toBe(1);
      await waitFor("the re-enabled job", () => ran.length === 2);
      expect(ran).toEqual(["keep", "later"]);
      expect((await scheduler.jobs({ id: keep.id })).jobs[0]?.state).toBe("completed");
    });

    it("reports its state", async () => {
      const scheduler = make();
      expect(scheduler.state()).toEqual({ backend, running: false, connected: false });
      scheduler.define("noop", () => {});
      await scheduler.every("1 hour", "noop", {}, { skipImmediate: true });
      await scheduler.start();
      const state = await scheduler.refreshState();
      expect(state).toMatchObject({ backend, running: true, connected: true, jobs: { total: 1, repeating: 1 } });
      expect(state.lastError).toBeUndefined();
      expect(typeof state.jobsCountedAt).toBe("string");
      await scheduler.stop();
      expect(scheduler.state()).toMatchObject({ running: false, connected: false });
      // start / stop / start again
      await scheduler.start();
      expect(scheduler.state().running).toBe(true);
    });
  });
