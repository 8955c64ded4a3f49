// The "fx" capability: foreign exchange rates by date (ECB euro reference rates in the shipped plugin).
import { defineCapability } from "../plugin/capability.ts";

export interface FxRate {
  /** 1 unit of `from` is `rate` units of `to`; the rate is a decimal string. */
  from: string;
  to: string;
  rate: string;
  /** The publication date the rate comes from (YYYY-MM-DD): the last one on or before the date asked. */
  publishedOn: string;
  /** How it was derived: "identity", "direct" (a published pair) or "cross via EUR". */
  derivation: "identity" | "direct" | "cross via EUR";
  source: string;
}

export interface FxService {
  /** The rate from one currency to another for a date; rejects when no publication covers it. */
  rateOn(from: string, to: string, date: Date | string): Promise<FxRate>;
  /** Converts a decimal amount (string) and returns the converted amount (unrounded) with the rate used. */
  convert(amount: string, from: string, to: string, date: Date | string): Promise<{ amount: string; rate: FxRate }>;
}

export const fxCapability = defineCapability<FxService>("fx", "Foreign exchange rates by date");
