// What the pipeline needs from master data and rule versions, as narrow interfaces: the lookups stage is written
// against these, and `master-data-port.ts` adapts the runtime's master data service to them.
import type { Ruleset } from "@voltrate/sdk/rules";

/** Every master-data answer names the entity version it came from (recorded with the priced session). */
export interface VersionStamp {
  entityType: string;
  entityId: string;
  version: number;
  validFrom: Date | string;
  validTo: Date | string | null;
}

export type TokenFacts = VersionStamp & {
  uid: string;
  /** The contract the token belongs to. */
  contractId?: string | null;
  type?: string;
  /** False when the token is blocked in this version. */
  valid?: boolean;
};

export type ContractFacts = VersionStamp & {
  id: string;
  customerId: string;
  administrationId: string;
  /** The sales ruleset (what the customer pays). */
  salesRulesetId?: string | null;
  /** Product and subscription codes, as rule conditions test them. */
  product?: string | null;
  subscription?: string | null;
  /** Further versions the answer rests on (the contract's subscriptions). */
  related?: VersionStamp[];
};

export type CustomerFacts = VersionStamp & {
  id: string;
  /** ISO 3166-1 alpha-2 of the customer's establishment or residence. */
  country: string;
  business: boolean;
  vatId?: string | null;
};

export type AdministrationFacts = VersionStamp & {
  id: string;
  country: string;
  /** The currency its books are kept in. */
  currency: string;
  vatId?: string | null;
};

export type PartyFacts = VersionStamp & {
  /** "NL*ABC". */
  id: string;
  country: string;
  vatId?: string | null;
};

export type LocationFacts = VersionStamp & {
  locationId: string;
  evseUid?: string | null;
  evseId?: string | null;
  /** The CPO operating it ("NL*ABC"). */
  cpo: string;
  country: string;
  timeZone?: string | null;
  powerType?: "AC" | "DC" | null;
  /** kW, decimal string. */
  maxPowerKw?: string | null;
};

export type AgreementFacts = VersionStamp & {
  id: string;
  cpo: string;
  administrationId: string;
  /**
   * How the purchase side is priced: "ruleset" (the agreement's purchase ruleset through the rules engine) or
   * "cpo-tariffs" (the CPO's own OCPI tariffs, as sent with the CDR, through the pricer).
   */
  purchasePricing: "ruleset" | "cpo-tariffs";
  purchaseRulesetId?: string | null;
};

/** The as-of lookups of the pipeline. `at` is the session start. Null = no version valid at `at`. */
export interface PipelineMasterData {
  /** The token version valid at `at`, and (when none is) the latest version at any time, to tell "unknown" from "not valid". */
  token(uid: string, at: Date): Promise<{ atStart: TokenFacts | null; any: TokenFacts | null }>;
  contract(contractId: string, at: Date): Promise<ContractFacts | null>;
  customer(customerId: string, at: Date): Promise<CustomerFacts | null>;
  administration(administrationId: string, at: Date): Promise<AdministrationFacts | null>;
  party(partyId: string, at: Date): Promise<PartyFacts | null>;
  /** The EVSE (by uid or EVSE id) of a location of `cpo`, else the location itself. */
  location(
    ref: { cpo: string; locationId?: string; evseUid?: string; evseId?: string },
    at: Date,
  ): Promise<LocationFacts | null>;
  agreement(cpo: string, administrationId: string, at: Date): Promise<AgreementFacts | null>;
}

/** A ruleset version as the pipeline uses it. */
export interface ResolvedRuleset {
  rulesetId: string;
  version: number | null;
  content: Ruleset;
  contentHash: string;
  effectiveFrom: string | null;
  /** Exclusive end of its valid time as known when resolved (null: open-ended). */
  effectiveTo?: string | null;
}

/**
 * Rule versions: the RulesService of runtime/src/rules/versions fits as it is (`resolveVersion` and `getVersion`).
 */
export interface PipelineRuleVersions {
  resolveVersion(
    rulesetId: string,
    validAt: Date,
    knownAt?: Date,
  ): Promise<(Omit<ResolvedRuleset, "version"> & { version: number }) | null>;
  getVersion?(rulesetId: string, version: number): Promise<Omit<ResolvedRuleset, "version"> & { version: number }>;
}
