// What one journal record holds. A record is the unit of atomicity: every store operation writes
// exactly one (or none when it changes nothing), and recovery applies a record whole or not at all.
// Writes are logged as their results (full new documents, deleted ids), not as the operations that
// produced them, so replay does not depend on query or update semantics.
import type { IndexSpec } from "../types.ts";
import type { StoredDoc } from "./collection-state.ts";

export type JournalRecord =
  /** Documents inserted or replaced (`put`) and documents removed (`del`) in collection `c`. */
  | { op: "w"; c: string; put?: StoredDoc[]; del?: string[] }
  /** An index created on collection `c`. */
  | { op: "index"; c: string; spec: IndexSpec }
  /** Counter `n` now has value `v`. */
  | { op: "seq"; n: string; v: number };
