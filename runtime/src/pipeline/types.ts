// Types shared by the stages: what a stage returns, the context it runs in, and the data passed from stage to stage.
import type { Dec, FxService, VatService } from "@voltrate/sdk";
import type { SessionFacts } from "@voltrate/sdk/rules";
import type { ScriptSandbox } from "../rules/scripts/index.ts";
import type { CheckConfig } from "./check-config.ts";
import type { ParsedSession } from "./parse-input.ts";
import type {
  AdministrationFacts,
  AgreementFacts,
  ContractFacts,
  CustomerFacts,
  LocationFacts,
  PartyFacts,
  PipelineMasterData,
  ResolvedRuleset,
  TokenFacts,
} from "./ports.ts";
import type { RulesetCache } from "./ruleset-cache.ts";
import type { FxUsed, Instruction, MasterDataRef, ReasonCode, RulesetRef, SidePrice, VatUsed } from "./vocabulary.ts";

/** Why a stage did not pass. */
export interface StageFailure {
  code: ReasonCode;
  message: string;
  data?: Record<string, unknown>;
}

/** A terminal decision that is not a failure (an instruction that closes the session). */
export interface StageClose {
  outcome: "written-off" | "rejected";
  message: string;
}

export type StageOutcome<T> =
  | { ok: true; value: T }
  | { ok: false; failure: StageFailure }
  | { ok: false; close: StageClose };

export const pass = <T>(value: T): StageOutcome<T> => ({ ok: true, value });
export const fail = <T>(code: ReasonCode, message: string, data?: Record<string, unknown>): StageOutcome<T> => ({
  ok: false,
  failure: data === undefined ? { code, message } : { code, message, data },
});

/** What every stage may use. */
export interface StageContext {
  /** The session's processing time (start-in-future is judged against it). */
  readonly now: Date;
  /** Rule versions are resolved as known at this instant. */
  readonly knownAt: Date;
  readonly instruction?: Instruction;
  readonly masterData: PipelineMasterData;
  readonly rulesets: RulesetCache;
  readonly vat: VatService | undefined;
  readonly fx: FxService | undefined;
  readonly sandbox: ScriptSandbox | undefined;
  readonly checkConfig: (administrationId: string) => Promise<CheckConfig>;
  /** Other sessions, for the duplicate checks. */
  readonly duplicates: DuplicateFinder;
  /** The id of the session record being processed (excluded from duplicate searches). */
  readonly recordId: string;
  /** When the record was first received (the earlier of two duplicates wins). */
  readonly receivedAt: Date;
  /** Adds an entry to the trace of the current stage. */
  trace(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  /** Records that the instruction was applied here. */
  applied(message: string, data?: Record<string, unknown>): void;
  /** Records an FX conversion used. */
  fxUsed(fx: FxUsed): void;
}

/** Finds other session records that may be the same session. */
export interface DuplicateFinder {
  /** An earlier record (not `recordId`) of the same CPO with the same CPO session id. */
  byId(
    cpo: string,
    cpoSessionId: string,
    recordId: string,
    receivedAt: Date,
  ): Promise<{ id: string; sessionId: string } | null>;
  /** An earlier record on the same EVSE with the same token starting within ±windowSeconds. */
  byFingerprint(
    fingerprint: string,
    start: Date,
    windowSeconds: number,
    recordId: string,
    receivedAt: Date,
  ): Promise<{ id: string; sessionId: string; start: string } | null>;
}

/** What the lookups found. */
export interface LookupResult {
  token: TokenFacts;
  /** The token version valid at the start, when there is one (the check "token not valid at start" uses it). */
  tokenValidAtStart: boolean;
  contract: ContractFacts;
  customer: CustomerFacts;
  administration: AdministrationFacts;
  location: LocationFacts;
  cpo: PartyFacts;
  agreement: AgreementFacts;
  salesRuleset: ResolvedRuleset;
  /** Absent when the agreement prices with the CPO's own tariffs (or the CPO's price is accepted). */
  purchaseRuleset?: ResolvedRuleset;
  rulesetRefs: RulesetRef[];
  masterData: MasterDataRef[];
  /** The facts the rules see. */
  facts: SessionFacts;
  config: CheckConfig;
}

/** One side as rate determination priced it, before VAT and FX. */
export interface DeterminedSide {
  side: "purchase" | "sales";
  source: SidePrice["source"];
  ruleset?: RulesetRef;
  matchedRuleIds?: string[];
  currency: string;
  lines: SidePrice["lines"];
  exclVat: Dec;
  /** The rules engine's or pricer's explanation (kept in the trace). */
  explanation?: unknown;
}

export interface RateResult {
  purchase: DeterminedSide;
  sales: DeterminedSide;
}

export interface CalculationResult {
  purchase: SidePrice;
  sales: SidePrice;
  margin: { currency: string; exclVat: string };
  vat: VatUsed[];
}

export type { ParsedSession };
