// What the repository needs to know per entity type: unique natural keys, references to other entities (checked
// to exist, and indexed for lookups), list filters, and how new ids look.
import { randomBytes } from "node:crypto";
import type { EntityData, EntityType } from "./model.ts";

/** A unique natural key of an entity: its name, the value, and the field(s) it comes from (for error messages). */
export interface NaturalKey {
  name: string;
  value: string;
  field: string;
}

export interface EntityRules<K extends EntityType> {
  /** Prefix of generated ids: "tok" → "tok_7q3m9x2k4p8r". */
  idPrefix: string;
  /** An id derived from the data, used when the caller gives none (else a random one). */
  defaultId?: (data: EntityData[K]) => string;
  /** Unique keys: an entity owns a key value for good, so a lookup by key is unambiguous at every point in time. */
  keys: (data: EntityData[K]) => NaturalKey[];
  /** Fields that hold the id of another entity, with that entity's type. */
  refs: { [field: string]: EntityType };
  /** List filters: name → the value(s) of the data it matches (equality; a list matches when it contains it). */
  filters: { [name: string]: (data: EntityData[K]) => string | readonly string[] | undefined };
}

type Rules = { [K in EntityType]: EntityRules<K> };

const key = (name: string, value: string | undefined, field = name): NaturalKey[] =>
  value === undefined ? [] : [{ name, value, field }];

/** The OCPI identity of a party as one key value: "NL*GRN". */
export const partyKey = (countryCode: string, partyId: string): string => `${countryCode}*${partyId}`;
/** A location's key: the CPO party's entity id and the OCPI location id. */
export const locationKey = (cpoPartyId: string, locationId: string): string => `${cpoPartyId}|${locationId}`;
/** An agreement's key: one agreement per CPO party and administration. */
export const agreementKey = (cpoPartyId: string, administrationId: string): string =>
  `${cpoPartyId}|${administrationId}`;

export const entityRules: Rules = {
  administration: {
    idPrefix: "adm",
    keys: (d) => key("code", d.code),
    refs: { mspPartyId: "party" },
    filters: { code: (d) => d.code, country: (d) => d.country, currency: (d) => d.currency },
  },
  party: {
    idPrefix: "pty",
    defaultId: (d) => `${d.countryCode}-${d.partyId}`,
    keys: (d) => key("ocpiId", partyKey(d.countryCode, d.partyId), "partyId"),
    refs: {},
    filters: { countryCode: (d) => d.countryCode, partyId: (d) => d.partyId, role: (d) => d.roles },
  },
  agreement: {
    idPrefix: "agr",
    keys: (d) => key("cpoAdministration", agreementKey(d.cpoPartyId, d.administrationId), "cpoPartyId"),
    refs: { cpoPartyId: "party", administrationId: "administration", hubPartyId: "party" },
    filters: {
      cpoPartyId: (d) => d.cpoPartyId,
      administrationId: (d) => d.administrationId,
      pricing: (d) => d.purchasePricing.kind,
      rulesetId: (d) => (d.purchasePricing.kind === "ruleset" ? d.purchasePricing.rulesetId : undefined),
    },
  },
  customer: {
    idPrefix: "cus",
    keys: (d) => key("customerNumber", d.customerNumber),
    refs: { administrationId: "administration", employerId: "customer" },
    filters: {
      kind: (d) => d.kind,
      administrationId: (d) => d.administrationId,
      customerNumber: (d) => d.customerNumber,
      employerId: (d) => (d.kind === "person" ? d.employerId : undefined),
    },
  },
  contract: {
    idPrefix: "ctr",
    keys: (d) => key("contractNumber", d.contractNumber),
    refs: { customerId: "customer", administrationId: "administration", billToCustomerId: "customer" },
    filters: {
      customerId: (d) => d.customerId,
      administrationId: (d) => d.administrationId,
      contractNumber: (d) => d.contractNumber,
      productCode: (d) => d.productCode,
      salesRulesetId: (d) => d.salesRulesetId,
    },
  },
  subscription: {
    idPrefix: "sub",
    keys: () => [],
    refs: { contractId: "contract" },
    filters: { contractId: (d) => d.contractId, productCode: (d) => d.productCode },
  },
  token: {
    idPrefix: "tok",
    keys: (d) => key("uid", d.uid),
    refs: { contractId: "contract", replacesTokenId: "token" },
    filters: {
      uid: (d) => d.uid,
      type: (d) => d.type,
      contractId: (d) => d.contractId,
      visualNumber: (d) => d.visualNumber,
      replacesTokenId: (d) => d.replacesTokenId,
    },
  },
  location: {
    idPrefix: "loc",
    keys: (d) => key("cpoLocation", locationKey(d.cpoPartyId, d.locationId), "locationId"),
    refs: { cpoPartyId: "party" },
    filters: {
      cpoPartyId: (d) => d.cpoPartyId,
      locationId: (d) => d.locationId,
      country: (d) => d.address.country,
      evseUid: (d) => d.evses.map((e) => e.uid),
      currentType: (d) => d.evses.map((e) => e.currentType),
    },
  },
  homeChargePoint: {
    idPrefix: "hcp",
    keys: (d) => key("chargePointId", d.chargePointId),
    refs: { ownerCustomerId: "customer", employerCustomerId: "customer", administrationId: "administration" },
    filters: {
      chargePointId: (d) => d.chargePointId,
      ownerCustomerId: (d) => d.ownerCustomerId,
      employerCustomerId: (d) => d.employerCustomerId,
      administrationId: (d) => d.administrationId,
    },
  },
};

export function rulesOf<K extends EntityType>(type: K): EntityRules<K> {
  return entityRules[type] as unknown as EntityRules<K>;
}

/** The values of the reference fields of `data`, as index entries "field=id". */
export function refEntries(type: EntityType, data: Record<string, unknown> | null): string[] {
  if (data === null) return [];
  return Object.keys(entityRules[type].refs)
    .filter((field) => typeof data[field] === "string")
    .map((field) => `${field}=${data[field] as string}`);
}

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

/** A new random id: "<prefix>_" and 12 characters of Crockford base 32. */
export function generateId(prefix: string): string {
  const bytes = randomBytes(12);
  let out = "";
  for (const b of bytes) out += ALPHABET[b & 31];
  return `${prefix}_${out}`;
}
