// The FX service: ECB euro reference rates by date, with cross rates via EUR.
//
// - The rate for a date is taken from the LAST publication on or before it (weekends and TARGET holidays have none).
// - It is refused when that publication is more than `stalenessDays` calendar days older than the date asked: then
//   rates are missing (the import stopped, or the date is past the newest publication), not merely a weekend.
// - EUR→X is the published figure, unchanged. X→EUR is 1 / (X per EUR) and X→Y is (Y per EUR) / (X per EUR),
//   computed in 40-digit decimals and rounded to 10 significant digits, half up. No binary floats anywhere.
import { Dec, type DecimalInput, dec, type FxRate, type FxService } from "@voltrate/sdk";
import { daysBetween, ecbDate, isIsoDate } from "./dates.ts";
import { FxError } from "./errors.ts";
import type { FxRateRepository, StoredPublication } from "./repository.ts";

export const DEFAULT_STALENESS_DAYS = 7;
/** Significant digits of derived (inverse and cross) rates. */
export const DERIVED_RATE_SIGNIFICANT_DIGITS = 10;

export interface FxServiceOptions {
  repository: FxRateRepository;
  /** The most calendar days between the date asked and the publication used; default 7. */
  stalenessDays?: number;
  /** The clock, for `status()`; default `() => new Date()`. */
  now?: () => Date;
}

export interface FxStatus {
  /** The newest publication stored, if any. */
  newest: string | null;
  /** Calendar days from the newest publication to today (Frankfurt). */
  ageDays: number | null;
  /** True when the newest publication is older than `stalenessDays`: lookups for today would be refused. */
  stale: boolean;
  stalenessDays: number;
}

export interface EcbFxService extends FxService {
  readonly stalenessDays: number;
  status(): Promise<FxStatus>;
}

const CURRENCY = /^[A-Z]{3}$/;

function currencyOf(input: string, role: string): string {
  const code = typeof input === "string" ? input.trim().toUpperCase() : "";
  if (!CURRENCY.test(code)) {
    throw new FxError("INVALID_CURRENCY", `${role} must be a three-letter currency code, got ${JSON.stringify(input)}`);
  }
  return code;
}

/** The calendar date of a lookup: a YYYY-MM-DD string as given, a Date as its date in Frankfurt. */
export function lookupDate(date: Date | string): string {
  if (date instanceof Date) {
    if (Number.isNaN(date.getTime())) throw new FxError("INVALID_DATE", "the date is an invalid Date");
    return ecbDate(date);
  }
  if (typeof date === "string" && isIsoDate(date)) return date;
  throw new FxError("INVALID_DATE", `expected a Date or a calendar date YYYY-MM-DD, got ${JSON.stringify(date)}`);
}

function derived(value: Dec): string {
  return value.toSignificantDigits(DERIVED_RATE_SIGNIFICANT_DIGITS, Dec.ROUND_HALF_UP).toString();
}

export function createFxService(options: FxServiceOptions): EcbFxService {
  const { repository } = options;
  const stalenessDays = options.stalenessDays ?? DEFAULT_STALENESS_DAYS;
  if (!Number.isInteger(stalenessDays) || stalenessDays < 0) {
    throw new RangeError(`stalenessDays must be a non-negative integer, got ${stalenessDays}`);
  }
  const now = options.now ?? (() => new Date());

  async function publicationFor(day: string): Promise<StoredPublication> {
    const publication = await repository.onOrBefore(day);
    if (!publication) {
      const oldest = await repository.oldest();
      throw new FxError(
        "NO_PUBLICATION",
        oldest
          ? `no ECB publication on or before ${day}; the oldest imported is of ${oldest.date}`
          : "no ECB reference rates have been imported yet",
      );
    }
    const age = daysBetween(publication.date, day);
    if (age > stalenessDays) {
      throw new FxError(
        "STALE",
        `the last ECB publication on or before ${day} is of ${publication.date}, ${age} days earlier, more than the ${stalenessDays} days allowed (stalenessDays); import newer rates`,
      );
    }
    return publication;
  }

  function perEur(publication: StoredPublication, currency: string): string {
    if (currency === "EUR") return "1";
    const rate = publication.rates[currency];
    if (rate === undefined) {
      throw new FxError(
        "CURRENCY_NOT_PUBLISHED",
        `the ECB publication of ${publication.date} has no rate for ${currency}`,
      );
    }
    return rate;
  }

  async function rateOn(fromInput: string, toInput: string, date: Date | string): Promise<FxRate> {
    const from = currencyOf(fromInput, "from");
    const to = currencyOf(toInput, "to");
    const day = lookupDate(date);
    if (from === to) {
      return { from, to, rate: "1", publishedOn: day, derivation: "identity", source: "identity (same currency)" };
    }
    const publication = await publicationFor(day);
    const fromPerEur = perEur(publication, from);
    const toPerEur = perEur(publication, to);
    const source = `ECB euro foreign exchange reference rates of ${publication.date}${publication.revision > 1 ? `, revision ${publication.revision}` : ""}`;
    const base = { from, to, publishedOn: publication.date, source };
    if (from === "EUR") return { ...base, rate: toPerEur, derivation: "direct" };
    if (to === "EUR") return { ...base, rate: derived(new Dec(1).div(dec(fromPerEur))), derivation: "direct" };
    return { ...base, rate: derived(dec(toPerEur).div(dec(fromPerEur))), derivation: "cross via EUR" };
  }

  async function convert(amount: string, from: string, to: string, date: Date | string) {
    let value: Dec;
    try {
      value = dec(amount as DecimalInput);
    } catch {
      throw new FxError("INVALID_AMOUNT", `amount must be a decimal string, got ${JSON.stringify(amount)}`);
    }
    const rate = await rateOn(from, to, date);
    // The product of the reported rate, so that amount × rate can be checked from what is returned.
    return { amount: value.times(dec(rate.rate)).toString(), rate };
  }

  async function status(): Promise<FxStatus> {
    const newest = await repository.newest();
    if (!newest) return { newest: null, ageDays: null, stale: true, stalenessDays };
    const ageDays = daysBetween(newest.date, ecbDate(now()));
    return { newest: newest.date, ageDays, stale: ageDays > stalenessDays, stalenessDays };
  }

  return { rateOn, convert, status, stalenessDays };
}
