// The master data read cache on the real embedded store: a repeated lookup is answered from memory, every write
// through any repository on the store is seen by the next lookup, a cached answer cannot be changed by a caller, and
// — for stores other processes write to (MongoDB) — the shared generation document makes one process see another's
// writes. Two caches on one store stand in for two processes here: they share the data but not their memory.
import { describe, expect, it } from "vitest";
import { MasterDataReadCache, readCacheOf } from "./read-cache.ts";
import { createMasterData } from "./service.ts";
import { testActor as by, useMasterDataWithBasics } from "./test-support.ts";

const world = useMasterDataWithBasics();

const FEB = "2026-02-15T12:00:00Z";
const APR = "2026-04-15T12:00:00Z";

describe("master data read cache", () => {
  it("answers a repeated lookup from memory, with the same result", async () => {
    const cache = readCacheOf(world.ctx.store);
    const first = await world.ctx.md.tokens.byUid("04AA11BB22", FEB);
    const before = { ...cache.stats };
    const second = await world.ctx.md.tokens.byUid("04AA11BB22", FEB);
    expect(second).toEqual(first);
    // byUid = key owner + the token's records: two lookups, both hits.
    expect(cache.stats.hits - before.hits).toBe(2);
    expect(cache.stats.misses - before.misses).toBe(0);
  });

  it("sees a write made through another repository on the same store at the next lookup", async () => {
    const other = createMasterData(world.ctx.store, { now: world.ctx.clock.now });
    expect((await world.ctx.md.contracts.get(world.basics.contractId, APR))?.data.productCode).toBe("FLEX");
    await other.contracts.change(
      world.basics.contractId,
      { effectiveFrom: "2026-04-01T00:00:00Z", data: { productCode: "FLEX-PLUS" } },
      by,
    );
    expect((await world.ctx.md.contracts.get(world.basics.contractId, APR))?.data.productCode).toBe("FLEX-PLUS");
    // The period before the change keeps its answer.
    expect((await world.ctx.md.contracts.get(world.basics.contractId, FEB))?.data.productCode).toBe("FLEX");
  });

  it("forgets a missing key once a record claims it", async () => {
    expect(await world.ctx.md.tokens.byUid("04CC33DD44", APR)).toBeNull();
    await world.ctx.md.tokens.create(
      {
        data: { uid: "04CC33DD44", type: "RFID", contractId: world.basics.contractId },
        validFrom: "2026-03-01T00:00:00Z",
      },
      by,
    );
    expect((await world.ctx.md.tokens.byUid("04CC33DD44", APR))?.data.uid).toBe("04CC33DD44");
  });

  it("forgets the referrers of an entity when a new one refers to it", async () => {
    expect(await world.ctx.md.tokens.ofContract(world.basics.contractId, APR)).toHaveLength(1);
    await world.ctx.md.tokens.create(
      {
        data: { uid: "04EE55FF66", type: "RFID", contractId: world.basics.contractId },
        validFrom: "2026-03-01T00:00:00Z",
      },
      by,
    );
    const tokens = await world.ctx.md.tokens.ofContract(world.basics.contractId, APR);
    expect(tokens.map((t) => t.data.uid).sort()).toEqual(["04AA11BB22", "04EE55FF66"]);
  });

  it("hands out answers no caller can change", async () => {
    const token = await world.ctx.md.tokens.byUid("04AA11BB22", FEB);
    expect(token).not.toBeNull();
    expect(() => {
      (token?.data as { uid: string }).uid = "tampered";
    }).toThrow(TypeError);
    expect((await world.ctx.md.tokens.byUid("04AA11BB22", FEB))?.data.uid).toBe("04AA11BB22");
  });

  it("with a shared generation, one process sees another's write; without, it would not", async () => {
    const clock = { now: world.ctx.clock.now };
    const processA = createMasterData(world.ctx.store, {
      ...clock,
      cache: new MasterDataReadCache(world.ctx.store, { shared: true }),
    });
    const processB = createMasterData(world.ctx.store, {
      ...clock,
      cache: new MasterDataReadCache(world.ctx.store, { shared: true }),
    });
    const isolated = createMasterData(world.ctx.store, {
      ...clock,
      cache: new MasterDataReadCache(world.ctx.store, { shared: false }),
    });
    for (const md of [processA, isolated]) {
      expect((await md.contracts.get(world.basics.contractId, APR))?.data.productCode).toBe("FLEX");
    }
    await processB.contracts.change(
      world.basics.contractId,
      { effectiveFrom: "2026-04-01T00:00:00Z", data: { productCode: "FLEX-PLUS" } },
      by,
    );
    expect((await processA.contracts.get(world.basics.contractId, APR))?.data.productCode).toBe("FLEX-PLUS");
    // The control: a cache that neither reads nor bumps the shared generation keeps its old answer, which is why
    // the shared generation exists (and why an embedded store, owned by one process, can do without it).
    expect((await isolated.contracts.get(world.basics.contractId, APR))?.data.productCode).toBe("FLEX");
  });

  it("shares one generation read among the lookups that arrive while a read is in flight", async () => {
    const cache = new MasterDataReadCache(world.ctx.store, { shared: true });
    const md = createMasterData(world.ctx.store, { now: world.ctx.clock.now, cache });
    const generations = world.ctx.store.collection("master_data_generation");
    const findOne = generations.findOne.bind(generations);
    let reads = 0;
    generations.findOne = ((...args: Parameters<typeof findOne>) => {
      reads++;
      return findOne(...args);
    }) as typeof generations.findOne;
    try {
      await Promise.all(Array.from({ length: 20 }, () => md.tokens.byUid("04AA11BB22", FEB)));
      // 20 lookups × 2 cache reads each; the first round answers the first caller, the second round everyone who
      // came while it was in flight — far fewer than 40 reads.
      expect(reads).toBeGreaterThanOrEqual(1);
      expect(reads).toBeLessThanOrEqual(4);
    } finally {
      generations.findOne = findOne;
    }
  });
});
