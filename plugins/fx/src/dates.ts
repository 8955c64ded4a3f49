// Calendar dates (YYYY-MM-DD). ECB reference rates are dated by the Frankfurt calendar, so an instant becomes the
// date it has on the wall clock of Europe/Berlin (CET/CEST).

import { calendarDateIn } from "@voltrate/sdk";

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The time zone whose calendar dates the ECB publications carry. */
export const ECB_TIME_ZONE = "Europe/Berlin";

/** True for a real calendar date written YYYY-MM-DD ("2025-02-29" is false). */
export function isIsoDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

function utcDay(isoDate: string): number {
  const [y, m, d] = isoDate.split("-").map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d) / 86_400_000;
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: string, to: string): number {
  return utcDay(to) - utcDay(from);
}

/** The calendar date `days` after (or before, when negative) `isoDate`. */
export function addDays(isoDate: string, days: number): string {
  return new Date((utcDay(isoDate) + days) * 86_400_000).toISOString().slice(0, 10);
}

/** The calendar date (YYYY-MM-DD) of an instant in Frankfurt. */
export function ecbDate(instant: Date): string {
  return calendarDateIn(instant, ECB_TIME_ZONE);
}
