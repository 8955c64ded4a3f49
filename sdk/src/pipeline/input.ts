// The normalized session input of POST /api/v1/sessions (besides OCPI 2.2.1 and 2.1.1 CDRs): one charge session in
// JSON with who sent it, the token, the location and, optionally, what the source charged and its tariffs.
import { z } from "zod";
import {
  type AmountJson,
  type ChargingPeriodJson,
  chargingPeriodJsonSchema,
  decimalString,
  isoInstant,
} from "../rules/facts.ts";

/** "NL*ABC": ISO 3166 alpha-2 country code, "*", 3-character party id. */
export const PARTY_PATTERN = /^[A-Za-z]{2}\*[A-Za-z0-9]{3}$/;

export interface NormalizedSessionInput {
  /** The party that sent the session ("NL*ABC"); with `id` the idempotency key. */
  sourceParty: string;
  /** The session id at the source. */
  id: string;
  /** The CPO whose charger it was; default `sourceParty` (differs when a hub forwards). */
  cpo?: string;
  /** ISO 8601 instants. */
  start: string;
  end: string;
  /** ISO 4217. */
  currency: string;
  /** IANA zone of the location. */
  timeZone?: string;
  /** ISO 3166-1 alpha-2 of the location. */
  countryCode?: string;
  chargingPeriods: ChargingPeriodJson[];
  token: { uid: string; type?: "AD_HOC_USER" | "APP_USER" | "OTHER" | "RFID"; contractId?: string };
  location?: {
    id?: string;
    evseUid?: string;
    evseId?: string;
    connectorId?: string;
    powerType?: "AC" | "DC";
    /** Decimal string, kW. */
    maxPowerKw?: string;
  };
  /** What the source reported (kWh, hours, amounts excl./incl. VAT as decimal strings). */
  reported?: { energyKwh?: string; timeHours?: string; parkingHours?: string; cost?: AmountJson };
  /** OCPI 2.2.1 Tariff objects the source priced with (for the CPO-tariff purchase and the CPO-total check). */
  tariffs?: unknown[];
}

const party = z.string().regex(PARTY_PATTERN, { error: 'expected a party as country code*party id ("NL*ABC")' });

export const normalizedSessionInputSchema: z.ZodType<NormalizedSessionInput> = z.strictObject({
  sourceParty: party,
  id: z.string().min(1).max(64),
  cpo: party.optional(),
  start: isoInstant,
  end: isoInstant,
  currency: z.string().regex(/^[A-Za-z]{3}$/, { error: "expected an ISO 4217 currency code" }),
  timeZone: z.string().min(1).max(64).optional(),
  countryCode: z
    .string()
    .regex(/^[A-Za-z]{2}$/, { error: "expected an ISO 3166 alpha-2 code" })
    .optional(),
  chargingPeriods: z.array(chargingPeriodJsonSchema),
  token: z.strictObject({
    uid: z.string().min(1).max(64),
    type: z.enum(["AD_HOC_USER", "APP_USER", "OTHER", "RFID"]).optional(),
    contractId: z.string().min(1).max(64).optional(),
  }),
  location: z
    .strictObject({
      id: z.string().min(1).max(64).optional(),
      evseUid: z.string().min(1).max(64).optional(),
      evseId: z.string().min(1).max(64).optional(),
      connectorId: z.string().min(1).max(64).optional(),
      powerType: z.enum(["AC", "DC"]).optional(),
      maxPowerKw: decimalString.optional(),
    })
    .optional(),
  reported: z
    .strictObject({
      energyKwh: decimalString.optional(),
      timeHours: decimalString.optional(),
      parkingHours: decimalString.optional(),
      cost: z.strictObject({ exclVat: decimalString, inclVat: decimalString.optional() }).optional(),
    })
    .optional(),
  tariffs: z.array(z.unknown()).optional(),
});
