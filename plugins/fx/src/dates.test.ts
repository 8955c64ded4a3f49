// ecbDate is the calendar date in Frankfurt (the SDK's calendarDateIn, tested there instant by instant against
// Intl.DateTimeFormat); these cases pin the ECB's zone and its two clock changes, worked out by hand.
import { describe, expect, it } from "vitest";
import { ECB_TIME_ZONE, ecbDate } from "./dates.ts";

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
  });

  it("throws a RangeError for an invalid Date", () => {
    expect(() => ecbDate(new Date(Number.NaN))).toThrow(RangeError);
  });
});
