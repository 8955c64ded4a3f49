import { MongoClient } from "mongodb";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Store } from "../store/types.ts";
import { createScheduler, type Scheduler } from "./scheduler.ts";
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
  describe.skipIf(backend === "mongodb" && !mongodbUrl)(`scheduled jobs survive a restart (${backend})`, () => {
    let dataDir: string;
    let collection: string;
    let store: Store | undefined;
    let scheduler: Scheduler | undefined;

    /** One process lifetime: the store opened on the data folder, a scheduler on it. */
    async function boot(): Promise<Scheduler> {
      store = await openEmbeddedStore(dataDir);
      scheduler = createScheduler({
        store,
        logger: silent,
        collection,
        processEvery: PROCESS_EVERY,
        ...(mongodbUrl ? { mongodbUrl } : {}),
      });
      return scheduler;
    }

    async function shutdown(): Promise<void> {
      await scheduler?.stop();
      scheduler = undefined;
      await store?.close();
      store = undefined;
    }

    beforeEach(async () => {
      dataDir = await makeDataDir();
      collection = uniqueName("scheduler_jobs");
    });

    afterEach(async () => {
      await shutdown();
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

    it("runs a one-off job scheduled before the restart", async () => {
      const first = await boot();
      const ran: unknown[] = [];
      first.define("invoice.send", (job) => {
        ran.push(job.attrs.data);
      });
      await first.start();
      const when = new Date(Date.now() + 1_500);
      const scheduled = await first.schedule(when, "invoice.send", { invoiceId: "INV-7", total: { amount: "12.50" } });
      await shutdown();
      expect(ran).toEqual([]);

      const second = await boot();
      const after: { at: number; data: unknown }[] = [];
      second.define("invoice.send", (job) => {
        after.push({ at: Date.now(), data: job.attrs.data });
      });
      const { jobs } = await second.jobs({ id: scheduled.id });
      expect(jobs[0]?.nextRunAt).toEqual(when);
      await second.start();
      await waitFor("the job after the restart", () => after.length === 1, 5_000);
      expect(after[0]!.at).toBeGreaterThanOrEqual(when.getTime());
      expect(after[0]!.data).toEqual({ invoiceId: "INV-7", total: { amount: "12.50" } });
      await sleep(5 * PROCESS_EVERY);
      expect(after).toHaveLength(1);
      expect(ran).toEqual([]);
    });

    it("keeps a recurring job recurring, without duplicating it", async () => {
      const first = await boot();
      let before = 0;
      first.define("tariffs.refresh", () => {
        before++;
      });
      await first.start();
      await first.every("1 second", "tariffs.refresh", { source: "ocpi" });
      await waitFor("a first run", () => before >= 1, 5_000);
      await shutdown();

      const second = await boot();
      const runs: unknown[] = [];
      second.define("tariffs.refresh", (job) => {
        runs.push(job.attrs.data);
      });
      // Start-up code declares its recurring jobs again, as on every boot.
      await second.every("1 second", "tariffs.refresh", { source: "ocpi" });
      await second.start();
      await waitFor("two runs after the restart", () => runs.length >= 2, 6_000);
      expect(runs[0]).toEqual({ source: "ocpi" });
      const { jobs, total } = await second.jobs({ name: "tariffs.refresh" });
      expect(total).toBe(1);
      expect(jobs[0]?.repeatInterval).toBe("1 second");
    });
  });
