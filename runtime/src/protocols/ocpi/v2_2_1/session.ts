// OCPI 2.2.1 Session (mod_sessions.asciidoc).
import type { Dec } from "@voltrate/sdk";
import type { z } from "zod";
import { ciStr, currencyCode, dateTime, decimal, enumOf, list, obj, str } from "../common/fields.ts";
import { npOpt, npReq, perVariant, type SchemaVariant } from "../common/variant.ts";
import {
  AUTH_METHODS,
  type AuthMethod,
  type CdrToken,
  type ChargingPeriod,
  cdrTokenSchema,
  chargingPeriodSchema,
} from "./cdr.ts";
import { type Price, priceSchema } from "./types.ts";

export const SESSION_STATUSES = ["ACTIVE", "COMPLETED", "INVALID", "PENDING", "RESERVATION"] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

/**
 * OCPI 2.2.1 Session. Fields that the specification requires but that do not affect the price are typed optional:
 * they may be absent after a pricing-minimal parse.
 */
export interface Session {
  country_code?: string;
  party_id?: string;
  id?: string;
  start_date_time: string;
  end_date_time?: string;
  /** kWh charged so far (reported). */
  kwh?: Dec;
  cdr_token?: CdrToken;
  auth_method?: AuthMethod;
  authorization_reference?: string;
  location_id?: string;
  evse_uid?: string;
  connector_id?: string;
  meter_id?: string;
  currency: string;
  charging_periods?: ChargingPeriod[];
  total_cost?: Price;
  status?: SessionStatus;
  last_updated?: string;
}

/** The Session schema of a variant (strict or pricing-minimal). */
export const sessionSchema = perVariant(
  (v: SchemaVariant): z.ZodType<Session> =>
    obj({
      country_code: npReq(v, ciStr(2, { exact: true })),
      party_id: npReq(v, ciStr(3, { exact: true })),
      id: npReq(v, ciStr(36)),
      start_date_time: dateTime("2.2.1"),
      end_date_time: dateTime("2.2.1").optional(),
      kwh: npReq(v, decimal()),
      cdr_token: npReq(v, cdrTokenSchema(v)),
      auth_method: npReq(v, enumOf(AUTH_METHODS)),
      authorization_reference: npOpt(v, ciStr(36)),
      location_id: npReq(v, ciStr(36)),
      evse_uid: npReq(v, ciStr(36)),
      connector_id: npReq(v, ciStr(36)),
      meter_id: npOpt(v, str(255)),
      currency: currencyCode(),
      charging_periods: list(chargingPeriodSchema).optional(),
      total_cost: npOpt(v, priceSchema),
      status: npReq(v, enumOf(SESSION_STATUSES)),
      last_updated: npReq(v, dateTime("2.2.1")),
    }),
);
