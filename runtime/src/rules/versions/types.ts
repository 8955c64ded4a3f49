// The stored records of rule set versioning: the rule set header, draft revisions, published versions (immutable).
import type { Role } from "@voltrate/sdk";
import type { Ruleset } from "@voltrate/sdk/rules";

/** Who did something: an API key's holder, a user signed in to the studio, a CLI user, or the scheduler. */
export interface Actor {
  /** The API key id, "user:<id>" (studio session), "cli:<user>" or "scheduler". */
  id: string;
  name: string;
  role?: Role;
  via: "api" | "studio" | "cli" | "scheduler";
}

export const SCHEDULER_ACTOR: Actor = Object.freeze({ id: "scheduler", name: "scheduler", via: "scheduler" });

/** A rule set's header (`rulesets`): identity and what the list shows. Content lives in drafts and versions. */
export type RulesetRecord = {
  _id: string;
  name: string;
  administrationId: string;
  side: Ruleset["side"];
  currency: string;
  createdAt: Date;
  createdBy: Actor;
  updatedAt: Date;
  /** The open draft's revision; null when there is none (e.g. right after it was published). */
  openDraftRevision: number | null;
  /** The highest draft revision saved so far (0: none). */
  lastDraftRevision: number;
  /** The highest version number published so far (0: none). */
  lastVersion: number;
};

/** Where a draft revision came from. */
export type DraftSource = "api" | "import" | "create";

/** One saved draft revision (`ruleset_drafts`). Never changed: a new save is a new revision. */
export type DraftRecord = {
  _id: string;
  rulesetId: string;
  revision: number;
  content: Ruleset;
  /** The Blockly workspace (serialization JSON) the rules were compiled from, when edited with blocks. */
  blockly?: unknown;
  /** sha256 of the content's canonical JSON. */
  contentHash: string;
  savedAt: Date;
  savedBy: Actor;
  comment?: string;
  source: DraftSource;
  /** The revision this one was saved over (optimistic concurrency), when the client said. */
  baseRevision?: number;
  /** For imports: the folder or file it was read from. */
  importedFrom?: string;
};

/** Where a version's content came from. */
export type VersionOrigin = { kind: "draft"; revision: number } | { kind: "rollback"; fromVersion: number };

/**
 * A published version (`ruleset_versions`). Its content, valid time (effectiveFrom) and transaction time
 * (recordedAt) never change. The lifecycle stamps below are each set at most once, after the fact.
 */
export type VersionRecord = {
  _id: string;
  rulesetId: string;
  version: number;
  content: Ruleset;
  blockly?: unknown;
  contentHash: string;
  /** Valid time: from when the version applies to sessions. */
  effectiveFrom: Date;
  /** The zone the publisher gave the effective date-time in (for display). */
  timeZone: string;
  /** Transaction time: when the publication was recorded. */
  recordedAt: Date;
  publishedBy: Actor;
  /** Why it was published. */
  comment: string;
  origin: VersionOrigin;
  /** Published with an effective date before its recording (a correction of the past). */
  retroactive: boolean;
  /** Transaction time end of a cancelled scheduled publication: unknown from this instant on. */
  cancelledAt: Date | null;
  cancelledBy: Actor | null;
  cancelComment: string | null;
  /** The scheduler job that activates it (scheduled publications). */
  activationJobId: string | null;
  /** When the activation ran (cache warmed, events emitted). */
  activatedAt: Date | null;
  /** When it was recorded as superseded. */
  retiredAt: Date | null;
  /** The version that superseded it. */
  supersededBy: number | null;
};

/**
 * A version's status now:
 * - "scheduled": published, effective in the future;
 * - "active": the version in effect now;
 * - "retired": effective in the past, superseded by a later effective date (or the same date, published later);
 * - "cancelled": a scheduled publication withdrawn before it took effect.
 */
export type VersionStatus = "scheduled" | "active" | "retired" | "cancelled";
