// The audit trail of rule sets: one entry per change — who, when, what, why — in the `ruleset_audit` collection.
// Entries are only ever inserted; `seq` (a store counter) orders entries recorded in the same millisecond.
import type { Collection, Store } from "@voltrate/sdk";
import type { Actor } from "./types.ts";

export const AUDIT_COLLECTION = "ruleset_audit";

/** What happened. */
export type AuditAction =
  | "ruleset.created"
  | "draft.saved"
  | "draft.imported"
  | "version.published"
  | "version.scheduled"
  | "version.activated"
  | "version.retired"
  | "version.cancelled"
  | "version.rolled-back";

export const AUDIT_ACTIONS: readonly AuditAction[] = [
  "ruleset.created",
  "draft.saved",
  "draft.imported",
  "version.published",
  "version.scheduled",
  "version.activated",
  "version.retired",
  "version.cancelled",
  "version.rolled-back",
];

export type AuditEntry = {
  _id: string;
  seq: number;
  rulesetId: string;
  action: AuditAction;
  /** When it was recorded. */
  at: Date;
  /** Who did it (the scheduler for activations and retirements). */
  actor: Actor;
  /** The version concerned, when one is. */
  version?: number;
  /** The draft revision concerned, when one is. */
  draftRevision?: number;
  /** Why: the comment the actor gave. */
  comment?: string;
  /** One line for people, e.g. "published version 3, effective 2025-03-01T00:00:00+01:00". */
  summary: string;
  /** Facts specific to the action (effective date, source folder, superseding version, diff summary, …). */
  details?: Record<string, unknown>;
};

export type NewAuditEntry = Omit<AuditEntry, "_id" | "seq" | "at"> & { at?: Date };

export interface AuditQuery {
  action?: AuditAction;
  version?: number;
  /** Entries with a seq below this one (paging backwards from the newest). */
  before?: number;
  /** At most this many, newest first (default 100). */
  limit?: number;
}

export class AuditLog {
  private readonly store: Store;
  private readonly entries: Collection<AuditEntry>;

  constructor(store: Store) {
    this.store = store;
    this.entries = store.collection<AuditEntry>(AUDIT_COLLECTION);
  }

  async init(): Promise<void> {
    await this.entries.createIndex({ key: { rulesetId: 1, seq: -1 }, name: "ruleset_seq" });
  }

  async record(entry: NewAuditEntry): Promise<AuditEntry> {
    const seq = await this.store.nextSequence(AUDIT_COLLECTION);
    const doc: AuditEntry = {
      ...entry,
      _id: `audit_${String(seq).padStart(12, "0")}`,
      seq,
      at: entry.at ?? new Date(),
    };
    await this.entries.insertOne(doc);
    return doc;
  }

  /** A rule set's entries, newest first. */
  async list(rulesetId: string, query: AuditQuery = {}): Promise<AuditEntry[]> {
    const filter: Record<string, unknown> = { rulesetId };
    if (query.action) filter.action = query.action;
    if (query.version !== undefined) filter.version = query.version;
    if (query.before !== undefined) filter.seq = { $lt: query.before };
    return this.entries.find(filter, { sort: { seq: -1 }, limit: query.limit ?? 100 });
  }
}
