// The form fields of each master data entity: labels, kinds (text, choice, reference to another entity, …) and
// hints, written for people. The enums come from the SDK's model, and test/studio/master-data-fields.test.ts checks
// that the fields cover exactly the properties of each entity's zod schema (the one the runtime validates with),
// so a field added to the model without a form field fails a test instead of silently missing from the studio.
import {
  type EntityType,
  INVOICE_SERIES_KINDS,
  PARTY_ROLES,
  TOKEN_TYPES,
  VAT_SCHEMES,
} from "@voltrate/sdk/master-data";

/** What a reference field offers: entities of a type, or rule sets (of a side). */
export type RefTarget = { entity: EntityType } | { ruleset: "sales" | "purchase" };

type Common = {
  /** The property name in the entity's data. */
  key: string;
  label: string;
  hint?: string;
  required?: boolean;
  placeholder?: string;
  /** Shown only when this holds for the data of the enclosing object (e.g. a person's employer). */
  when?: (data: Record<string, unknown>) => boolean;
};

export type FieldSpec =
  | (Common & { kind: "text" | "email" | "url" | "decimal" | "textarea" })
  | (Common & { kind: "number"; min?: number; max?: number })
  | (Common & { kind: "boolean" })
  | (Common & { kind: "select"; options: readonly string[] })
  | (Common & { kind: "multi"; options: readonly string[] })
  | (Common & { kind: "ref"; target: RefTarget })
  | (Common & { kind: "group"; fields: FieldSpec[] })
  | (Common & { kind: "rows"; fields: FieldSpec[]; itemLabel: string; blank: () => Record<string, unknown> });

export const ENTITY_LABELS: Record<EntityType, { plural: string; singular: string }> = {
  administration: { plural: "Administrations", singular: "administration" },
  party: { plural: "Parties", singular: "party" },
  agreement: { plural: "Roaming agreements", singular: "roaming agreement" },
  customer: { plural: "Customers", singular: "customer" },
  contract: { plural: "Contracts", singular: "contract" },
  subscription: { plural: "Subscriptions", singular: "subscription" },
  token: { plural: "Tokens", singular: "token" },
  location: { plural: "Locations", singular: "location" },
  homeChargePoint: { plural: "Home charge points", singular: "home charge point" },
};

const address = (key: string, label: string, required: boolean): FieldSpec => ({
  kind: "group",
  key,
  label,
  required,
  fields: [
    { kind: "text", key: "street", label: "Street and number" },
    { kind: "text", key: "postalCode", label: "Postal code" },
    { kind: "text", key: "city", label: "City", required: true },
    { kind: "text", key: "country", label: "Country", required: true, placeholder: "NL", hint: "ISO country code" },
  ],
});

/** The administration a record belongs to (agreements, customers, contracts, home charge points). */
const ADMINISTRATION_REF: FieldSpec = {
  kind: "ref",
  key: "administrationId",
  label: "Administration",
  required: true,
  target: { entity: "administration" },
};

/** The IANA zone local times of a place are in (locations, home charge points). */
const TIME_ZONE: FieldSpec = {
  kind: "text",
  key: "timeZone",
  label: "Time zone",
  required: true,
  placeholder: "Europe/Amsterdam",
};

const code = (hint: string): Pick<Common, "hint"> => ({ hint });

const ADMINISTRATION: FieldSpec[] = [
  { kind: "text", key: "code", label: "Code", required: true, placeholder: "VLT-NL", ...code("Upper case, unique") },
  { kind: "text", key: "name", label: "Name", required: true },
  {
    kind: "group",
    key: "legalEntity",
    label: "Legal entity",
    required: true,
    fields: [
      { kind: "text", key: "name", label: "Legal name", required: true },
      { kind: "text", key: "registrationNumber", label: "Registration number", hint: "Chamber of commerce number" },
      address("address", "Address", false),
    ],
  },
  { kind: "text", key: "country", label: "Country", required: true, placeholder: "NL", hint: "ISO country code" },
  { kind: "text", key: "currency", label: "Currency", required: true, placeholder: "EUR", hint: "ISO 4217 code" },
  {
    kind: "group",
    key: "vatRegime",
    label: "VAT regime",
    required: true,
    fields: [
      { kind: "text", key: "country", label: "VAT country", required: true, placeholder: "NL" },
      { kind: "text", key: "vatId", label: "VAT id", required: true, placeholder: "NL859123456B01" },
      { kind: "select", key: "scheme", label: "Scheme", required: true, options: VAT_SCHEMES },
    ],
  },
  {
    kind: "rows",
    key: "invoiceSeries",
    label: "Invoice series",
    itemLabel: "series",
    required: true,
    hint: "At least one; codes unique",
    blank: () => ({ code: "", kind: "invoice", prefix: "", digits: "6" }),
    fields: [
      { kind: "text", key: "code", label: "Code", required: true },
      { kind: "select", key: "kind", label: "Kind", required: true, options: INVOICE_SERIES_KINDS },
      { kind: "text", key: "prefix", label: "Prefix", required: true, placeholder: "VLT-2026-" },
      { kind: "number", key: "digits", label: "Digits", min: 1, max: 12 },
    ],
  },
  { kind: "ref", key: "mspPartyId", label: "eMSP party", target: { entity: "party" }, hint: "The party we act as" },
];

const PARTY: FieldSpec[] = [
  { kind: "text", key: "countryCode", label: "OCPI country code", required: true, placeholder: "NL" },
  { kind: "text", key: "partyId", label: "OCPI party id", required: true, placeholder: "GRN", ...code("3 characters") },
  { kind: "multi", key: "roles", label: "Roles", required: true, options: PARTY_ROLES },
  { kind: "text", key: "name", label: "Name", required: true },
  { kind: "url", key: "website", label: "Website", placeholder: "https://…" },
];

const AGREEMENT: FieldSpec[] = [
  { kind: "ref", key: "cpoPartyId", label: "CPO party", required: true, target: { entity: "party" } },
  ADMINISTRATION_REF,
  { kind: "text", key: "reference", label: "Reference", hint: "The agreement's reference with the CPO" },
  {
    kind: "group",
    key: "purchasePricing",
    label: "Purchase pricing",
    required: true,
    fields: [
      {
        kind: "select",
        key: "kind",
        label: "Priced by",
        required: true,
        options: ["ruleset", "ocpi-tariffs"],
        hint: "ruleset: our purchase rule set; ocpi-tariffs: the CPO's own tariffs",
      },
      {
        kind: "ref",
        key: "rulesetId",
        label: "Purchase rule set",
        required: true,
        target: { ruleset: "purchase" },
        when: (d) => d.kind === "ruleset",
      },
    ],
  },
  { kind: "text", key: "settlementCurrency", label: "Settlement currency", required: true, placeholder: "EUR" },
  { kind: "ref", key: "hubPartyId", label: "Hub", target: { entity: "party" }, hint: "When not peer to peer" },
  { kind: "number", key: "paymentTermDays", label: "Payment term (days)", min: 0, max: 365 },
];

const isPerson = (d: Record<string, unknown>) => d.kind === "person";
const isCompany = (d: Record<string, unknown>) => d.kind === "company";

const CUSTOMER: FieldSpec[] = [
  { kind: "select", key: "kind", label: "Kind", required: true, options: ["person", "company"] },
  ADMINISTRATION_REF,
  { kind: "text", key: "customerNumber", label: "Customer number", placeholder: "C10042" },
  { kind: "text", key: "name", label: "Name", required: true },
  { kind: "email", key: "email", label: "E-mail" },
  address("address", "Address", false),
  { kind: "ref", key: "employerId", label: "Employer", target: { entity: "customer" }, when: isPerson },
  { kind: "text", key: "language", label: "Language", placeholder: "nl", when: isPerson },
  { kind: "text", key: "vatId", label: "VAT id", placeholder: "NL859123456B01", when: isCompany },
  { kind: "text", key: "registrationNumber", label: "Registration number", when: isCompany },
];

const CONTRACT: FieldSpec[] = [
  { kind: "ref", key: "customerId", label: "Customer", required: true, target: { entity: "customer" } },
  ADMINISTRATION_REF,
  { kind: "text", key: "contractNumber", label: "Contract (eMA) number", placeholder: "NL-VLT-C00012345-6" },
  { kind: "text", key: "productCode", label: "Product", required: true, placeholder: "FLEX" },
  { kind: "ref", key: "salesRulesetId", label: "Price plan", required: true, target: { ruleset: "sales" } },
  { kind: "ref", key: "billToCustomerId", label: "Bill to", target: { entity: "customer" } },
  { kind: "textarea", key: "description", label: "Description" },
];

const SUBSCRIPTION: FieldSpec[] = [
  { kind: "ref", key: "contractId", label: "Contract", required: true, target: { entity: "contract" } },
  { kind: "text", key: "productCode", label: "Product", required: true, placeholder: "PLUS" },
  { kind: "ref", key: "salesRulesetId", label: "Own price plan", target: { ruleset: "sales" } },
  { kind: "textarea", key: "description", label: "Description" },
];

const TOKEN: FieldSpec[] = [
  { kind: "text", key: "uid", label: "UID", required: true, hint: "The RFID UID or app user id; unique" },
  { kind: "select", key: "type", label: "Type", required: true, options: TOKEN_TYPES },
  { kind: "ref", key: "contractId", label: "Contract", required: true, target: { entity: "contract" } },
  { kind: "text", key: "visualNumber", label: "Printed number" },
  {
    kind: "ref",
    key: "replacesTokenId",
    label: "Replaces token",
    target: { entity: "token" },
    hint: "Use “Replace card” on the old token",
  },
];

const LOCATION: FieldSpec[] = [
  { kind: "ref", key: "cpoPartyId", label: "CPO party", required: true, target: { entity: "party" } },
  { kind: "text", key: "locationId", label: "OCPI location id", required: true },
  { kind: "text", key: "name", label: "Name" },
  address("address", "Address", true),
  TIME_ZONE,
  {
    kind: "group",
    key: "coordinates",
    label: "Coordinates",
    fields: [
      { kind: "text", key: "latitude", label: "Latitude", required: true, placeholder: "52.3702" },
      { kind: "text", key: "longitude", label: "Longitude", required: true, placeholder: "4.8952" },
    ],
  },
  {
    kind: "rows",
    key: "evses",
    label: "EVSEs",
    itemLabel: "EVSE",
    required: true,
    hint: "At least one; uids unique",
    blank: () => ({ uid: "", currentType: "AC", maxPowerKw: "" }),
    fields: [
      { kind: "text", key: "uid", label: "EVSE uid", required: true },
      { kind: "text", key: "evseId", label: "EVSE id", placeholder: "NL*GRN*E1234*1" },
      { kind: "select", key: "currentType", label: "Current", required: true, options: ["AC", "DC"] },
      { kind: "decimal", key: "maxPowerKw", label: "Max power (kW)", required: true },
      { kind: "number", key: "connectors", label: "Connectors", min: 1, max: 16 },
    ],
  },
];

const HOME_CHARGE_POINT: FieldSpec[] = [
  { kind: "text", key: "chargePointId", label: "Charge point id", required: true },
  { kind: "ref", key: "ownerCustomerId", label: "Owner", required: true, target: { entity: "customer" } },
  { kind: "ref", key: "employerCustomerId", label: "Employer", target: { entity: "customer" } },
  ADMINISTRATION_REF,
  address("address", "Address", true),
  TIME_ZONE,
  { kind: "decimal", key: "maxPowerKw", label: "Max power (kW)" },
  {
    kind: "group",
    key: "reimbursement",
    label: "Reimbursement",
    required: true,
    fields: [
      { kind: "decimal", key: "pricePerKwh", label: "Price per kWh", required: true, placeholder: "0.25" },
      { kind: "text", key: "currency", label: "Currency", required: true, placeholder: "EUR" },
      { kind: "boolean", key: "includesVat", label: "Price includes VAT", required: true },
      {
        kind: "group",
        key: "payout",
        label: "Payout",
        required: true,
        fields: [
          { kind: "select", key: "method", label: "Method", required: true, options: ["bank-transfer", "payroll"] },
          { kind: "text", key: "iban", label: "IBAN", placeholder: "NL91ABNA0417164300" },
          { kind: "select", key: "frequency", label: "Frequency", required: true, options: ["monthly", "quarterly"] },
        ],
      },
    ],
  },
];

export const ENTITY_FIELDS: Record<EntityType, FieldSpec[]> = {
  administration: ADMINISTRATION,
  party: PARTY,
  agreement: AGREEMENT,
  customer: CUSTOMER,
  contract: CONTRACT,
  subscription: SUBSCRIPTION,
  token: TOKEN,
  location: LOCATION,
  homeChargePoint: HOME_CHARGE_POINT,
};

/** What names a record in lists and headings: its name, else a number or code that identifies it, else its id. */
export function titleOf(data: unknown, entityId: string): string {
  const d = (data ?? {}) as Record<string, unknown>;
  for (const key of ["name", "visualNumber", "uid", "contractNumber", "chargePointId", "reference", "code"]) {
    const value = d[key];
    if (typeof value === "string" && value) return value;
  }
  return entityId;
}
