// The JSON form of versioned master data: version records, what a lookup returns, timelines and audit entries.
//
// Two time axes (bitemporal):
// - valid time — when something is true in the world: [validFrom, validTo), validTo null = open-ended;
// - transaction time — when we recorded it: recordedAt. Records are never changed or deleted; "as known at T"
//   reads only the records with recordedAt ≤ T.
import type { EntityData, EntityType } from "./entities.ts";

/** Who made a change: an API key's holder, the CLI, the demo loader or the system itself. */
export type Actor = {
  /** The API key id, "cli:<user>", "demo" or "system". */
  id: string;
  name: string;
  role?: string;
  via: "api" | "cli" | "demo" | "system";
};

/** What a version record does on the entity's timeline. */
export const VERSION_ACTIONS = ["create", "change", "terminate", "correct", "withdraw"] as const;
export type VersionAction = (typeof VERSION_ACTIONS)[number];

/**
 * Which master data version a result rests on; what a priced session records to be explained later. `validFrom` /
 * `validTo` are the period in which this version applied, as known when it was looked up.
 */
export type VersionRef = {
  entityType: EntityType;
  entityId: string;
  version: number;
  validFrom: string;
  validTo: string | null;
};

/** A lookup's result: the data in effect, the version it comes from, and the valid-time period of that version. */
export type Resolved<K extends EntityType = EntityType> = VersionRef & {
  data: EntityData[K];
  recordedAt: string;
  recordedBy: Actor;
  /** The transaction time the lookup was made at (null = everything recorded). */
  knownAt: string | null;
};

/**
 * One immutable version record, as recorded. Later records take precedence over earlier ones for the period they
 * cover ([validFrom, validTo)); `state` "absent" says the entity does not exist in that period (a termination).
 */
export type VersionRecord<K extends EntityType = EntityType> = {
  entityType: K;
  entityId: string;
  /** 1, 2, 3, … per entity, in the order of recording. */
  version: number;
  validFrom: string;
  validTo: string | null;
  state: "active" | "absent";
  action: VersionAction;
  recordedAt: string;
  recordedBy: Actor;
  reason?: string;
  /** The data for the period; null when absent. */
  data: EntityData[K] | null;
  /** Corrections and withdrawals: the version whose record this one replaces. */
  replaces?: number;
  /** Records that bring back earlier content: the version the content was copied from. */
  restores?: number;
  /**
   * Set on records that carry a change into a later period: the record it replaces (`replaces`) had inherited the
   * changed fields' old values, so the change applies there too.
   */
  carried?: boolean;
};

/** One period of an entity's valid-time line, as known at some instant. */
export type TimelineSegment<K extends EntityType = EntityType> = {
  validFrom: string;
  validTo: string | null;
  version: number;
  state: "active" | "absent";
  data: EntityData[K] | null;
};

/** Every record of an entity and its valid-time line as known at `knownAt`. */
export type History<K extends EntityType = EntityType> = {
  entityType: K;
  entityId: string;
  knownAt: string | null;
  versions: VersionRecord<K>[];
  timeline: TimelineSegment<K>[];
};

/** One changed field: `before` / `after` are absent when the field was added / removed. */
export type FieldChange = {
  /** "name", "reimbursement.pricePerKwh", "evses[1].maxPowerKw"; "validFrom" / "validTo" for the period. */
  path: string;
  before?: unknown;
  after?: unknown;
};

/** One change to master data: who, when, what (field by field) and why. */
export type AuditEntry = {
  entityType: EntityType;
  entityId: string;
  action: VersionAction;
  /** The version records the change wrote. */
  versions: number[];
  /** Transaction time: when it was recorded. */
  at: string;
  by: Actor;
  reason?: string;
  /** From when the change applies in valid time. */
  effectiveFrom: string;
  /** Until when (exclusive); null = open-ended. */
  effectiveTo: string | null;
  changes: FieldChange[];
  /** Later versions that no longer apply because of this change (e.g. scheduled changes after a termination). */
  overrides?: number[];
  /** The change in words, one line per field. */
  text: string[];
};
