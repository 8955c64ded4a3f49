import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { canonicalHash } from "./hash.ts";
import { detectFormat, identify, parseInput, partyOfEvseId } from "./parse-input.ts";
import { cdr221, normalized } from "./test-support.ts";

const fixtures = path.resolve(import.meta.dirname, "../protocols/ocpi/fixtures");
const specCdr = JSON.parse(readFileSync(path.join(fixtures, "spec-2.2.1/cdr_example.json"), "utf8")) as unknown;
const spec211 = JSON.parse(readFileSync(path.join(fixtures, "v2_1_1/cdr.json"), "utf8")) as Record<string, unknown>;

describe("detectFormat and identify", () => {
  it("tells the three forms apart", () => {
    expect(detectFormat(specCdr)).toBe("ocpi-2.2.1");
    expect(detectFormat(spec211)).toBe("ocpi-2.1.1");
    expect(detectFormat(normalized())).toBe("normalized");
    expect(detectFormat({ hello: 1 })).toBeUndefined();
    expect(detectFormat([])).toBeUndefined();
  });

  it("keys OCPI 2.2.1 CDRs by country_code*party_id and the CDR id", () => {
    expect(identify("ocpi-2.2.1", specCdr)).toEqual({ ok: true, sourceParty: "BE*BEC", sessionId: "12345" });
    const { party_id: _p, ...noParty } = specCdr as Record<string, unknown>;
    expect(identify("ocpi-2.2.1", noParty)).toMatchObject({ ok: false, errors: [{ path: "party_id" }] });
  });

  it("reads a 2.1.1 CDR's CPO from its EVSE id, or takes the one given", () => {
    expect(identify("ocpi-2.1.1", spec211)).toEqual({ ok: true, sourceParty: "BE*BEC", sessionId: "12345" });
    expect(identify("ocpi-2.1.1", spec211, "nl*abc")).toEqual({ ok: true, sourceParty: "NL*ABC", sessionId: "12345" });
    expect(identify("ocpi-2.1.1", { ...spec211, location: {} })).toMatchObject({
      ok: false,
      errors: [{ path: "location.evses[0].evse_id" }],
    });
    expect(identify("ocpi-2.1.1", spec211, "NLABC")).toMatchObject({ ok: false, errors: [{ path: "party" }] });
    expect(partyOfEvseId("BE-BEC-E041503003")).toBe("BE*BEC");
    expect(partyOfEvseId("NL*ABC*E1")).toBe("NL*ABC");
    expect(partyOfEvseId("whatever")).toBeUndefined();
  });

  it("keys normalized sessions by sourceParty and id", () => {
    expect(identify("normalized", normalized({ id: "N-9" }))).toEqual({
      ok: true,
      sourceParty: "NL*ABC",
      sessionId: "N-9",
    });
    expect(identify("normalized", { ...normalized(), sourceParty: "ABC" })).toMatchObject({
      ok: false,
      errors: [{ path: "sourceParty" }],
    });
  });
});

describe("parseInput", () => {
  it("parses the specification's 2.2.1 CDR example (pricing-minimal: its token lacks country_code/party_id)", () => {
    const r = parseInput("ocpi-2.2.1", specCdr, "BE*BEC", "12345");
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.value).toMatchObject({
      cpo: "BE*BEC",
      cpoSessionId: "12345",
      token: { uid: "012345678", type: "RFID", contractId: "DE8ACC12E46L89" },
      location: { id: "LOC1", evseUid: "3256", evseId: "BE*BEC*E041503003", powerType: "AC", country: "BE" },
      reportedCost: { currency: "EUR", exclVat: "4", inclVat: "4.4" },
    });
    expect(r.value.tariffs.map((t) => t.id)).toEqual(["12"]);
  });

  it("parses the 2.1.1 CDR example with its EVSE's power from voltage × amperage", () => {
    const r = parseInput("ocpi-2.1.1", spec211, "BE*BEC", "12345");
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    // AC_1_PHASE, 230 V × 64 A = 14.72 kW.
    expect(r.value.location).toMatchObject({
      id: "LOC1",
      evseUid: "3256",
      powerType: "AC",
      maxPowerKw: "14.72",
      country: "BE",
    });
    expect(r.value.token).toEqual({ uid: "DE8ACC12E46L89", contractId: "DE8ACC12E46L89" });
    expect(r.value.reportedCost).toEqual({ currency: "EUR", exclVat: "4" });
  });

  it("names the field of a malformed item, also for a date the OCPI checks cannot read", () => {
    const bad = parseInput("ocpi-2.2.1", { ...cdr221(), start_date_time: "yesterday" }, "NL*ABC", "CDR-1");
    expect(bad).toMatchObject({ ok: false, errors: [{ path: "start_date_time" }] });
    const currency = parseInput("ocpi-2.2.1", { ...cdr221(), currency: "EURO" }, "NL*ABC", "CDR-1");
    expect(currency).toMatchObject({ ok: false, errors: [{ path: "currency" }] });
    const n = parseInput("normalized", { ...normalized(), chargingPeriods: [{ start: "x" }] }, "NL*ABC", "N-1");
    expect(n).toMatchObject({ ok: false, errors: [{ path: "chargingPeriods[0].start" }] });
    const t = parseInput("normalized", { ...normalized(), tariffs: [{ id: "T" }] }, "NL*ABC", "N-1");
    expect(t.ok).toBe(false);
    if (!t.ok) expect(t.errors[0]?.path).toMatch(/^tariffs\[0\]/);
  });

  it("parses a normalized session with its own tariffs", () => {
    const r = parseInput(
      "normalized",
      {
        ...normalized(),
        cpo: "NL*XYZ",
        reported: { cost: { exclVat: "6.30" } },
        tariffs: [
          {
            id: "T1",
            currency: "EUR",
            elements: [{ price_components: [{ type: "ENERGY", price: 0.3, step_size: 1 }] }],
          },
        ],
      },
      "NL*HUB",
      "N-1",
    );
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.value).toMatchObject({
      sourceParty: "NL*HUB",
      cpo: "NL*XYZ",
      reportedCost: { currency: "EUR", exclVat: "6.30" },
    });
    expect(r.value.tariffs[0]?.id).toBe("T1");
  });
});

describe("canonicalHash", () => {
  it("does not depend on the order of fields, and does on their values", () => {
    expect(canonicalHash({ a: 1, b: [1, { c: 2, d: 3 }] })).toBe(canonicalHash({ b: [1, { d: 3, c: 2 }], a: 1 }));
    expect(canonicalHash({ a: 1 })).not.toBe(canonicalHash({ a: 2 }));
    expect(canonicalHash({ a: 1, b: undefined })).toBe(canonicalHash({ a: 1 }));
  });
});
