// Every OCPI 2.2.1 specification example that is a Tariff, CDR or Session parses and maps to the normalized model.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { Dec, Duration, Energy } from "@voltrate/sdk";
import { describe, expect, it } from "vitest";
import { formatIssue } from "./common/issues.ts";
import { toNormalizedCdr, toNormalizedTariff } from "./normalize.ts";
import { parseCdr, parseSession, parseTariff } from "./parse.ts";
import { FIXTURES, fixture, fixturePlain } from "./test-support.ts";
import { sessionToNormalized } from "./v2_2_1/to-normalized.ts";

const SPEC = "spec-2.2.1";
const files = readdirSync(join(FIXTURES, SPEC)).filter((f) => f.endsWith(".json"));
const tariffFiles = files.filter((f) => f.startsWith("tariff"));
const sessionFiles = files.filter((f) => f.startsWith("session_example"));

/**
 * Where the specification's own examples do not follow its object definitions (strict mode reports these; the
 * pricing-minimal mode accepts them with warnings): CdrToken requires country_code and party_id, Tariff requires
 * last_updated.
 */
const SPEC_DEVIATIONS: Record<string, string[]> = {
  "tariff_put_example.json": ["last_updated: required field is missing"],
  "cdr_example.json": [
    "cdr_token.country_code: required field is missing",
    "cdr_token.party_id: required field is missing",
  ],
  "session_example_1_simple_start.json": [
    "cdr_token.country_code: required field is missing",
    "cdr_token.party_id: required field is missing",
  ],
  "session_example_2_short_finished.json": [
    "cdr_token.country_code: required field is missing",
    "cdr_token.party_id: required field is missing",
  ],
};

describe("OCPI 2.2.1 specification examples", () => {
  it("covers every Tariff, CDR and Session example", () => {
    expect(tariffFiles.length).toBe(21);
    expect(files).toContain("cdr_example.json");
    expect(sessionFiles).toEqual(["session_example_1_simple_start.json", "session_example_2_short_finished.json"]);
  });

  describe.each(tariffFiles)("%s", (file) => {
    const json = fixture(`${SPEC}/${file}`);

    it("parses strictly, or with exactly the known deviations", () => {
      const strict = parseTariff(json, "2.2.1");
      if (SPEC_DEVIATIONS[file]) {
        expect(strict.ok).toBe(false);
        if (!strict.ok) expect(strict.errors.map(formatIssue)).toEqual(SPEC_DEVIATIONS[file]);
      } else {
        expect(strict.ok ? [] : strict.errors.map(formatIssue)).toEqual([]);
      }
    });

    it("parses in pricing-minimal mode and maps every element and component", () => {
      const parsed = parseTariff(json, "2.2.1", { mode: "pricing-minimal" });
      expect(parsed.ok).toBe(true);
      if (!parsed.ok) return;
      const tariff = toNormalizedTariff(parsed.value);
      const plain = fixturePlain(`${SPEC}/${file}`) as {
        id: string;
        currency: string;
        elements: { price_components: { type: string; price: number; vat?: number; step_size: number }[] }[];
      };
      expect(tariff.id).toBe(plain.id);
      expect(tariff.currency).toBe(plain.currency);
      expect(tariff.elements).toHaveLength(plain.elements.length);
      plain.elements.forEach((element, e) => {
        element.price_components.forEach((pc, c) => {
          const mapped = tariff.elements[e]!.components[c]!;
          expect(mapped.dimension).toBe(pc.type);
          expect(mapped.price.eq(String(pc.price))).toBe(true);
          expect(mapped.stepSize).toBe(pc.step_size);
          if (pc.vat === undefined) expect("vatPercent" in mapped).toBe(false);
          else expect(mapped.vatPercent?.eq(String(pc.vat))).toBe(true);
        });
      });
    });
  });

  it("maps restrictions with their units (tariff_4_complex, tariff_7, tariffrestriction examples)", () => {
    const complex = parseTariff(fixture(`${SPEC}/tariff_4_complex.json`), "2.2.1");
    if (!complex.ok) throw new Error("tariff_4 should parse");
    const t4 = toNormalizedTariff(complex.value);
    expect(t4.type).toBe("REGULAR");
    expect(t4.elements[1]!.restrictions?.maxCurrent?.a.eq(32)).toBe(true);
    expect(t4.elements[2]!.restrictions?.minCurrent?.a.eq(32)).toBe(true);
    expect(t4.elements[2]!.restrictions?.daysOfWeek).toEqual(["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY"]);
    expect(t4.elements[4]!.restrictions).toMatchObject({ startTime: "09:00", endTime: "18:00" });
    expect(t4.elements[0]!.restrictions).toBeUndefined();

    const t7 = parseTariff(fixture(`${SPEC}/tariff_7_first_hour_kwh_free.json`), "2.2.1");
    if (!t7.ok) throw new Error("tariff_7 should parse");
    const n7 = toNormalizedTariff(t7.value);
    expect(n7.elements[0]!.restrictions?.minDuration?.equals(Duration.seconds("0"))).toBe(true);
    expect(n7.elements[0]!.restrictions?.maxDuration?.equals(Duration.hours("1"))).toBe(true);
    expect(n7.elements[3]!.restrictions?.maxEnergy?.equals(Energy.wh("1000"))).toBe(true);

    const power = parseTariff(fixture(`${SPEC}/tariffrestriction_example_max_power.json`), "2.2.1");
    if (!power.ok) throw new Error("max_power example should parse");
    expect(toNormalizedTariff(power.value).elements[0]!.restrictions?.maxPower?.kw.eq(16)).toBe(true);

    const reservation = parseTariff(fixture(`${SPEC}/tariff_17_reservation_with_expire_fee.json`), "2.2.1");
    if (!reservation.ok) throw new Error("tariff_17 should parse");
    expect(toNormalizedTariff(reservation.value).elements.map((e) => e.restrictions?.reservation)).toEqual([
      "RESERVATION_EXPIRES",
      "RESERVATION",
      undefined,
    ]);
  });

  it("maps price limits, validity and the free-of-charge step_size 0", () => {
    const t6 = parseTariff(fixture(`${SPEC}/tariff_6_025kwh_start_max_price.json`), "2.2.1");
    if (!t6.ok) throw new Error("tariff_6 should parse");
    const n6 = toNormalizedTariff(t6.value);
    expect(n6.maxPrice?.exclVat.eq(10)).toBe(true);
    expect(n6.maxPrice?.inclVat?.eq(11)).toBe(true);
    expect(n6.validTo?.toISOString()).toBe("2019-06-30T23:59:59.000Z");
    expect(n6.validFrom).toBeUndefined();

    const t12 = parseTariff(fixture(`${SPEC}/tariff_12_025kwh_min_price.json`), "2.2.1");
    if (!t12.ok) throw new Error("tariff_12 should parse");
    expect(toNormalizedTariff(t12.value).minPrice?.exclVat.eq("0.5")).toBe(true);

    const t5 = parseTariff(fixture(`${SPEC}/tariff_5_free_of_charge.json`), "2.2.1");
    if (!t5.ok) throw new Error("tariff_5 should parse");
    expect(toNormalizedTariff(t5.value).elements[0]!.components[0]).toMatchObject({ dimension: "FLAT", stepSize: 0 });
  });

  describe("cdr_example.json", () => {
    const json = fixture(`${SPEC}/cdr_example.json`);

    it("parses strictly with exactly the known deviations", () => {
      const strict = parseCdr(json, "2.2.1");
      expect(strict.ok).toBe(false);
      if (!strict.ok) expect(strict.errors.map(formatIssue)).toEqual(SPEC_DEVIATIONS["cdr_example.json"]);
    });

    it("parses in pricing-minimal mode, warning about the missing token fields", () => {
      const parsed = parseCdr(json, "2.2.1", { mode: "pricing-minimal" });
      expect(parsed.ok).toBe(true);
      expect(parsed.warnings.map((w) => w.path)).toEqual(["cdr_token.country_code", "cdr_token.party_id"]);
      if (parsed.ok && parsed.value.version === "2.2.1") expect(parsed.value.cdr.cdr_token?.uid).toBe("012345678");
    });

    it("maps to the normalized session with units converted and the CDR's totals as reported totals", () => {
      const parsed = parseCdr(json, "2.2.1", { mode: "pricing-minimal" });
      if (!parsed.ok) throw new Error("cdr_example should parse");
      const { session, tariffs, warnings } = toNormalizedCdr(parsed.value);
      expect(warnings).toEqual([]);
      expect(session.id).toBe("12345");
      expect(session.start.toISOString()).toBe("2015-06-29T21:39:09.000Z");
      expect(session.end.toISOString()).toBe("2015-06-29T23:37:32.000Z");
      expect(session.currency).toBe("EUR");
      // cdr_location.country "BEL" (alpha-3) → "BE"; the 2.2.1 CdrLocation has no time_zone.
      expect(session.countryCode).toBe("BE");
      expect(session.timeZone).toBeUndefined();
      expect(session.chargingPeriods).toHaveLength(1);
      const period = session.chargingPeriods[0]!;
      expect(period.tariffId).toBe("12");
      // TIME 1.973 h = 7102.8 s, exactly.
      expect(period.dimensions.time?.seconds.eq("7102.8")).toBe(true);
      const totals = session.reportedTotals!;
      expect(totals.cost?.exclVat.eq("4")).toBe(true);
      expect(totals.cost?.inclVat?.eq("4.4")).toBe(true);
      expect(totals.timeCost?.exclVat.eq("4")).toBe(true);
      expect(totals.energy?.wh.eq("15342")).toBe(true);
      expect(totals.time?.hours.eq("1.973")).toBe(true);
      expect(totals.parkingTime).toBeUndefined();
      expect(tariffs.map((t) => t.id)).toEqual(["12"]);
      expect(tariffs[0]!.elements[0]!.components[0]!.vatPercent?.eq(new Dec("10"))).toBe(true);
    });
  });

  describe.each(sessionFiles)("%s", (file) => {
    it("parses (strictly with the known deviations) and maps", () => {
      const json = fixture(`${SPEC}/${file}`);
      const strict = parseSession(json);
      expect(strict.ok ? [] : strict.errors.map(formatIssue)).toEqual(SPEC_DEVIATIONS[file]);
      const parsed = parseSession(json, { mode: "pricing-minimal" });
      if (!parsed.ok) throw new Error(`${file} should parse`);
      const mapped = sessionToNormalized(parsed.value, { asOf: new Date("2020-03-09T10:30:00Z") });
      expect(mapped.ok).toBe(true);
      if (!mapped.ok) return;
      expect(mapped.value.start.toISOString()).toBe(new Date(parsed.value.start_date_time).toISOString());
      expect(mapped.value.chargingPeriods).toHaveLength(parsed.value.charging_periods?.length ?? 0);
    });
  });

  it("maps the finished session's periods and totals", () => {
    const parsed = parseSession(fixture(`${SPEC}/session_example_2_short_finished.json`), { mode: "pricing-minimal" });
    if (!parsed.ok) throw new Error("session_example_2 should parse");
    const mapped = sessionToNormalized(parsed.value);
    if (!mapped.ok) throw new Error("a finished session maps without asOf");
    const [p0, p1, p2] = mapped.value.chargingPeriods;
    expect(p0?.dimensions.energy?.kwh.eq(120)).toBe(true);
    expect(p0?.dimensions.maxCurrent?.a.eq(30)).toBe(true);
    expect(p1?.dimensions.minCurrent?.a.eq(34)).toBe(true);
    expect(p2?.dimensions.parkingTime?.hours.eq("0.718")).toBe(true);
    expect(p2?.tariffId).toBe("12");
    expect(mapped.value.end.toISOString()).toBe("2015-06-29T23:50:16.000Z");
    expect(mapped.value.reportedTotals?.energy?.kwh.eq(41)).toBe(true);
    expect(mapped.value.reportedTotals?.cost?.inclVat?.eq("9.35")).toBe(true);
  });

  it("refuses to map a session that has not ended unless told up to when", () => {
    const parsed = parseSession(fixture(`${SPEC}/session_example_1_simple_start.json`), { mode: "pricing-minimal" });
    if (!parsed.ok) throw new Error("session_example_1 should parse");
    const mapped = sessionToNormalized(parsed.value);
    expect(mapped.ok).toBe(false);
    if (!mapped.ok) expect(mapped.errors[0]?.path).toBe("end_date_time");
  });
});
