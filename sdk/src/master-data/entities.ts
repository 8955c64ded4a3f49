// The master data entities: who we are (administrations), whom we roam with (parties, roaming agreements), whom we
// serve (customers, contracts, subscriptions, tokens) and where charging happens (locations with their EVSEs, home
// charge points). Each schema describes the data of one version; validity in time lives on the version record.
import { z } from "zod";
import {
  address,
  countryCode,
  currencyCode,
  decimalString,
  email,
  entityId,
  name,
  ocpiCountryCode,
  ocpiId,
  ocpiPartyId,
  productCode,
  timeZone,
} from "./fields.ts";

// ---------------------------------------------------------------------------------------------------------------
// Administrations

/** How the administration accounts for VAT. */
export const VAT_SCHEMES = ["standard", "oss", "exempt"] as const;
export const INVOICE_SERIES_KINDS = ["invoice", "credit-note", "self-billing"] as const;

/** A legal entity we invoice from (tenant): its country, currency, VAT regime and invoice number series. */
export const administrationSchema = z.strictObject({
  /** Short unique code, e.g. "VLT-NL". */
  code: z.string().regex(/^[A-Z0-9][A-Z0-9_-]{0,31}$/, { error: 'expected an upper-case code, e.g. "VLT-NL"' }),
  name,
  legalEntity: z.strictObject({
    name,
    /** Chamber of commerce (KvK, HRB, …) number. */
    registrationNumber: z.string().max(40).optional(),
    address: address.optional(),
  }),
  country: countryCode,
  currency: currencyCode,
  vatRegime: z.strictObject({
    /** The country the administration is registered for VAT in. */
    country: countryCode,
    vatId: z.string().regex(/^[A-Z]{2}[A-Z0-9+*]{2,13}$/, { error: 'expected a VAT id, e.g. "NL859123456B01"' }),
    /** standard: domestic VAT; oss: EU One-Stop-Shop for cross-border consumer supplies; exempt: no VAT charged. */
    scheme: z.enum(VAT_SCHEMES),
  }),
  invoiceSeries: z
    .array(
      z.strictObject({
        code: entityId,
        kind: z.enum(INVOICE_SERIES_KINDS),
        /** Put before the number: "VLT-2026-". */
        prefix: z.string().max(20),
        /** Digits of the running number (zero padded). */
        digits: z.number().int().min(1).max(12).default(6),
      }),
    )
    .min(1, { error: "at least one invoice series" })
    .refine((list) => new Set(list.map((s) => s.code)).size === list.length, { error: "series codes must be unique" }),
  /** The party (OCPI eMSP role) this administration acts as. */
  mspPartyId: entityId.optional(),
});
export type Administration = z.output<typeof administrationSchema>;

// ---------------------------------------------------------------------------------------------------------------
// Parties

export const PARTY_ROLES = ["CPO", "EMSP", "HUB", "NSP", "NAP", "SCSP", "OTHER"] as const;
export type PartyRole = (typeof PARTY_ROLES)[number];

/** A roaming party, known by its OCPI country_code + party_id. */
export const partySchema = z.strictObject({
  countryCode: ocpiCountryCode,
  partyId: ocpiPartyId,
  roles: z
    .array(z.enum(PARTY_ROLES))
    .min(1, { error: "at least one role" })
    .refine((r) => new Set(r).size === r.length, { error: "roles must not repeat" }),
  name,
  website: z.url({ error: "expected a URL" }).optional(),
});
export type Party = z.output<typeof partySchema>;

// ---------------------------------------------------------------------------------------------------------------
// Roaming agreements

/** What we pay a CPO: our purchase rule set, or the CPO's own OCPI tariffs as published. */
export const purchasePricingSchema = z.discriminatedUnion(
  "kind",
  [
    z.strictObject({ kind: z.literal("ruleset"), rulesetId: entityId }),
    z.strictObject({ kind: z.literal("ocpi-tariffs") }),
  ],
  { error: 'expected { kind: "ruleset", rulesetId } or { kind: "ocpi-tariffs" }' },
);
export type PurchasePricing = z.output<typeof purchasePricingSchema>;

/** The terms under which an administration buys charging from one CPO. */
export const agreementSchema = z.strictObject({
  /** The CPO party. */
  cpoPartyId: entityId,
  administrationId: entityId,
  /** The agreement's reference with the CPO. */
  reference: z.string().max(100).optional(),
  purchasePricing: purchasePricingSchema,
  settlementCurrency: currencyCode,
  /** The hub the sessions come through, when not peer to peer. */
  hubPartyId: entityId.optional(),
  paymentTermDays: z.number().int().min(0).max(365).optional(),
});
export type Agreement = z.output<typeof agreementSchema>;

// ---------------------------------------------------------------------------------------------------------------
// Customers

const customerCommon = {
  administrationId: entityId,
  /** Our customer number. */
  customerNumber: z
    .string()
    .regex(/^[A-Z0-9][A-Z0-9_-]{0,31}$/, { error: 'expected a customer number, e.g. "C10042"' })
    .optional(),
  name,
  email: email.optional(),
  address: address.optional(),
};

/** A driver (person) or a company (employer, fleet owner). */
export const customerSchema = z.discriminatedUnion(
  "kind",
  [
    z.strictObject({
      kind: z.literal("person"),
      ...customerCommon,
      /** The company this driver charges for (a customer of kind "company"). */
      employerId: entityId.optional(),
      language: z
        .string()
        .regex(/^[a-z]{2}$/, { error: 'expected a language code, e.g. "nl"' })
        .optional(),
    }),
    z.strictObject({
      kind: z.literal("company"),
      ...customerCommon,
      vatId: z
        .string()
        .regex(/^[A-Z]{2}[A-Z0-9+*]{2,13}$/, { error: 'expected a VAT id, e.g. "NL859123456B01"' })
        .optional(),
      registrationNumber: z.string().max(40).optional(),
    }),
  ],
  { error: 'expected kind "person" or "company"' },
);
export type Customer = z.output<typeof customerSchema>;

// ---------------------------------------------------------------------------------------------------------------
// Contracts and subscriptions

/** What a customer bought: a product with its price plan (a sales rule set). Starts and ends with its validity. */
export const contractSchema = z.strictObject({
  customerId: entityId,
  administrationId: entityId,
  /** The eMA / contract id printed on tokens ("NL-VLT-C00012345-6"); unique. */
  contractNumber: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,35}$/, { error: 'expected a contract number, e.g. "NL-VLT-C00012345-6"' })
    .optional(),
  productCode,
  /** The price plan: a sales rule set id. */
  salesRulesetId: entityId,
  /** Who receives the invoices when not the customer (e.g. the employer). */
  billToCustomerId: entityId.optional(),
  description: z.string().max(500).optional(),
});
export type Contract = z.output<typeof contractSchema>;

/** An add-on to a contract (e.g. a roaming bundle) with its own product and, optionally, its own price plan. */
export const subscriptionSchema = z.strictObject({
  contractId: entityId,
  productCode,
  salesRulesetId: entityId.optional(),
  description: z.string().max(500).optional(),
});
export type Subscription = z.output<typeof subscriptionSchema>;

// ---------------------------------------------------------------------------------------------------------------
// Tokens

export const TOKEN_TYPES = ["RFID", "APP_USER", "AD_HOC_USER", "OTHER"] as const;

/** An RFID card or app identity (OCPI Token) that authorizes sessions under a contract. */
export const tokenSchema = z.strictObject({
  /** OCPI token uid (the RFID UID or app user id); unique. */
  uid: ocpiId,
  type: z.enum(TOKEN_TYPES),
  contractId: entityId,
  /** The number printed on the card. */
  visualNumber: z.string().max(64).optional(),
  /** The token this one replaces (a replacement card); the old token keeps its history. */
  replacesTokenId: entityId.optional(),
});
export type Token = z.output<typeof tokenSchema>;

// ---------------------------------------------------------------------------------------------------------------
// Locations and EVSEs

export const evseSchema = z.strictObject({
  /** OCPI EVSE uid, unique within the location. */
  uid: ocpiId,
  /** The eMI3 EVSE id, e.g. "NL*GRN*E1234*1". */
  evseId: z.string().max(48).optional(),
  currentType: z.enum(["AC", "DC"]),
  maxPowerKw: decimalString,
  connectors: z.number().int().min(1).max(16).optional(),
});
export type Evse = z.output<typeof evseSchema>;

/** A CPO's charging location (OCPI Location) with its EVSEs. */
export const locationSchema = z.strictObject({
  cpoPartyId: entityId,
  /** OCPI location id, unique per CPO. */
  locationId: ocpiId,
  name: name.optional(),
  address: address,
  timeZone,
  coordinates: z
    .strictObject({
      latitude: z.string().regex(/^-?\d{1,2}\.\d{1,7}$/, { error: 'expected a latitude, e.g. "52.3702"' }),
      longitude: z.string().regex(/^-?\d{1,3}\.\d{1,7}$/, { error: 'expected a longitude, e.g. "4.8952"' }),
    })
    .optional(),
  evses: z
    .array(evseSchema)
    .min(1, { error: "at least one EVSE" })
    .refine((list) => new Set(list.map((e) => e.uid)).size === list.length, { error: "EVSE uids must be unique" }),
});
export type Location = z.output<typeof locationSchema>;

// ---------------------------------------------------------------------------------------------------------------
// Home charge points

/** A charger at a driver's home whose sessions an employer reimburses. */
export const homeChargePointSchema = z.strictObject({
  /** The charger's identity (OCPP charge box id or serial); unique. */
  chargePointId: ocpiId,
  ownerCustomerId: entityId,
  /** The company that reimburses (a customer of kind "company"). */
  employerCustomerId: entityId.optional(),
  administrationId: entityId,
  address,
  timeZone,
  maxPowerKw: decimalString.optional(),
  reimbursement: z.strictObject({
    /** Paid to the owner per kWh charged. */
    pricePerKwh: decimalString,
    currency: currencyCode,
    /** Whether the price includes VAT. */
    includesVat: z.boolean(),
    payout: z.strictObject({
      method: z.enum(["bank-transfer", "payroll"]),
      /** For bank transfers. */
      iban: z
        .string()
        .regex(/^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/, {
          error: 'expected an IBAN without spaces, e.g. "NL91ABNA0417164300"',
        })
        .optional(),
      frequency: z.enum(["monthly", "quarterly"]),
    }),
  }),
});
export type HomeChargePoint = z.output<typeof homeChargePointSchema>;

// ---------------------------------------------------------------------------------------------------------------
// The registry

/** The entity types, as stored (`entityType`). */
export const ENTITY_TYPES = [
  "administration",
  "party",
  "agreement",
  "customer",
  "contract",
  "subscription",
  "token",
  "location",
  "homeChargePoint",
] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];

/** The data of one version, per entity type. */
export type EntityData = {
  administration: Administration;
  party: Party;
  agreement: Agreement;
  customer: Customer;
  contract: Contract;
  subscription: Subscription;
  token: Token;
  location: Location;
  homeChargePoint: HomeChargePoint;
};

export const entitySchemas: { [K in EntityType]: z.ZodType<EntityData[K]> } = {
  administration: administrationSchema,
  party: partySchema,
  agreement: agreementSchema,
  customer: customerSchema,
  contract: contractSchema,
  subscription: subscriptionSchema,
  token: tokenSchema,
  location: locationSchema,
  homeChargePoint: homeChargePointSchema,
};

/** The collection name in URLs (`/api/v1/master-data/<path>`), per entity type. */
export const ENTITY_PATHS: { [K in EntityType]: string } = {
  administration: "administrations",
  party: "parties",
  agreement: "agreements",
  customer: "customers",
  contract: "contracts",
  subscription: "subscriptions",
  token: "tokens",
  location: "locations",
  homeChargePoint: "home-charge-points",
};

export function isEntityType(value: string): value is EntityType {
  return (ENTITY_TYPES as readonly string[]).includes(value);
}

/** The entity type of a URL path segment ("home-charge-points" → "homeChargePoint"). */
export function entityTypeOfPath(path: string): EntityType | undefined {
  return ENTITY_TYPES.find((t) => ENTITY_PATHS[t] === path);
}
