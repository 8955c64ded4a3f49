// Documents holding OCPI objects, version detection, and the CDR-to-pricing-input path.
import { describe, expect, it } from "vitest";
import { formatIssue } from "./common/issues.ts";
import { documentItems, normalizedTariffsOf, parseTariffDocument } from "./document.ts";
import { cdrForPricing } from "./pricing-input.ts";
import { fixture, fixturePlain } from "./test-support.ts";
import { detectCdrVersion, detectTariffVersion } from "./version.ts";

const SPEC = "spec-2.2.1";

describe("tariff documents", () => {
  const t1 = fixturePlain(`${SPEC}/tariff_1_simple_2hour.json`);
  const t4 = fixturePlain(`${SPEC}/tariff_4_complex.json`);

  it("accept one tariff, an array, and an OCPI response envelope", () => {
    const envelope = { data: [t1, t4], status_code: 1000, timestamp: "2015-06-30T21:59:59Z" };
    for (const [doc, ids] of [
      [t1, ["12"]],
      [
        [t1, t4],
        ["12", "14"],
      ],
      [envelope, ["12", "14"]],
      [{ data: t4, status_code: 1000 }, ["14"]],
    ] as const) {
      const r = normalizedTariffsOf(doc);
      expect(r.ok ? r.value.map((t) => t.id) : r.errors).toEqual(ids);
    }
  });

  it("errors in an envelope are named from the document root", () => {
    const broken = structuredClone(t4);
    broken.elements[2].price_components[0].step_size = "600";
    const r = parseTariffDocument({ data: [t1, broken], status_code: 1000 });
    expect(r.ok ? [] : r.errors.map(formatIssue)).toEqual([
      "data[1].elements[2].price_components[0].step_size: expected a positive integer",
    ]);
    const arr = parseTariffDocument([broken]);
    expect(arr.ok ? [] : arr.errors.map(formatIssue)[0]).toBe(
      "[0].elements[2].price_components[0].step_size: expected a positive integer",
    );
  });

  it("refuse error envelopes, empty documents and non-objects", () => {
    const failed = documentItems({ data: null, status_code: 2001, status_message: "Invalid or missing parameters" });
    expect(failed.ok ? [] : failed.errors.map(formatIssue)).toEqual([
      "status_code: the envelope reports OCPI status 2001: Invalid or missing parameters, not success (1xxx)",
    ]);
    const empty = parseTariffDocument({ data: [], status_code: 1000 });
    expect(empty.ok ? [] : empty.errors.map(formatIssue)).toEqual(["the document holds no tariff"]);
    const scalar = parseTariffDocument(42);
    expect(scalar.ok ? [] : scalar.errors.map(formatIssue)).toEqual([
      "expected a JSON object, an array of objects or an OCPI response envelope",
    ]);
  });
});

describe("version detection", () => {
  it("tells CDR versions apart", () => {
    expect(detectCdrVersion(fixturePlain(`${SPEC}/cdr_example.json`))).toBe("2.2.1");
    expect(detectCdrVersion(fixturePlain("v2_1_1/cdr.json"))).toBe("2.1.1");
    expect(detectCdrVersion({ total_cost: 4 })).toBe("2.1.1");
    expect(detectCdrVersion({ total_cost: { excl_vat: 4 } })).toBe("2.2.1");
    expect(detectCdrVersion({ id: "1" })).toBeUndefined();
    expect(detectCdrVersion([])).toBeUndefined();
  });

  it("recognizes 2.2.1 tariffs by their 2.2.1-only fields", () => {
    expect(detectTariffVersion(fixturePlain(`${SPEC}/tariff_1_simple_2hour.json`))).toBe("2.2.1");
    expect(detectTariffVersion(fixturePlain("v2_1_1/tariff_complex.json"))).toBeUndefined();
    const { country_code: _c, party_id: _p, ...withoutOwner } = fixturePlain(`${SPEC}/tariff_1_simple_2hour.json`);
    // Still 2.2.1: its price component has a vat.
    expect(detectTariffVersion(withoutOwner)).toBe("2.2.1");
  });
});

describe("cdrForPricing", () => {
  it("normalizes a CDR with its own tariffs", () => {
    const r = cdrForPricing(fixture(`${SPEC}/cdr_example.json`));
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.value.version).toBe("2.2.1");
    expect(r.value.tariffSource).toBe("cdr");
    expect(r.value.tariffs.map((t) => t.id)).toEqual(["12"]);
    expect(r.warnings.map((w) => w.path)).toEqual(["cdr_token.country_code", "cdr_token.party_id"]);
  });

  it("uses supplied tariffs and a time zone override, and warns about unknown tariff references", () => {
    const supplied = normalizedTariffsOf(fixture(`${SPEC}/tariff_13_simple_3hour_5parking.json`));
    if (!supplied.ok) throw new Error("should parse");
    const r = cdrForPricing(fixture(`${SPEC}/cdr_example.json`), {
      tariffs: supplied.value,
      timeZone: "Europe/Brussels",
    });
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.value.tariffSource).toBe("supplied");
    expect(r.value.tariffs.map((t) => t.id)).toEqual(["21"]);
    expect(r.value.session.timeZone).toBe("Europe/Brussels");
    expect(r.warnings.map(formatIssue)).toContain(
      'charging_periods[0].tariff_id: refers to tariff "12", which is not given',
    );
  });

  it("accepts a CDR in an envelope and names paths from the document root", () => {
    const cdr = fixturePlain(`${SPEC}/cdr_example.json`);
    delete cdr.currency;
    const r = cdrForPricing({ data: cdr, status_code: 1000 });
    expect(r.ok ? [] : r.errors.map(formatIssue)).toEqual(["data.currency: required field is missing"]);
    expect(r.warnings.map((w) => w.path)).toEqual(["data.cdr_token.country_code", "data.cdr_token.party_id"]);
  });

  it("refuses documents with several CDRs or of an unknown version", () => {
    const cdr = fixturePlain(`${SPEC}/cdr_example.json`);
    const two = cdrForPricing([cdr, cdr]);
    expect(two.ok ? [] : two.errors.map(formatIssue)).toEqual(["expected one CDR, the document holds 2"]);
    const unknown = cdrForPricing({ id: "1" });
    expect(unknown.ok ? [] : unknown.errors.map(formatIssue)).toEqual([
      "cannot tell the OCPI version of this CDR from its fields; give the version explicitly",
    ]);
  });
});
