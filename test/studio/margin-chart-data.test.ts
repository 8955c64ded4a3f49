// The Reports charts' data: exact sums of decimal strings over partners or periods, and the accessible summary.
import { describe, expect, it } from "vitest";
import { addDecimal, chartsOf, summaryOf } from "../../studio/src/lib/margin-chart-data.ts";
import type { MarginReport } from "../../studio/src/lib/types.ts";

describe("addDecimal", () => {
  it("adds exactly, keeping the larger number of decimals", () => {
    // 0.1 + 0.2 is 0.30000000000000004 in binary floating point; as decimals it is 0.3.
    expect(addDecimal("0.1", "0.2")).toBe("0.3");
    expect(addDecimal("10.59", "27.49")).toBe("38.08");
    expect(addDecimal("1.5", "0.25")).toBe("1.75");
    expect(addDecimal("-0.50", "0.20")).toBe("-0.30");
    expect(addDecimal("-1.00", "1.00")).toBe("0.00");
    expect(addDecimal("0.05", "-0.07")).toBe("-0.02");
    expect(addDecimal("12", "3")).toBe("15");
    expect(() => addDecimal("1e3", "1")).toThrow(/not a decimal/);
  });
});

const row = (partner: string, period: string, revenue: string, cost: string, margin: string) => ({
  partner,
  period,
  currency: "EUR",
  sessions: 1,
  energyKwh: "10",
  revenue,
  cost,
  margin,
});

describe("chartsOf and summaryOf", () => {
  const report: MarginReport = {
    administrationId: "adm-nl",
    currency: "EUR",
    timeZone: "Europe/Amsterdam",
    from: "2025-02-28T23:00:00.000Z",
    to: "2025-04-30T22:00:00.000Z",
    groupBy: ["partner", "period"],
    period: "month",
    rows: [
      row("DE*ION", "2025-03", "27.49", "23.60", "3.89"),
      row("NL*ABC", "2025-04", "6.87", "6.30", "0.57"),
      row("NL*ABC", "2025-03", "10.59", "9.60", "0.99"),
    ],
    totals: { sessions: 3, energyKwh: "30", revenue: "44.95", cost: "39.50", margin: "5.45" },
  };

  it("sums per period (in time order) and per partner (in the report's order)", () => {
    const { periods, partners } = chartsOf(report);
    expect(periods?.labels).toEqual(["2025-03", "2025-04"]);
    expect(periods?.figures).toEqual([
      { revenue: "38.08", cost: "33.20", margin: "4.88" },
      { revenue: "6.87", cost: "6.30", margin: "0.57" },
    ]);
    expect(partners?.labels).toEqual(["DE*ION", "NL*ABC"]);
    expect(partners?.figures[1]).toEqual({ revenue: "17.46", cost: "15.90", margin: "1.56" });
  });

  it("follows the grouping: no chart over time for a report per partner, none for totals only", () => {
    expect(Object.keys(chartsOf({ ...report, groupBy: ["partner"] }))).toEqual(["partners"]);
    expect(Object.keys(chartsOf({ ...report, groupBy: ["period"] }))).toEqual(["periods"]);
    expect(chartsOf({ ...report, groupBy: [] })).toEqual({});
    expect(chartsOf({ ...report, rows: [] })).toEqual({});
  });

  it("summarises in words with the exact figures", () => {
    const { periods, partners } = chartsOf(report);
    if (!periods || !partners) throw new Error("no charts");
    expect(summaryOf(periods, "month", "EUR")).toBe(
      "Revenue, cost and margin in EUR for 2 months, 2025-03 to 2025-04; highest margin 2025-03 (4.88), lowest " +
        "2025-04 (0.57). The table below has the exact figures.",
    );
    expect(
      summaryOf({ key: "partner", labels: ["NL*ABC"], figures: [periods.figures[1] as never] }, "partner", "EUR"),
    ).toBe("Revenue, cost and margin in EUR for 1 partner: NL*ABC revenue 6.87, cost 6.30, margin 0.57.");
  });
});
