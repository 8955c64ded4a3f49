// The shapes of the runtime's REST API as the studio uses them (see /api/v1/openapi.json). Rule set content and
// evaluation results are the SDK's own types; the envelopes around them are declared here, since the studio
// speaks to the runtime over HTTP only.
import type { Role } from "@voltrate/sdk";
import type { EntityType, History, Resolved } from "@voltrate/sdk/master-data";
import type {
  DropOutCaseSummary,
  Instruction,
  PipelineTraceEntry,
  PricedSession,
  SessionRevision,
  SessionStatus,
  SessionSummary,
} from "@voltrate/sdk/pipeline";
import type { Ruleset, RulesetEvaluation, RulesetSide } from "@voltrate/sdk/rules";

export type {
  DropOutCaseSummary,
  EntityType,
  History,
  Instruction,
  PipelineTraceEntry,
  PricedSession,
  Resolved,
  Role,
  Ruleset,
  RulesetEvaluation,
  RulesetSide,
  SessionRevision,
  SessionStatus,
  SessionSummary,
};

/** A page of a list (sessions, drop-out cases). */
export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

/** GET /api/v1/sessions/{id} */
export interface SessionDetail {
  session: SessionSummary;
  revisions: SessionRevision[];
}

/** POST /api/v1/sessions/{id}/reprocess */
export interface ReprocessResult {
  outcome: "reprocessed";
  session: SessionSummary;
  revision: SessionRevision;
}

export interface FieldChange {
  path: string;
  label: string;
  from?: string;
  to?: string;
  text: string;
}

/** GET /api/v1/rulesets/{id}/diff */
export interface RulesetDiff {
  from: string;
  to: string;
  identical: boolean;
  ruleset: FieldChange[];
  rules: {
    kind: "added" | "removed" | "moved" | "changed";
    ruleId: string;
    name: string;
    position?: number;
    fromPosition?: number;
    toPosition?: number;
    summary?: string;
    moved?: { fromPosition?: number; toPosition?: number };
    changes?: FieldChange[];
    text?: string | string[];
  }[];
  scripts: {
    name: string;
    kind: "added" | "removed" | "changed";
    linesAdded: number;
    linesRemoved: number;
    text: string;
  }[];
  text: string;
}

/** GET /api/v1/master-data/{entities} */
export interface MasterDataList {
  entityType: EntityType;
  validAt: string;
  knownAt: string | null;
  total: number;
  limit: number;
  offset: number;
  items: Resolved[];
}

/** RFC 9457 problem details, as every error of the API. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  requestId?: string;
  errors?: { path: string; message: string }[];
  [extension: string]: unknown;
}

export interface UserInfo {
  id: string;
  username: string;
  role: Role;
  createdAt: string;
  lastLoginAt: string | null;
  disabled: boolean;
}

/** GET /api/v1/auth/me */
export interface Me {
  kind: "user" | "apiKey";
  id: string;
  name: string;
  role: Role;
  expiresAt?: string;
}

export interface Actor {
  id: string;
  name: string;
  role?: Role;
  via: string;
}

export type VersionStatus = "scheduled" | "active" | "retired" | "cancelled";

export interface VersionSummary {
  rulesetId: string;
  version: number;
  status: VersionStatus;
  effectiveFrom: string;
  effectiveFromLocal: string;
  timeZone: string;
  effectiveTo: string | null;
  recordedAt: string;
  publishedBy: Actor;
  comment: string;
  retroactive: boolean;
  contentHash: string;
  cancelledAt: string | null;
}

export interface RulesetSummary {
  id: string;
  name: string;
  administrationId: string;
  side: RulesetSide;
  currency: string;
  createdAt: string;
  updatedAt: string;
  activeVersion: number | null;
  scheduledVersions: number[];
  lastVersion: number;
  openDraftRevision: number | null;
}

export interface DraftSummary {
  rulesetId: string;
  revision: number;
  savedAt: string;
  savedBy: Actor;
  comment?: string;
  source: string;
  contentHash: string;
  open: boolean;
}

export interface RulesetDetail extends RulesetSummary {
  createdBy: Actor;
  versions: VersionSummary[];
  draft: DraftSummary | null;
}

export interface RulesIssue {
  path: string;
  message: string;
  line?: number;
  column?: number;
  code?: string;
}

export interface DraftDetail extends DraftSummary {
  content: Ruleset;
  blockly?: unknown;
  issues: RulesIssue[];
}

export interface ValidationReport {
  valid: boolean;
  issues: RulesIssue[];
}

export interface ScriptDiagnostic {
  message: string;
  line: number;
  column: number;
  code: string;
}

export interface SimulationResponse {
  target: { kind: "version"; version: number; status: VersionStatus } | { kind: "draft"; revision: number };
  evaluation: RulesetEvaluation;
  source: string;
  warnings: string[];
}

/** Which sessions a bulk action works on. */
export type BulkSelection = { caseId: string } | { sessionIds: string[] };

/** POST/GET /api/v1/bulk-actions */
export interface BulkAction {
  id: string;
  selection: BulkSelection;
  action: "reprocess";
  instruction?: Instruction;
  instructionText?: string;
  reason: string;
  requestedBy: string;
  status: "queued" | "running" | "done" | "failed" | "cancelled";
  total: number;
  processed: number;
  succeeded: number;
  stillFailing: number;
  skipped: number;
  errorCount: number;
  errors: { sessionId: string; message: string }[];
  progress: number;
  failure?: string;
  createdAt: string;
  updatedAt: string;
}

export interface MarginFigures {
  sessions: number;
  energyKwh: string;
  revenue: string;
  cost: string;
  margin: string;
}

/** GET /api/v1/reports/margins */
export interface MarginReport {
  administrationId: string;
  currency: string;
  timeZone: string;
  from: string;
  to: string;
  groupBy: ("partner" | "period")[];
  period: "day" | "month";
  rows: (MarginFigures & { partner?: string; period?: string; currency: string })[];
  totals: MarginFigures;
}

/** A backtest: a draft or version of a sales rule set re-pricing billed sessions. */
export interface BacktestResult {
  rulesetId: string;
  target: { kind: "draft"; revision: number } | { kind: "version"; version: number };
  currency: string;
  sessions: number;
  billedTotal: string;
  newTotal: string;
  difference: string;
  billedMargin: string;
  newMargin: string;
  histogram: { from: string; to: string; count: number }[];
  changed: { sessionId: string; billed: string; new: string; difference: string }[];
  failed: { sessionId: string; reason: string }[];
}
