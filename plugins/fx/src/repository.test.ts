import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore, type Store } from "@voltrate/runtime/store";
import { DuplicateKeyError } from "@voltrate/sdk";
import { afterEach, describe, expect, it } from "vitest";
import { type EcbPublication, parseEcbXml } from "./ecb-xml.ts";
import { type FxRateRepository, InMemoryFxRateRepository } from "./repository.ts";
import { type PublicationDoc, StoreFxRateRepository } from "./store-repository.ts";
import { histXml } from "./testing/fixtures.ts";

const hist = parseEcbXml(histXml()).publications;
const first = { source: "hist.xml", at: new Date("2025-03-10T15:00:00Z") };
const later = { source: "corrected.xml", at: new Date("2025-03-11T15:00:00Z") };
const friday = (rates: Record<string, string>): EcbPublication => ({ date: "2025-03-07", rates });

// The store-backed repository runs on the runtime's embedded store, in a temporary folder per test.
const dataDirs: string[] = [];
const openStores = new Set<Store>();

async function openTempStore(dataDir?: string): Promise<{ store: Store; dataDir: string }> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), "voltrate-fx-store-"));
  if (!dataDir) dataDirs.push(dir);
  const store = await openStore({ dataDir: dir });
  openStores.add(store);
  return { store, dataDir: dir };
}

async function closeStore(store: Store): Promise<void> {
  openStores.delete(store);
  await store.close();
}

afterEach(async () => {
  for (const store of [...openStores]) await closeStore(store);
  for (const dir of dataDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const ratesOf = (store: Store) => store.collection<PublicationDoc>("plugin.fx.rates");

const implementations: [string, () => Promise<FxRateRepository>][] = [
  ["in memory", async () => new InMemoryFxRateRepository()],
  ["on the embedded store", async () => new StoreFxRateRepository(ratesOf((await openTempStore()).store))],
];

describe.each(implementations)("FxRateRepository %s", (_, create) => {
  async function loaded(): Promise<FxRateRepository> {
    const repository = await create();
    await repository.init();
    await repository.recordAll(hist, first);
    return repository;
  }

  it("stores publications with their date and finds the last one on or before a date", async () => {
    const repository = await loaded();
    expect(await repository.get("2025-03-07")).toEqual({
      date: "2025-03-07",
      rates: { USD: "1.0500", JPY: "157.50", GBP: "0.84000", CHF: "0.9500", SEK: "11.0000", PLN: "4.2000" },
      revision: 1,
      importedAt: "2025-03-10T15:00:00.000Z",
      source: "hist.xml",
      corrections: [],
    });
    expect((await repository.onOrBefore("2025-03-09"))?.date).toBe("2025-03-07"); // Sunday → Friday
    expect((await repository.onOrBefore("2025-03-10"))?.date).toBe("2025-03-10");
    expect((await repository.onOrBefore("2099-01-01"))?.date).toBe("2025-03-10");
    expect(await repository.onOrBefore("2025-02-23")).toBeNull();
    expect((await repository.newest())?.date).toBe("2025-03-10");
    expect((await repository.oldest())?.date).toBe("2025-02-24");
    expect(await repository.get("2025-03-08")).toBeNull();
  });

  it("is idempotent: the same document again changes nothing", async () => {
    const repository = await loaded();
    const outcomes = await repository.recordAll(hist, later);
    expect(outcomes.every((o) => o.status === "unchanged")).toBe(true);
    expect(outcomes).toHaveLength(11);
    expect(await repository.get("2025-03-07")).toMatchObject({ revision: 1, source: "hist.xml", corrections: [] });
  });

  it("records a re-published different rate as a correction and keeps the history", async () => {
    const repository = await loaded();
    const [outcome] = await repository.recordAll(
      [friday({ USD: "1.0501", JPY: "157.50", GBP: "0.84000", CHF: "0.9500", SEK: "11.0000", PLN: "4.2000" })],
      later,
    );
    expect(outcome).toEqual({
      date: "2025-03-07",
      status: "corrected",
      changes: [
        {
          currency: "USD",
          previous: "1.0500",
          rate: "1.0501",
          revision: 2,
          at: "2025-03-11T15:00:00.000Z",
          source: "corrected.xml",
        },
      ],
    });
    // Back to the original figure: a second correction, and both stay in the history.
    await repository.recordAll([friday({ USD: "1.0500" })], {
      source: "again.xml",
      at: new Date("2025-03-12T09:00:00Z"),
    });
    const stored = await repository.get("2025-03-07");
    expect(stored?.rates.USD).toBe("1.0500");
    expect(stored?.revision).toBe(3);
    expect(stored?.corrections.map((c) => [c.revision, c.previous, c.rate, c.source])).toEqual([
      [2, "1.0500", "1.0501", "corrected.xml"],
      [3, "1.0501", "1.0500", "again.xml"],
    ]);
    expect(stored?.importedAt).toBe("2025-03-10T15:00:00.000Z");
  });

  it("adds a currency published later and keeps a currency a later document leaves out", async () => {
    const repository = await loaded();
    const [outcome] = await repository.recordAll([friday({ USD: "1.0500", NOK: "11.5200" })], later);
    expect(outcome).toMatchObject({
      status: "corrected",
      changes: [{ currency: "NOK", rate: "11.5200", revision: 2 }],
    });
    expect(outcome?.status === "corrected" && "previous" in outcome.changes[0]!).toBe(false);
    const stored = await repository.get("2025-03-07");
    expect(stored?.rates).toMatchObject({ USD: "1.0500", NOK: "11.5200", GBP: "0.84000" });
  });

  it("returns copies: changing a result does not change what is stored", async () => {
    const repository = await loaded();
    const one = await repository.get("2025-03-07");
    one!.rates.USD = "9";
    expect((await repository.get("2025-03-07"))?.rates.USD).toBe("1.0500");
  });
});

describe("StoreFxRateRepository on the embedded store", () => {
  it("creates a unique index on the date", async () => {
    const { store } = await openTempStore();
    const collection = ratesOf(store);
    const repository = new StoreFxRateRepository(collection);
    await repository.init();
    await repository.init(); // idempotent
    await repository.recordAll(hist, first);
    // Another document for a date already stored is refused by the index, whatever its _id.
    const duplicate = { ...(await repository.get("2025-03-07"))!, _id: "another id" };
    const error = await collection.insertOne(duplicate).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DuplicateKeyError);
    expect(error).toMatchObject({ index: "date_unique", keyValue: { date: "2025-03-07" } });
    // The index is the unique one on { date: 1 }: an index of another shape on the same key conflicts with it.
    await expect(collection.createIndex({ key: { date: 1 }, name: "date_unique" })).rejects.toMatchObject({
      code: "INDEX_CONFLICT",
    });
    expect(await collection.createIndex({ key: { date: 1 }, unique: true, name: "date_unique" })).toBe("date_unique");
    expect(await collection.countDocuments()).toBe(11);
  });

  it("keeps one document per date when two imports of the same file run at once", async () => {
    const { store } = await openTempStore();
    const collection = ratesOf(store);
    const a = new StoreFxRateRepository(collection);
    const b = new StoreFxRateRepository(collection);
    await a.init();
    const [ra, rb] = await Promise.all([a.recordAll(hist, first), b.recordAll(hist, first)]);
    expect(await collection.countDocuments()).toBe(11);
    const inserted = [...ra, ...rb].filter((o) => o.status === "inserted").length;
    const unchanged = [...ra, ...rb].filter((o) => o.status === "unchanged").length;
    expect([inserted, unchanged]).toEqual([11, 11]);
  });

  it("loses no correction when two corrections of the same date are recorded at once", async () => {
    const { store } = await openTempStore();
    const collection = ratesOf(store);
    const repository = new StoreFxRateRepository(collection);
    await repository.recordAll(hist, first);
    await Promise.all([
      repository.recordAll([friday({ USD: "1.0501" })], later),
      new StoreFxRateRepository(collection).recordAll([friday({ GBP: "0.84010" })], later),
    ]);
    const stored = await repository.get("2025-03-07");
    expect(stored?.rates).toMatchObject({ USD: "1.0501", GBP: "0.84010" });
    expect(stored?.revision).toBe(3);
    expect(stored?.corrections.map((c) => c.currency).sort()).toEqual(["GBP", "USD"]);
  });

  it("keeps the publications and their corrections when the store is closed and opened again", async () => {
    const { store, dataDir } = await openTempStore();
    const repository = new StoreFxRateRepository(ratesOf(store));
    await repository.init();
    await repository.recordAll(hist, first);
    await repository.recordAll([friday({ USD: "1.0501" })], later);
    const before = await repository.get("2025-03-07");
    await closeStore(store);

    const reopened = new StoreFxRateRepository(ratesOf((await openTempStore(dataDir)).store));
    await reopened.init();
    expect(await reopened.get("2025-03-07")).toEqual(before);
    expect((await reopened.onOrBefore("2025-03-09"))?.date).toBe("2025-03-07");
    expect((await reopened.newest())?.date).toBe("2025-03-10");
    expect((await reopened.oldest())?.date).toBe("2025-02-24");
    const again = await reopened.recordAll(hist, { source: "hist.xml", at: new Date("2025-03-12T09:00:00Z") });
    expect(again.filter((o) => o.status === "unchanged")).toHaveLength(10);
    expect(again.find((o) => o.date === "2025-03-07")).toMatchObject({
      status: "corrected",
      changes: [{ currency: "USD", previous: "1.0501", rate: "1.0500", revision: 3 }],
    });
  });
});
