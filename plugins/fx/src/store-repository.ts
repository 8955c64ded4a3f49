// The repository on the plugin's store collection (the host's embedded store or MongoDB): one document per
// publication date, `_id` = the date. Writes are conditional on the revision read, so two imports of the same
// date at once cannot lose a correction: the loser reads again and merges on top.
import type { Collection, WithId } from "@voltrate/sdk";
import type { EcbPublication } from "./ecb-xml.ts";
import {
  type FxRateRepository,
  mergePublication,
  type RecordMeta,
  type RecordOutcome,
  type StoredPublication,
} from "./repository.ts";

export type PublicationDoc = StoredPublication & { _id: string };

const MAX_ATTEMPTS = 5;
const INSERT_BATCH = 500;

function isDuplicateKey(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "DUPLICATE_KEY";
}

function strip(doc: WithId<PublicationDoc> | null): StoredPublication | null {
  if (!doc) return null;
  const { _id: _, ...publication } = doc;
  return publication;
}

export class StoreFxRateRepository implements FxRateRepository {
  readonly #collection: Collection<PublicationDoc>;

  constructor(collection: Collection<PublicationDoc>) {
    this.#collection = collection;
  }

  async init(): Promise<void> {
    await this.#collection.createIndex({ key: { date: 1 }, unique: true, name: "date_unique" });
  }

  async recordAll(publications: readonly EcbPublication[], meta: RecordMeta): Promise<RecordOutcome[]> {
    if (publications.length === 0) return [];
    const dates = publications.map((p) => p.date);
    const sorted = [...dates].sort();
    const stored = await this.#collection.find({ date: { $gte: sorted[0], $lte: sorted.at(-1) } });
    const byDate = new Map(stored.map((doc) => [doc.date, strip(doc) as StoredPublication]));

    const outcomes: RecordOutcome[] = new Array(publications.length);
    const inserts: { index: number; doc: PublicationDoc }[] = [];
    const later: number[] = [];
    publications.forEach((publication, index) => {
      const existing = byDate.get(publication.date) ?? null;
      if (existing) {
        // Unchanged against what was just read: nothing to write. A change is written conditionally below.
        const { outcome } = mergePublication(existing, publication, meta);
        if (outcome.status === "unchanged") outcomes[index] = outcome;
        else later.push(index);
        return;
      }
      const { next, outcome } = mergePublication(null, publication, meta);
      inserts.push({ index, doc: { _id: next.date, ...next } });
      outcomes[index] = outcome;
    });

    for (let i = 0; i < inserts.length; i += INSERT_BATCH) {
      const batch = inserts.slice(i, i + INSERT_BATCH);
      try {
        await this.#collection.insertMany(batch.map((b) => b.doc));
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        // Someone else stored some of these dates meanwhile: record each one on its own (idempotent).
        for (const b of batch) later.push(b.index);
      }
    }
    for (const index of later) {
      outcomes[index] = await this.#recordOne(publications[index] as EcbPublication, meta);
    }
    return outcomes;
  }

  async #recordOne(publication: EcbPublication, meta: RecordMeta): Promise<RecordOutcome> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const existing = strip(await this.#collection.findOne({ _id: publication.date }));
      const { next, outcome } = mergePublication(existing, publication, meta);
      if (outcome.status === "unchanged") return outcome;
      if (!existing) {
        try {
          await this.#collection.insertOne({ _id: next.date, ...next });
          return outcome;
        } catch (error) {
          if (isDuplicateKey(error)) continue;
          throw error;
        }
      }
      const result = await this.#collection.updateOne(
        { _id: publication.date, revision: existing.revision },
        { $set: { rates: next.rates, revision: next.revision, corrections: next.corrections } },
      );
      if (result.matchedCount === 1) return outcome;
    }
    throw new Error(`the publication of ${publication.date} kept changing while it was being recorded; try again`);
  }

  async get(date: string): Promise<StoredPublication | null> {
    return strip(await this.#collection.findOne({ _id: date }));
  }

  async onOrBefore(date: string): Promise<StoredPublication | null> {
    const [doc] = await this.#collection.find({ date: { $lte: date } }, { sort: { date: -1 }, limit: 1 });
    return strip(doc ?? null);
  }

  async newest(): Promise<StoredPublication | null> {
    const [doc] = await this.#collection.find({}, { sort: { date: -1 }, limit: 1 });
    return strip(doc ?? null);
  }

  async oldest(): Promise<StoredPublication | null> {
    const [doc] = await this.#collection.find({}, { sort: { date: 1 }, limit: 1 });
    return strip(doc ?? null);
  }
}
