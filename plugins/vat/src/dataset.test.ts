import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { EU_MEMBER_STATES } from "./countries.ts";
import { loadBundledVatDataset, loadVatDatasetFile, parseVatDataset, type VatDataset } from "./dataset.ts";
import { VatDatasetError } from "./errors.ts";

const bundled = loadBundledVatDataset();
const copy = (): VatDataset => structuredClone(bundled);

function problemsOf(input: unknown): readonly string[] {
  try {
    parseVatDataset(input, "test.json");
  } catch (error) {
    if (error instanceof VatDatasetError) return error.problems;
    throw error;
  }
  throw new Error("expected the dataset to be rejected");
}

describe("the bundled dataset", () => {
  it("is valid and covers the EU-27 (flagged as members), GB, NO and CH", () => {
    const codes = Object.keys(bundled.countries).sort();
    expect(codes).toEqual([...EU_MEMBER_STATES, "CH", "GB", "NO"].sort());
    const members = codes.filter((c) => bundled.countries[c]?.euMember);
    expect(members).toEqual([...EU_MEMBER_STATES]);
  });

  it("names a source for every period and starts every country at the coverage start", () => {
    for (const [code, country] of Object.entries(bundled.countries)) {
      expect(country.periods[0]?.validFrom, code).toBe(bundled.coverageFrom);
      for (const period of country.periods) expect(period.source.length, code).toBeGreaterThan(20);
      expect(country.periods.at(-1)?.validTo, code).toBeUndefined();
    }
  });
});

describe("dataset validation", () => {
  it("catches an overlap", () => {
    const d = copy();
    const de = d.countries.DE!;
    de.periods[1]!.validFrom = "2020-06-15";
    expect(problemsOf(d)).toEqual([
      "countries.DE.periods[1]: overlaps countries.DE.periods[0] (starts 2020-06-15, the previous period runs until 2020-06-30)",
    ]);
  });

  it("catches a gap", () => {
    const d = copy();
    d.countries.FI!.periods[0]!.validTo = "2024-08-30";
    expect(problemsOf(d)).toEqual([
      "countries.FI.periods[1]: gap before it (the previous period ends 2024-08-30, this one starts 2024-09-01)",
    ]);
  });

  it("catches periods out of order, an open period in the middle and validTo before validFrom", () => {
    const d = copy();
    const ee = d.countries.EE!.periods;
    d.countries.EE!.periods = [ee[0]!, ee[2]!, ee[1]!];
    const { validTo: _, ...open } = d.countries.SK!.periods[0]!;
    d.countries.SK!.periods[0] = open;
    d.countries.CH!.periods[1]!.validTo = "2017-06-30";
    const problems = problemsOf(d);
    expect(problems).toContain(
      "countries.EE.periods[2]: validFrom 2024-01-01 is not after countries.EE.periods[1].validFrom 2025-07-01 (periods must be in ascending order)",
    );
    expect(problems).toContain(
      "countries.SK.periods[0]: only the last period may be open-ended, but countries.SK.periods[1] follows it",
    );
    expect(problems).toContain("countries.CH.periods[1]: validTo 2017-06-30 is before validFrom 2018-01-01");
  });

  it("checks the shape with paths: rates as decimal strings, dates, time zones, country codes, kinds", () => {
    const d = copy() as unknown as {
      countries: Record<string, Record<string, unknown> & { periods: Record<string, unknown>[] }>;
    };
    d.countries.NL!.periods[0]!.ratePercent = 21;
    d.countries.BE!.periods[0]!.validFrom = "2015-02-30";
    d.countries.AT!.timeZone = "Europe/Nowhere";
    d.countries.nl = d.countries.NL!;
    const problems = problemsOf(d);
    expect(problems).toContain("countries.NL.periods.0.ratePercent: Invalid input: expected string, received number");
    expect(problems).toContain("countries.BE.periods.0.validFrom: expected a calendar date YYYY-MM-DD");
    expect(problems).toContain("countries.AT.timeZone: expected an IANA time zone, e.g. Europe/Berlin");
    expect(problems.some((p) => p.startsWith("countries.nl: expected an ISO 3166-1 alpha-2 code"))).toBe(true);
  });

  it("checks that the kind matches the rate", () => {
    const d = copy();
    d.countries.MT!.periods[0]!.kind = "zero";
    expect(problemsOf(d)).toEqual(['countries.MT.periods[0]: kind "zero" does not match ratePercent "18"']);
  });

  it("names the file when it cannot be read or is not JSON", () => {
    const dir = mkdtempSync(join(tmpdir(), "voltrate-vat-"));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const broken = join(dir, "broken.json");
    writeFileSync(broken, "{ not json");
    expect(() => loadVatDatasetFile(broken)).toThrow(
      new RegExp(`VAT dataset ${broken} is not valid:\\n  - not valid JSON`),
    );
    expect(() => loadVatDatasetFile(join(dir, "missing.json"))).toThrow(
      /missing\.json is not valid:\n {2}- cannot read the file/,
    );
    const good = join(dir, "good.json");
    writeFileSync(good, JSON.stringify(bundled));
    expect(loadVatDatasetFile(good).countries.DE?.periods).toHaveLength(3);
  });
});
