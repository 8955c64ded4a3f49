// The studio's master data forms against the model: every property of every entity's zod schema (the one the
// runtime validates with) has a form field, with the same required-ness, and nothing else; values go from the form
// to the entity's JSON and back unchanged; patches hold only what changed; the runtime's field errors land on the
// form's fields; validity dates get their zone's offset.
import { ENTITY_TYPES, entitySchemas, type History } from "@voltrate/sdk/master-data";
import { describe, expect, it } from "vitest";
import { displayLines, summaryOf } from "../../studio/src/lib/master-data-display.ts";
import { ENTITY_FIELDS, type FieldSpec } from "../../studio/src/lib/master-data-fields.ts";
import {
  checkData,
  fieldPaths,
  fromData,
  patchOf,
  problemErrors,
  toData,
  unplacedErrors,
} from "../../studio/src/lib/master-data-form.ts";
import { nextStep } from "../../studio/src/lib/master-data-status.ts";
import { instantToLocal, localToInstant } from "../../studio/src/lib/master-data-time.ts";

type JsonSchema = {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  items?: JsonSchema;
};

/** "path" → required, for every property of a JSON schema (unions: a property is required where it appears). */
function schemaPaths(schema: JsonSchema, parent = "", out = new Map<string, boolean>()): Map<string, boolean> {
  for (const option of schema.oneOf ?? schema.anyOf ?? []) schemaPaths(option, parent, out);
  for (const [key, sub] of Object.entries(schema.properties ?? {})) {
    const path = parent ? `${parent}.${key}` : key;
    out.set(path, (out.get(path) ?? false) || (schema.required ?? []).includes(key));
    const inner = sub.type === "array" && sub.items?.properties ? sub.items : sub;
    if (inner.properties || inner.oneOf || inner.anyOf)
      schemaPaths(inner, sub.type === "array" ? `${path}[]` : path, out);
  }
  return out;
}

function specPaths(fields: readonly FieldSpec[], parent = "", out = new Map<string, boolean>()): Map<string, boolean> {
  for (const f of fields) {
    const path = parent ? `${parent}.${f.key}` : f.key;
    out.set(path, f.required ?? false);
    if (f.kind === "group") specPaths(f.fields, path, out);
    if (f.kind === "rows") specPaths(f.fields, `${path}[]`, out);
  }
  return out;
}

describe("master data form fields", () => {
  it.each(ENTITY_TYPES)("cover exactly the %s schema, with the same required fields", (type) => {
    const schema = (entitySchemas[type] as unknown as { toJSONSchema(o: object): JsonSchema }).toJSONSchema({
      io: "input",
    });
    const expected = schemaPaths(schema);
    const actual = specPaths(ENTITY_FIELDS[type]);
    expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
    expect(Object.fromEntries(actual)).toEqual(Object.fromEntries(expected));
  });
});

const agreement = {
  cpoPartyId: "pty_grn",
  administrationId: "adm_nl",
  purchasePricing: { kind: "ruleset", rulesetId: "cpo-grn-purchase" },
  settlementCurrency: "EUR",
  paymentTermDays: 30,
};

describe("form values", () => {
  it("give back the entity's data unchanged (numbers as numbers, optional fields left out)", () => {
    const values = fromData(ENTITY_FIELDS.agreement, agreement);
    expect(values.paymentTermDays).toBe("30");
    expect(values.reference).toBe("");
    expect(toData(ENTITY_FIELDS.agreement, values)).toEqual(agreement);
    expect(checkData("agreement", agreement)).toEqual({});
  });

  it("leave out a field hidden by its condition (no rule set id when priced by the CPO's tariffs)", () => {
    const values = fromData(ENTITY_FIELDS.agreement, agreement);
    (values.purchasePricing as Record<string, unknown>).kind = "ocpi-tariffs";
    expect(toData(ENTITY_FIELDS.agreement, values).purchasePricing).toEqual({ kind: "ocpi-tariffs" });
  });

  it("keep lists of rows and booleans, and drop an empty optional group", () => {
    const data = {
      chargePointId: "HCP-1",
      ownerCustomerId: "cus_1",
      administrationId: "adm_nl",
      address: { city: "Utrecht", country: "NL" },
      timeZone: "Europe/Amsterdam",
      reimbursement: {
        pricePerKwh: "0.25",
        currency: "EUR",
        includesVat: true,
        payout: { method: "payroll", frequency: "monthly" },
      },
    };
    expect(toData(ENTITY_FIELDS.homeChargePoint, fromData(ENTITY_FIELDS.homeChargePoint, data))).toEqual(data);
    const location = fromData(ENTITY_FIELDS.location, {});
    expect(location.evses).toEqual([{ uid: "", currentType: "AC", maxPowerKw: "" }]);
    expect(toData(ENTITY_FIELDS.location, location).coordinates).toBeUndefined();
  });

  it("name the model's errors by field path, as the runtime does", () => {
    const errors = checkData("party", { countryCode: "nl", partyId: "GRN", roles: [], name: "GreenCharge" });
    expect(Object.keys(errors).sort()).toEqual(["countryCode", "roles"]);
    expect(errors.countryCode).toBe('expected an OCPI country_code, e.g. "NL"');
    const series = checkData("administration", {
      code: "VLT",
      name: "V",
      legalEntity: { name: "V" },
      country: "NL",
      currency: "EUR",
      vatRegime: { country: "NL", vatId: "NL859123456B01", scheme: "standard" },
      invoiceSeries: [{ code: "inv", kind: "invoice", prefix: 7 }],
    });
    expect(Object.keys(series)).toEqual(["invoiceSeries[0].prefix"]);
  });
});

describe("a change's patch", () => {
  it("holds only the fields that differ, and null for a removed one", () => {
    const after = { ...agreement, settlementCurrency: "USD" } as Record<string, unknown>;
    delete after.paymentTermDays;
    expect(patchOf(agreement, after)).toEqual({ settlementCurrency: "USD", paymentTermDays: null });
    expect(patchOf(agreement, { ...agreement })).toEqual({});
  });
});

describe("the runtime's field errors", () => {
  it("are keyed like the form's fields; the request's own fields with @", () => {
    const errors = problemErrors([
      { path: "body.data.address.country", message: "bad country" },
      { path: "body.effectiveFrom", message: "bad date" },
      { path: "body.data.uid", message: "taken" },
      { path: "body.data", message: "whole" },
    ]);
    expect(errors).toEqual({
      "address.country": "bad country",
      "@effectiveFrom": "bad date",
      uid: "taken",
      "": "whole",
    });
    const values = fromData(ENTITY_FIELDS.token, {});
    expect(unplacedErrors(errors, fieldPaths(ENTITY_FIELDS.token, values))).toEqual([
      "address.country: bad country",
      "whole",
    ]);
  });
});

describe("validity dates in a zone", () => {
  it("get the zone's offset at that date (winter +01:00, summer +02:00 in Amsterdam)", () => {
    expect(localToInstant("2026-12-01T00:00", "Europe/Amsterdam")).toBe("2026-12-01T00:00:00+01:00");
    expect(localToInstant("2026-07-01T09:30", "Europe/Amsterdam")).toBe("2026-07-01T09:30:00+02:00");
    expect(localToInstant("2026-07-01T09:30", "UTC")).toBe("2026-07-01T09:30:00Z");
    expect(localToInstant("2026-07-01T09:30", "America/New_York")).toBe("2026-07-01T09:30:00-04:00");
    // 02:30 on 29 March 2026 does not exist in Amsterdam (clocks go 02:00 → 03:00): it becomes 03:30 +02:00.
    expect(localToInstant("2026-03-29T02:30", "Europe/Amsterdam")).toBe("2026-03-29T03:30:00+02:00");
    expect(localToInstant("not a date", "UTC")).toBeUndefined();
  });

  it("read back as the wall-clock time in the zone", () => {
    expect(instantToLocal("2026-11-30T23:00:00Z", "Europe/Amsterdam")).toBe("2026-12-01T00:00");
    expect(instantToLocal("2026-07-01T07:30:00Z", "Europe/Amsterdam")).toBe("2026-07-01T09:30");
  });
});

describe("what comes next for a record", () => {
  const seg = (validFrom: string, validTo: string | null, version: number, state: "active" | "absent") => ({
    validFrom,
    validTo,
    version,
    state,
    data: null,
  });
  const history = {
    timeline: [
      seg("2026-01-01T00:00:00.000Z", "2026-06-01T00:00:00.000Z", 1, "active"),
      seg("2026-06-01T00:00:00.000Z", "2026-10-01T00:00:00.000Z", 2, "active"),
      seg("2026-10-01T00:00:00.000Z", null, 3, "absent"),
    ],
  } as unknown as History;

  it("is the next version's change, or the end", () => {
    expect(nextStep(history, "2026-06-01T00:00:00+00:00")).toEqual({
      kind: "change",
      at: "2026-06-01T00:00:00+00:00",
      version: 2,
    });
    expect(nextStep(history, "2026-10-01T00:00:00.000Z")?.kind).toBe("end");
    expect(nextStep(history, null)).toBeNull();
  });
});

describe("values as people read them", () => {
  const names = {
    cpoPartyId: new Map([["pty_grn", "GreenCharge (NL*GRN)"]]),
    "purchasePricing.rulesetId": new Map([["cpo-grn-purchase", "cpo-grn-purchase"]]),
  };

  it("label every field in the form's order, references by name with their id unless the name holds it", () => {
    expect(displayLines("agreement", agreement, names).map((l) => `${l.label}: ${l.value}`)).toEqual([
      "CPO party: GreenCharge (NL*GRN) — pty_grn",
      "Administration: adm_nl",
      "Purchase pricing › Priced by: ruleset",
      "Purchase pricing › Purchase rule set: cpo-grn-purchase",
      "Settlement currency: EUR",
      "Payment term (days): 30",
    ]);
  });

  it("sum up a list row with the first top-level fields, names without ids", () => {
    expect(summaryOf("agreement", agreement, "agr_1", names)).toBe(
      "CPO party: GreenCharge (NL*GRN) · Administration: adm_nl · Settlement currency: EUR · Payment term (days): 30",
    );
  });
});
