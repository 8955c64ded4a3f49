// The studio's master data "as of" address: the valid day or instant (`at`) and the "as recorded by" moment (`known`)
// go into a record's or list's address and come back unchanged; what cannot be read is dropped; a day is read to its
// end in the browser's zone; a priced session's versions link to their record as the pricing saw them.
import { describe, expect, it } from "vitest";
import { formatDateTime } from "../../studio/src/lib/format.ts";
import {
  asOfFromSearch,
  asOfSearch,
  dayOf,
  knownAtOf,
  sameMinute,
  usedVersionHref,
  validAtOf,
  validText,
} from "../../studio/src/lib/master-data-asof.ts";

// The browser's zone for the day arithmetic below: Amsterdam, +01:00 in winter and +02:00 in summer.
process.env.TZ = "Europe/Amsterdam";

describe("master data as-of address", () => {
  it("round-trips a day and a recorded-by moment through the address", () => {
    const asOf = { at: "2026-02-01", known: "2026-03-03T10:00:00+01:00" };
    // ":" and "+" are escaped, so the "+" of the offset does not turn into a space.
    expect(asOfSearch(asOf)).toBe("?at=2026-02-01&known=2026-03-03T10%3A00%3A00%2B01%3A00");
    expect(asOfFromSearch(asOfSearch(asOf))).toEqual(asOf);
  });

  it("leaves now and the latest out of the address", () => {
    expect(asOfSearch({ at: "", known: "" })).toBe("");
    expect(asOfSearch({ at: "", known: "2026-03-03T09:00:00.000Z" })).toBe("?known=2026-03-03T09%3A00%3A00.000Z");
    expect(asOfFromSearch("?type=parties")).toEqual({ at: "", known: "" });
  });

  it("drops what is neither a day nor an instant, and mends an offset's '+' typed into the address", () => {
    expect(asOfFromSearch("?at=yesterday&known=2026")).toEqual({ at: "", known: "" });
    // An unescaped "+" arrives as a space; the sign is put back.
    expect(asOfFromSearch("?known=2026-03-03T10:00:00+01:00")).toEqual({ at: "", known: "2026-03-03T10:00:00+01:00" });
  });

  it("reads a day to its end in the browser's zone and an instant as itself", () => {
    // 1 Feb 2026 23:59:59.999 at +01:00 = 22:59:59.999 UTC; 1 Jul at +02:00 = 21:59:59.999 UTC.
    expect(validAtOf("2026-02-01")).toBe("2026-02-01T22:59:59.999Z");
    expect(validAtOf("2026-07-01")).toBe("2026-07-01T21:59:59.999Z");
    expect(validAtOf("2026-02-01T07:30:00Z")).toBe("2026-02-01T07:30:00.000Z");
    expect(validAtOf("")).toBeUndefined();
  });

  it("asks for the recorded-by moment in UTC, and for the latest when there is none", () => {
    // 10:00 at +01:00 = 09:00 UTC.
    expect(knownAtOf("2026-03-03T10:00:00+01:00")).toBe("2026-03-03T09:00:00.000Z");
    expect(knownAtOf("")).toBeUndefined();
  });

  it("shows an instant's day in the browser's zone and says when values are valid", () => {
    // 31 Jan 23:30 UTC is 1 Feb 00:30 in Amsterdam.
    expect(dayOf("2026-01-31T23:30:00Z")).toBe("2026-02-01");
    expect(dayOf("2026-02-01")).toBe("2026-02-01");
    expect(dayOf("")).toBe("");
    expect(validText("")).toBe("now");
    expect(validText("2026-02-01")).toBe("on 2026-02-01");
    // An instant reads as the studio formats dates (its formatter's zone is fixed when loaded, so not pinned here).
    expect(validText("2026-02-01T07:30:00Z")).toBe(`at ${formatDateTime("2026-02-01T07:30:00Z")}`);
    expect(validText("2026-02-01T07:30:00Z")).toMatch(/^at 1 Feb 2026, \d{2}:30$/);
  });

  it("links a version a session used to its record at the session's start as recorded when priced", () => {
    expect(
      usedVersionHref(
        { entityType: "contract", entityId: "ctr anna" },
        "2026-02-01T07:30:00Z",
        "2026-03-03T09:00:00.000Z",
      ),
    ).toBe("/master-data/contracts/ctr%20anna?at=2026-02-01T07%3A30%3A00Z&known=2026-03-03T09%3A00%3A00.000Z");
    expect(
      usedVersionHref({ entityType: "tariff", entityId: "t1" }, "2026-02-01T07:30:00Z", "2026-03-03T09:00:00Z"),
    ).toBe(undefined);
  });
});

describe("the as-recorded-by picker's minutes", () => {
  it("takes a moment with seconds and its minute as the same choice, and another minute as a new one", () => {
    expect(sameMinute("2026-03-03T09:00:41.250Z", "2026-03-03T10:00:00+01:00")).toBe(true);
    expect(sameMinute("2026-03-03T09:01:00.000Z", "2026-03-03T10:00:00+01:00")).toBe(false);
    expect(sameMinute("", "")).toBe(true);
    expect(sameMinute("", "2026-03-03T09:00:00Z")).toBe(false);
  });
});
