// Where ECB publications are kept. One record per publication date with the rates as published; a later import
// that publishes a different rate for a date already stored is a correction: the new rate replaces the old one
// and the change is appended to the record's history, so that what was known when stays visible.
import type { EcbPublication } from "./ecb-xml.ts";

/** One change to a stored publication after its first import. */
export interface FxCorrection {
  currency: string;
  /** The rate before; absent when the currency was added by the later import. */
  previous?: string;
  rate: string;
  /** The revision of the publication this change produced. */
  revision: number;
  /** When the change was recorded (ISO 8601 instant). */
  at: string;
  /** Where the correcting document came from (file path or URL). */
  source: string;
}

// A type alias rather than an interface, so that it is assignable to the store's `Doc` (an indexable record).
export type StoredPublication = {
  /** The publication date (YYYY-MM-DD). */
  date: string;
  /** Currency → units per 1 EUR, exactly as published (the latest revision). */
  rates: Record<string, string>;
  /** 1 on the first import; +1 for every import that changed or added a rate. */
  revision: number;
  importedAt: string;
  /** Where the first import came from. */
  source: string;
  corrections: FxCorrection[];
};

export type RecordOutcome =
  | { date: string; status: "inserted" }
  | { date: string; status: "unchanged" }
  | { date: string; status: "corrected"; changes: FxCorrection[] };

export interface RecordMeta {
  /** Where the document came from (file path or URL). */
  source: string;
  /** When it is recorded. */
  at: Date;
}

export interface FxRateRepository {
  /** Prepares the storage (indexes); idempotent. */
  init(): Promise<void>;
  /** Records publications (idempotent: the same rates again change nothing). Outcomes in the input order. */
  recordAll(publications: readonly EcbPublication[], meta: RecordMeta): Promise<RecordOutcome[]>;
  /** The publication of exactly that date. */
  get(date: string): Promise<StoredPublication | null>;
  /** The last publication on or before the date (YYYY-MM-DD). */
  onOrBefore(date: string): Promise<StoredPublication | null>;
  newest(): Promise<StoredPublication | null>;
  oldest(): Promise<StoredPublication | null>;
}

/**
 * Merges an incoming publication into what is stored for its date. Rates never disappear: a currency missing from
 * the incoming document keeps its stored rate. Pure; shared by every repository implementation.
 */
export function mergePublication(
  existing: StoredPublication | null,
  incoming: EcbPublication,
  meta: RecordMeta,
): { next: StoredPublication; outcome: RecordOutcome } {
  const at = meta.at.toISOString();
  if (!existing) {
    return {
      next: {
        date: incoming.date,
        rates: { ...incoming.rates },
        revision: 1,
        importedAt: at,
        source: meta.source,
        corrections: [],
      },
      outcome: { date: incoming.date, status: "inserted" },
    };
  }
  const revision = existing.revision + 1;
  const changes: FxCorrection[] = [];
  for (const [currency, rate] of Object.entries(incoming.rates)) {
    const previous = existing.rates[currency];
    if (previous === rate) continue;
    changes.push({
      currency,
      ...(previous !== undefined ? { previous } : {}),
      rate,
      revision,
      at,
      source: meta.source,
    });
  }
  if (changes.length === 0) return { next: existing, outcome: { date: incoming.date, status: "unchanged" } };
  return {
    next: {
      ...existing,
      rates: { ...existing.rates, ...incoming.rates },
      revision,
      corrections: [...existing.corrections, ...changes],
    },
    outcome: { date: incoming.date, status: "corrected", changes },
  };
}

/** A repository in memory, for tests and tools; the plugin uses the store-backed one. */
export class InMemoryFxRateRepository implements FxRateRepository {
  readonly #byDate = new Map<string, StoredPublication>();

  async init(): Promise<void> {}

  async recordAll(publications: readonly EcbPublication[], meta: RecordMeta): Promise<RecordOutcome[]> {
    return publications.map((publication) => {
      const { next, outcome } = mergePublication(this.#byDate.get(publication.date) ?? null, publication, meta);
      this.#byDate.set(publication.date, next);
      return outcome;
    });
  }

  async get(date: string): Promise<StoredPublication | null> {
    return this.#copy(this.#byDate.get(date));
  }

  async onOrBefore(date: string): Promise<StoredPublication | null> {
    let best: StoredPublication | undefined;
    for (const p of this.#byDate.values()) if (p.date <= date && (!best || p.date > best.date)) best = p;
    return this.#copy(best);
  }

  async newest(): Promise<StoredPublication | null> {
    return this.onOrBefore("9999-12-31");
  }

  async oldest(): Promise<StoredPublication | null> {
    let best: StoredPublication | undefined;
    for (const p of this.#byDate.values()) if (!best || p.date < best.date) best = p;
    return this.#copy(best);
  }

  #copy(p: StoredPublication | undefined): StoredPublication | null {
    return p ? structuredClone(p) : null;
  }
}
