// ecbDate remembers Frankfurt dates per UTC hour; these tests hold it to what Intl.DateTimeFormat#formatToParts says
// instant by instant, around every Frankfurt midnight and both clock changes of the year.
import { describe, expect, it } from "vitest";
import { ECB_TIME_ZONE, ecbDate } from "./dates.ts";

const HOUR = 3_600_000;

const referenceFormatter = new Intl.DateTimeFormat("en-US", {
  timeZone: "Europe/Berlin",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
});

/** The date straight from formatToParts, with a formatter of its own (no memo in between). */
function reference(t: number): string {
  const parts: Record<string, string> = {};
  for (const p of referenceFormatter.formatToParts(t)) parts[p.type] = p.value;
  return `${parts.year!.padStart(4, "0")}-${parts.month}-${parts.day}`;
}

/** The instants at which ecbDate disagrees with the reference (expected to be none). */
function mismatches(instants: number[]): string[] {
  const wrong: string[] = [];
  for (const t of instants) {
    const got = ecbDate(new Date(t));
    const want = reference(t);
    if (got !== want) wrong.push(`${new Date(t).toISOString()}: ${got}, expected ${want}`);
  }
  return wrong;
}

/** The first instants of a new Frankfurt date within [from, to), found with the reference (hourly, then bisection). */
function frankfurtMidnights(from: number, to: number): number[] {
  const found: number[] = [];
  for (let t = from; t < to; t += HOUR) {
    if (reference(t) === reference(t + HOUR)) continue;
    let lo = t;
    let hi = t + HOUR; // reference(lo) !== reference(hi)
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (reference(mid) === reference(lo)) lo = mid;
      else hi = mid;
    }
    found.push(hi);
  }
  return found;
}

describe("ecbDate", () => {
  it("dates by Frankfurt", () => {
    expect(ECB_TIME_ZONE).toBe("Europe/Berlin");
  });

  // Each case: the instant and its Frankfurt date, worked out by hand from the offset (CET UTC+1, CEST UTC+2).
  const cases: [string, string][] = [
    // Winter: midnight is 23:00 UTC the day before; 23:30 UTC is 00:30 the next day.
    ["2025-03-07T22:59:59.999Z", "2025-03-07"],
    ["2025-03-07T23:00:00.000Z", "2025-03-08"],
    ["2025-03-07T23:30:00.000Z", "2025-03-08"],
    ["2025-01-15T12:00:00.000Z", "2025-01-15"],
    // Summer: midnight is 22:00 UTC the day before.
    ["2025-07-10T21:59:59.999Z", "2025-07-10"],
    ["2025-07-10T22:00:00.000Z", "2025-07-11"],
    ["2025-07-10T23:30:00.000Z", "2025-07-11"],
    // 2025-03-30: midnight at 23:00 UTC (CET); at 01:00 UTC 02:00 CET becomes 03:00 CEST; next midnight 22:00 UTC.
    ["2025-03-29T22:59:59.999Z", "2025-03-29"],
    ["2025-03-29T23:00:00.000Z", "2025-03-30"],
    ["2025-03-30T00:59:59.999Z", "2025-03-30"],
    ["2025-03-30T01:00:00.000Z", "2025-03-30"],
    ["2025-03-30T21:59:59.999Z", "2025-03-30"],
    ["2025-03-30T22:00:00.000Z", "2025-03-31"],
    // 2025-10-26: midnight at 22:00 UTC (CEST); at 01:00 UTC 03:00 CEST becomes 02:00 CET; next midnight 23:00 UTC.
    ["2025-10-25T21:59:59.999Z", "2025-10-25"],
    ["2025-10-25T22:00:00.000Z", "2025-10-26"],
    ["2025-10-26T00:59:59.999Z", "2025-10-26"],
    ["2025-10-26T01:00:00.000Z", "2025-10-26"],
    ["2025-10-26T22:59:59.999Z", "2025-10-26"],
    ["2025-10-26T23:00:00.000Z", "2025-10-27"],
  ];

  it.each(cases)("%s is %s", (iso, expected) => {
    const instant = new Date(iso);
    expect(ecbDate(instant)).toBe(expected);
    expect(ecbDate(instant)).toBe(expected); // again, from the memo
    expect(reference(instant.getTime())).toBe(expected);
  });

  it("agrees with formatToParts 1 ms around every Frankfurt midnight of 2024-2026", () => {
    const midnights = frankfurtMidnights(Date.parse("2024-01-01T00:00:00Z"), Date.parse("2027-01-01T00:00:00Z"));
    expect(midnights.length).toBe(366 + 365 + 365);
    const instants = midnights.flatMap((m) => {
      const hour = Math.floor(m / HOUR) * HOUR;
      return [m - 1, m, m + 1, hour, hour + HOUR - 1];
    });
    expect(mismatches(instants)).toEqual([]);
    expect(mismatches(instants.toReversed())).toEqual([]); // again, mostly from the memo
  });

  it("agrees with formatToParts every second around both clock changes of 2025", () => {
    const instants: number[] = [];
    for (const day of ["2025-03-29T20:00:00Z", "2025-10-25T20:00:00Z"]) {
      for (let t = Date.parse(day); t < Date.parse(day) + 8 * HOUR; t += 1000) instants.push(t);
    }
    expect(mismatches(instants)).toEqual([]);
    expect(mismatches(instants)).toEqual([]);
  });

  it("keeps hours apart that share a memo slot, and handles the ends of the Date range", () => {
    const base = Date.parse("2025-06-01T21:20:00Z");
    const sharing = [0, 8192, 16384, 4096, 1, -8192].map((step) => base + step * HOUR);
    expect(mismatches([...sharing, ...sharing, ...sharing])).toEqual([]);
    const ends = [8.64e15, 8.64e15 - 1, 8.64e15 - HOUR, -8.64e15, -8.64e15 + 1, 0, -1, -HOUR - 1];
    expect(mismatches([...ends, ...ends])).toEqual([]);
  });

  it("throws a RangeError for an invalid Date, as formatToParts does", () => {
    expect(() => ecbDate(new Date(Number.NaN))).toThrow(RangeError);
    expect(() => referenceFormatter.formatToParts(new Date(Number.NaN))).toThrow(RangeError);
  });
});
