// What the session pipeline records and the API returns: the session (one per source party and session id), its
// immutable revisions (every processing: priced, dropped out, written off or rejected), the priced session with every
// version and rate it used, and the drop-out cases. Plain JSON: decimals and instants are strings.
import type { FxRate } from "../capabilities/fx.ts";
import type { VatParty, VatRate } from "../capabilities/vat.ts";
import type { HookPhase, PipelineStage } from "../plugin/hooks.ts";
import type { PriceLine } from "../rules/result.ts";
import type { Instruction } from "./instruction.ts";
import type { ReasonCode } from "./reason-codes.ts";

/** The forms POST /api/v1/sessions accepts. */
export type InputFormat = "normalized" | "ocpi-2.2.1" | "ocpi-2.1.1";

/** Where a session stands (its latest revision's outcome; "processing" while one is being made). */
export type SessionStatus = "processing" | "priced" | "dropped-out" | "written-off" | "rejected";
export type RevisionOutcome = Exclude<SessionStatus, "processing">;

/**
 * Why a revision exists:
 * - "original": the first time the session arrived;
 * - "correction": the source sent the same session again with different content;
 * - "reprocess": a person (or a bulk job) asked for it again, possibly with an instruction.
 */
export type RevisionKind = "original" | "correction" | "reprocess";

/** The input exactly as received (the pipeline can always be re-run from it). */
export interface InputSnapshot {
  format: InputFormat;
  /** The sending party, "NL*ABC". */
  sourceParty: string;
  /** The session id at the source (OCPI: the CDR id). */
  sessionId: string;
  /** sha256 of the payload's canonical JSON (keys sorted): how a changed repeat is recognised. */
  hash: string;
  payload: unknown;
  receivedAt: string;
}

export interface StageRun {
  stage: PipelineStage;
  status: "passed" | "failed" | "skipped";
  durationMs: number;
}

/** One entry of a revision's trace, in the order things happened. */
export interface PipelineTraceEntry {
  stage: PipelineStage;
  /**
   * - "stage": what the stage decided (lookups found, checks passed, rates chosen, amounts computed);
   * - "hook": a plugin's note (`plugin`, `phase`);
   * - "instruction": an instruction applied in this stage;
   * - "warning": something that did not stop the session (a parse warning, a VAT rate that differs from a rule's).
   */
  kind: "stage" | "hook" | "instruction" | "warning";
  message: string;
  plugin?: string;
  phase?: HookPhase;
  data?: Record<string, unknown>;
}

/** Why a revision is not priced. */
export interface DropOutInfo {
  stage: PipelineStage;
  code: ReasonCode;
  message: string;
  data?: Record<string, unknown>;
  /** The drop-out case it belongs to. */
  caseId: string;
  /** What the grouping used besides stage and code ("party:NL*ABC", "rule:msp-nl-retail/no-agreement:NO_AGREEMENT"). */
  groupKey: string;
  /** What is at stake: the CPO's reported total_cost (excl. VAT), else our purchase cost when computed. */
  amountAtStake?: { currency: string; exclVat: string };
}

/** A master-data entity version the session was priced with. */
export interface MasterDataRef {
  entityType: string;
  entityId: string;
  version: number;
  validFrom: string;
  validTo: string | null;
}

/** A ruleset version the session was priced with. */
export interface RulesetRef {
  side: "purchase" | "sales";
  rulesetId: string;
  version: number | null;
  /** sha256 of the content: the exact rules. */
  hash: string;
  effectiveFrom: string | null;
  /** Set when an instruction chose it. */
  byInstruction?: boolean;
}

/** The VAT treatment used for one side. */
export interface VatUsed {
  side: "purchase" | "sales";
  placeOfSupply: string;
  ratePercent: string;
  reverseCharge: boolean;
  rate: VatRate;
  supplier: VatParty;
  customer: VatParty;
  explanation: string;
}

/** An exchange rate used, with what it converted. */
export interface FxUsed extends FxRate {
  /** The session date the rate was asked for (YYYY-MM-DD, or an instant). */
  date: string;
  purpose: string;
}

/** One side of the price, in the currency it was determined in and in the administration's currency. */
export interface SidePrice {
  side: "purchase" | "sales";
  /**
   * - "ruleset": a ruleset version evaluated by the rules engine;
   * - "cpo-tariffs": the CPO's own OCPI tariffs through the pricer;
   * - "cpo-reported": the CDR's total_cost as charged (instruction "accept the CPO's price").
   */
  source: "ruleset" | "cpo-tariffs" | "cpo-reported";
  ruleset?: RulesetRef;
  matchedRuleIds?: string[];
  /** The currency of `lines` and `exclVat`. */
  currency: string;
  lines: PriceLine[];
  /** Sum of the lines, excl. VAT, in `currency`. */
  exclVat: string;
  /** The conversion into the administration currency, when `currency` differs. */
  fx?: FxUsed;
  /** In the administration's currency: excl. VAT, VAT by the place-of-supply treatment, incl. VAT. */
  amounts: {
    currency: string;
    exclVat: string;
    vatPercent: string;
    vat: string;
    inclVat: string;
    reverseCharge: boolean;
  };
}

/** The priced session: immutable once recorded. */
export interface PricedSession {
  administration: { id: string; currency: string; country: string };
  customerId: string;
  contractId: string;
  tokenUid: string;
  cpo: string;
  agreementId?: string;
  session: {
    start: string;
    end: string;
    durationHours: string;
    energyKwh: string;
    country?: string;
    locationId?: string;
    evseId?: string;
  };
  purchase: SidePrice;
  sales: SidePrice;
  /** sales − purchase, excl. VAT, in the administration currency. */
  margin: { currency: string; exclVat: string };
  totals: {
    currency: string;
    purchaseExclVat: string;
    purchaseInclVat: string;
    salesExclVat: string;
    salesVat: string;
    salesInclVat: string;
    marginExclVat: string;
  };
  versions: { rulesets: RulesetRef[]; masterData: MasterDataRef[]; knownAt: string };
  rates: { vat: VatUsed[]; fx: FxUsed[] };
}

/** One processing of a session. Never changed once written; a new processing is a new revision. */
export interface SessionRevision {
  id: string;
  sessionId: string;
  revision: number;
  /** The revision this one follows (null for the first). */
  previousRevisionId: string | null;
  kind: RevisionKind;
  /** Why it was made (a correction's note, the reprocess reason). */
  reason?: string;
  instruction?: Instruction;
  createdAt: string;
  outcome: RevisionOutcome;
  input: InputSnapshot;
  stages: StageRun[];
  trace: PipelineTraceEntry[];
  dropOut?: DropOutInfo;
  priced?: PricedSession;
}

/** A session as listed: where it stands and its latest revision's key figures. */
export interface SessionSummary {
  id: string;
  sourceParty: string;
  sessionId: string;
  format: InputFormat;
  status: SessionStatus;
  currentRevision: number;
  cpo?: string;
  administrationId?: string;
  start?: string;
  receivedAt: string;
  updatedAt: string;
  dropOut?: Pick<DropOutInfo, "stage" | "code" | "message" | "caseId">;
  totals?: PricedSession["totals"];
}

/** Failed sessions with the same stage, reason and party (or rule, or plugin). */
export interface DropOutCaseSummary {
  id: string;
  stage: PipelineStage;
  code: ReasonCode;
  /** "party:NL*ABC", "rule:<ruleset>/<rule>:<reason>", "plugin:<name>:<code>". */
  groupKey: string;
  title: string;
  /** Sessions currently dropped out in this case. */
  openSessions: number;
  /** Sessions that ever dropped out into this case. */
  totalSessions: number;
  /** Sum of the amounts at stake of the open sessions, per currency (decimal strings). */
  amountsAtStake: { currency: string; exclVat: string }[];
  /** Open sessions without a known amount. */
  withoutAmount: number;
  firstSeenAt: string;
  lastSeenAt: string;
  status: "open" | "resolved";
  /** A recent message, as an example. */
  example: string;
}
