// The embedded store: durable (acknowledged = fdatasync'ed) writes, sequential and with concurrent
// writers sharing fsyncs (group commit), and lookups by a unique key.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { EmbeddedStore } from "../../../runtime/src/store/index.ts";
import { type BenchRow, type BenchSuite, opsPerSecond } from "../harness.ts";

const SECONDS = 2;
const WRITERS = 64;

/** `writers` independent loops calling `op` for about `seconds`; completed operations per second. */
async function concurrentOpsPerSecond(
  op: (n: number) => Promise<unknown>,
  writers: number,
  seconds: number,
): Promise<number> {
  let n = 0;
  const warmUntil = performance.now() + 200;
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (performance.now() < warmUntil) await op(n++);
    }),
  );
  let done = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (performance.now() < end) {
        await op(n++);
        done++;
      }
    }),
  );
  return done / ((performance.now() - start) / 1000);
}

function session(n: number): Record<string, unknown> {
  return {
    ref: `R-${n}`,
    station: `ST-${n % 50}`,
    connector: n % 4,
    kwh: (n % 97) * 0.5,
    startedAt: new Date(1_735_689_600_000 + n * 60_000),
    amount: "12.34",
    status: "closed",
  };
}

const suite: BenchSuite = {
  name: "store",
  async run(): Promise<BenchRow[]> {
    const dir = await mkdtemp(path.join(tmpdir(), "voltrate-bench-store-"));
    const rows: BenchRow[] = [];
    try {
      const store = await EmbeddedStore.open({ dataDir: dir });
      const sessions = store.collection("sessions");
      await sessions.createIndex({ key: { ref: 1 }, unique: true });

      let seq = 0;
      const syncs0 = store.stats.syncs;
      const sequential = await opsPerSecond(() => sessions.insertOne(session(seq++)), SECONDS);
      rows.push({
        name: "embedded store: durable insertOne, 1 writer",
        value: sequential,
        unit: "ops/s",
        target: ">= 1,000/s",
        note: `one fdatasync per write (${store.stats.syncs - syncs0} syncs)`,
      });

      const syncs1 = store.stats.syncs;
      const records1 = store.stats.records;
      const concurrent = await concurrentOpsPerSecond(() => sessions.insertOne(session(seq++)), WRITERS, SECONDS);
      const perSync = (store.stats.records - records1) / Math.max(1, store.stats.syncs - syncs1);
      rows.push({
        name: `embedded store: durable insertOne, ${WRITERS} writers`,
        value: concurrent,
        unit: "ops/s",
        target: ">= 5,000/s",
        note: `group commit: ${perSync.toFixed(1)} writes per fdatasync`,
      });

      const total = seq;
      let probe = 0;
      const lookups = await opsPerSecond(() => sessions.findOne({ ref: `R-${(probe++ * 7919) % total}` }), SECONDS);
      rows.push({
        name: "embedded store: findOne by unique key",
        value: lookups,
        unit: "ops/s",
        target: ">= 50,000/s",
        note: `${total.toLocaleString("en-US")} documents`,
      });

      let u = 0;
      const updatesSequential = await opsPerSecond(
        () =>
          sessions.updateOne({ ref: `R-${(u++ * 7919) % total}` }, { $inc: { kwh: 1 }, $set: { status: "billed" } }),
        SECONDS,
      );
      rows.push({
        name: "embedded store: durable updateOne by unique key, 1 writer",
        value: updatesSequential,
        unit: "ops/s",
        target: ">= 1,000/s",
      });

      const syncs2 = store.stats.syncs;
      const records2 = store.stats.records;
      const updatesConcurrent = await concurrentOpsPerSecond(
        (n) => sessions.updateOne({ ref: `R-${(n * 7919) % total}` }, { $inc: { kwh: 1 } }),
        WRITERS,
        SECONDS,
      );
      rows.push({
        name: `embedded store: durable updateOne by unique key, ${WRITERS} writers`,
        value: updatesConcurrent,
        unit: "ops/s",
        target: ">= 5,000/s",
        note: `group commit: ${((store.stats.records - records2) / Math.max(1, store.stats.syncs - syncs2)).toFixed(1)} writes per fdatasync`,
      });

      const count = await sessions.countDocuments();
      const closeStart = performance.now();
      await store.close();
      rows.push({
        name: "embedded store: close (snapshot + compaction)",
        value: performance.now() - closeStart,
        unit: "ms",
        note: `${count.toLocaleString("en-US")} documents`,
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    return rows;
  },
};

export default suite;
