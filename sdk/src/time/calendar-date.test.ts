// calendarDateIn remembers dates per UTC hour; these tests hold it to what Intl.DateTimeFormat#formatToParts says
// instant by instant, around every local midnight and clock change, in zones whose offsets are not whole hours.
import { describe, expect, it } from "vitest";
import { calendarDateIn, isTimeZone } from "./calendar-date.ts";

const HOUR = 3_600_000;

const referenceFormatters = new Map<string, Intl.DateTimeFormat>();

/** The date straight from formatToParts, with formatters of its own (no memo in between). */
function reference(t: number, timeZone: string): string {
  let formatter = referenceFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
    referenceFormatters.set(timeZone, formatter);
  }
  const parts = formatter.formatToParts(t).reduce<Record<string, string>>((acc, p) => {
    acc[p.type] = p.value;
    return acc;
  }, {});
  return `${parts.year!.padStart(4, "0")}-${parts.month}-${parts.day}`;
}

const at = (iso: string): Date => new Date(iso);

/** The instants at which calendarDateIn disagrees with the reference (expected to be none). */
function mismatches(instants: number[], timeZone: string): string[] {
  const wrong: string[] = [];
  for (const t of instants) {
    const got = calendarDateIn(new Date(t), timeZone);
    const want = reference(t, timeZone);
    if (got !== want) wrong.push(`${new Date(t).toISOString()}: ${got}, expected ${want}`);
  }
  return wrong;
}

/** The first instants of a new local date within [from, to), found with the reference (hourly, then bisection). */
function localMidnights(timeZone: string, from: number, to: number): number[] {
  const found: number[] = [];
  const ref = (t: number): string => reference(t, timeZone);
  for (let t = from; t < to; t += HOUR) {
    if (ref(t) === ref(t + HOUR)) continue;
    let lo = t;
    let hi = t + HOUR; // ref(lo) !== ref(hi)
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (ref(mid) === ref(lo)) lo = mid;
      else hi = mid;
    }
    found.push(hi);
  }
  return found;
}

describe("calendarDateIn", () => {
  // Each case: the instant, the zone, and the date it has there, worked out by hand from the zone's offset.
  const cases: [string, string, string][] = [
    // Amsterdam in winter is UTC+1: 23:30 UTC is 00:30 the next day.
    ["2025-03-07T23:30:00.000Z", "Europe/Amsterdam", "2025-03-08"],
    ["2025-03-07T22:59:59.999Z", "Europe/Amsterdam", "2025-03-07"],
    ["2025-03-07T23:00:00.000Z", "Europe/Amsterdam", "2025-03-08"],
    ["2025-01-15T22:30:00.000Z", "Europe/Amsterdam", "2025-01-15"],
    // Amsterdam in summer is UTC+2: local midnight is 22:00 UTC.
    ["2025-07-10T21:59:59.999Z", "Europe/Amsterdam", "2025-07-10"],
    ["2025-07-10T22:00:00.000Z", "Europe/Amsterdam", "2025-07-11"],
    ["2025-07-10T23:30:00.000Z", "Europe/Amsterdam", "2025-07-11"],
    // Berlin, 2025-03-30: midnight is 23:00 UTC the day before (CET, UTC+1); 01:00 UTC is 02:00 CET, which becomes
    // 03:00 CEST; the next midnight is 22:00 UTC (CEST, UTC+2).
    ["2025-03-29T22:59:59.999Z", "Europe/Berlin", "2025-03-29"],
    ["2025-03-29T23:00:00.000Z", "Europe/Berlin", "2025-03-30"],
    ["2025-03-30T00:59:59.999Z", "Europe/Berlin", "2025-03-30"],
    ["2025-03-30T01:00:00.000Z", "Europe/Berlin", "2025-03-30"],
    ["2025-03-30T21:59:59.999Z", "Europe/Berlin", "2025-03-30"],
    ["2025-03-30T22:00:00.000Z", "Europe/Berlin", "2025-03-31"],
    // Berlin, 2025-10-26: midnight is 22:00 UTC the day before (CEST); 01:00 UTC is 03:00 CEST, which becomes 02:00
    // CET; the next midnight is 23:00 UTC (CET).
    ["2025-10-25T21:59:59.999Z", "Europe/Berlin", "2025-10-25"],
    ["2025-10-25T22:00:00.000Z", "Europe/Berlin", "2025-10-26"],
    ["2025-10-26T00:59:59.999Z", "Europe/Berlin", "2025-10-26"],
    ["2025-10-26T01:00:00.000Z", "Europe/Berlin", "2025-10-26"],
    ["2025-10-26T22:59:59.999Z", "Europe/Berlin", "2025-10-26"],
    ["2025-10-26T23:00:00.000Z", "Europe/Berlin", "2025-10-27"],
    // Kolkata is UTC+05:30: midnight is 18:30 UTC, in the middle of a UTC hour.
    ["2025-06-01T18:00:00.000Z", "Asia/Kolkata", "2025-06-01"],
    ["2025-06-01T18:29:59.999Z", "Asia/Kolkata", "2025-06-01"],
    ["2025-06-01T18:30:00.000Z", "Asia/Kolkata", "2025-06-02"],
    ["2025-06-01T18:59:59.999Z", "Asia/Kolkata", "2025-06-02"],
    // Kathmandu is UTC+05:45: midnight is 18:15 UTC.
    ["2025-06-01T18:14:59.999Z", "Asia/Kathmandu", "2025-06-01"],
    ["2025-06-01T18:15:00.000Z", "Asia/Kathmandu", "2025-06-02"],
    ["2025-06-01T18:45:00.000Z", "Asia/Kathmandu", "2025-06-02"],
    // St. John's is UTC-03:30 in winter (midnight 03:30 UTC) and UTC-02:30 in summer (midnight 02:30 UTC).
    ["2025-01-15T03:29:59.999Z", "America/St_Johns", "2025-01-14"],
    ["2025-01-15T03:30:00.000Z", "America/St_Johns", "2025-01-15"],
    ["2025-07-10T02:29:59.999Z", "America/St_Johns", "2025-07-09"],
    ["2025-07-10T02:30:00.000Z", "America/St_Johns", "2025-07-10"],
    // Chatham is UTC+13:45 in (southern) summer, midnight 10:15 UTC the day before, and UTC+12:45 in winter,
    // midnight 11:15 UTC the day before.
    ["2025-01-15T10:14:59.999Z", "Pacific/Chatham", "2025-01-15"],
    ["2025-01-15T10:15:00.000Z", "Pacific/Chatham", "2025-01-16"],
    ["2025-07-10T11:14:59.999Z", "Pacific/Chatham", "2025-07-10"],
    ["2025-07-10T11:15:00.000Z", "Pacific/Chatham", "2025-07-11"],
    // Lord Howe is UTC+11 in summer (midnight 13:00 UTC) and UTC+10:30 in winter (midnight 13:30 UTC).
    ["2025-01-15T12:59:59.999Z", "Australia/Lord_Howe", "2025-01-15"],
    ["2025-01-15T13:00:00.000Z", "Australia/Lord_Howe", "2025-01-16"],
    ["2025-07-10T13:29:59.999Z", "Australia/Lord_Howe", "2025-07-10"],
    ["2025-07-10T13:30:00.000Z", "Australia/Lord_Howe", "2025-07-11"],
  ];

  it.each(cases)("%s in %s is %s", (iso, timeZone, expected) => {
    expect(calendarDateIn(at(iso), timeZone)).toBe(expected);
    expect(calendarDateIn(at(iso), timeZone)).toBe(expected); // again, from the memo
    expect(reference(at(iso).getTime(), timeZone)).toBe(expected);
  });

  it("follows a clock change that puts the wall clock back across midnight within one UTC hour", () => {
    // Until 2010 St. John's left summer time at 00:01 NDT (UTC-02:30), going back to 23:01 NST (UTC-03:30). On
    // 2007-11-04 that was 02:31 UTC. The UTC hour 02:00-03:00 starts and ends on 2007-11-03 (23:30 NDT and 23:29:59
    // NST) but has one minute of 2007-11-04 in between.
    const tz = "America/St_Johns";
    expect(calendarDateIn(at("2007-11-04T02:00:00.000Z"), tz)).toBe("2007-11-03");
    expect(calendarDateIn(at("2007-11-04T02:59:59.999Z"), tz)).toBe("2007-11-03");
    expect(calendarDateIn(at("2007-11-04T02:29:59.999Z"), tz)).toBe("2007-11-03");
    expect(calendarDateIn(at("2007-11-04T02:30:00.000Z"), tz)).toBe("2007-11-04");
    expect(calendarDateIn(at("2007-11-04T02:30:59.999Z"), tz)).toBe("2007-11-04");
    expect(calendarDateIn(at("2007-11-04T02:31:00.000Z"), tz)).toBe("2007-11-03");
    // Every second of the night, twice.
    const from = Date.parse("2007-11-04T00:00:00Z");
    const night: number[] = [];
    for (let t = from; t < from + 4 * HOUR; t += 1000) night.push(t);
    expect(mismatches(night, tz)).toEqual([]);
    expect(mismatches(night, tz)).toEqual([]);
  });

  const zones = [
    "Europe/Amsterdam",
    "Europe/Berlin",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "America/St_Johns",
    "Pacific/Chatham",
    "Australia/Lord_Howe",
  ];

  it.each(zones)("agrees with formatToParts 1 ms around every local midnight of 2025 in %s", (timeZone) => {
    const midnights = localMidnights(timeZone, Date.parse("2025-01-01T00:00:00Z"), Date.parse("2026-01-01T00:00:00Z"));
    expect(midnights.length).toBe(365);
    for (const m of midnights) {
      // The reference itself: the date changes at m.
      expect(reference(m - 1, timeZone)).not.toBe(reference(m, timeZone));
    }
    const instants = midnights.flatMap((m) => {
      const hour = Math.floor(m / HOUR) * HOUR;
      return [m - 1, m, m + 1, hour, hour + HOUR - 1];
    });
    expect(mismatches(instants, timeZone)).toEqual([]);
    expect(mismatches(instants.toReversed(), timeZone)).toEqual([]); // again, mostly from the memo
  });

  it.each(zones)("agrees with formatToParts every 17 minutes through 2025 in %s", (timeZone) => {
    const instants: number[] = [];
    for (let t = Date.parse("2025-01-01T00:00:00Z"); t < Date.parse("2026-01-01T00:00:00Z"); t += 17 * 60_000 + 13) {
      instants.push(t);
    }
    expect(mismatches(instants, timeZone)).toEqual([]);
  });

  it("keeps hours apart that share a memo slot, and handles the ends of the Date range", () => {
    const tz = "Asia/Kathmandu";
    const base = Date.parse("2025-06-01T18:20:00Z");
    const sharing = [0, 8192, 16384, 4096, 1, -8192].map((step) => base + step * HOUR);
    expect(mismatches([...sharing, ...sharing, ...sharing], tz)).toEqual([]);
    const ends = [8.64e15, 8.64e15 - 1, 8.64e15 - HOUR, -8.64e15, -8.64e15 + 1, 0, -1, -HOUR - 1];
    expect(mismatches([...ends, ...ends], "Pacific/Chatham")).toEqual([]);
    expect(mismatches([...ends, ...ends], "Europe/Berlin")).toEqual([]);
    expect(calendarDateIn(new Date(8.64e15), "UTC")).toBe("275760-09-13");
    expect(calendarDateIn(new Date(Date.UTC(999, 11, 31, 23)), "Europe/Berlin")).toBe(
      reference(Date.UTC(999, 11, 31, 23), "Europe/Berlin"),
    );
  });

  it("rejects an invalid Date and an unknown time zone", () => {
    expect(() => calendarDateIn(new Date(Number.NaN), "Europe/Berlin")).toThrow(RangeError);
    expect(() => calendarDateIn(new Date(Number.NaN), "Europe/Berlin")).toThrow("invalid Date");
    expect(() => calendarDateIn(new Date(0), "Europe/Nowhere")).toThrow(RangeError);
    expect(isTimeZone("Europe/Nowhere")).toBe(false);
    expect(isTimeZone("Pacific/Chatham")).toBe(true);
  });
});
