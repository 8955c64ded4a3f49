// The rules model: schemas accept valid rulesets (with defaults) and reject invalid ones with the path of every
// problem; tariff JSON and session JSON convert to the normalized models and back; the decision-table view.
import { describe, expect, it } from "vitest";
import { Dec } from "../money/decimal.ts";
import {
  type Condition,
  cellText,
  decisionTableToRules,
  outcomeText,
  PROPERTY_CATALOGUE,
  parseRuleset,
  propertyDefinition,
  type Ruleset,
  rulesetFromDecisionTable,
  rulesetToDecisionTable,
  sessionFromJson,
  sessionToJson,
  type TariffJson,
  tariffFromJson,
  tariffToJson,
} from "./index.ts";

const base = {
  id: "rs",
  name: "Test",
  administrationId: "adm",
  side: "sales",
  currency: "EUR",
  rules: [] as unknown[],
};

function rule(condition: unknown, outcome: unknown = { type: "dropOut", reason: "X", message: "x" }, id = "r1") {
  return { id, name: id, condition, outcome };
}

function issuesOf(json: unknown): { path: string; message: string }[] {
  const r = parseRuleset(json);
  if (r.ok) throw new Error("expected the ruleset to be rejected");
  return r.issues;
}

describe("ruleset schema", () => {
  it("accepts a valid ruleset and applies the defaults (hitPolicy first, enabled true)", () => {
    const r = parseRuleset({
      ...base,
      rules: [
        rule({ op: "always" }, { type: "markup", factor: "1.10", perKwh: "0.05", min: "0.50", max: "10" }),
        rule({ op: "eq", property: "custom.fleet", value: true }, undefined, "r2"),
      ],
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.ruleset.hitPolicy).toBe("first");
    expect(r.ruleset.rules.map((x) => x.enabled)).toEqual([true, true]);
  });

  it("is JSON-serializable: a parsed ruleset survives JSON round trips unchanged", () => {
    const r = parseRuleset({
      ...base,
      hitPolicy: "collect",
      vatPercent: "21",
      rules: [
        rule(
          {
            op: "all",
            conditions: [
              { op: "timeOfDay", from: "22:00", to: "06:00" },
              { op: "dayOfWeek", days: ["SATURDAY"] },
            ],
          },
          { type: "rate", tariff: { elements: [{ components: [{ dimension: "ENERGY", price: "0.25", vat: "21" }] }] } },
        ),
      ],
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const again = parseRuleset(JSON.parse(JSON.stringify(r.ruleset)));
    expect(again).toEqual(r);
  });

  it("rejects structural problems with the path of each", () => {
    const issues = issuesOf({
      ...base,
      side: "both",
      currency: "EURO",
      extra: 1,
      rules: [
        {
          id: "bad id!",
          name: "x",
          condition: { op: "always" },
          outcome: { type: "dropOut", reason: "X", message: "x" },
        },
        rule({ op: "like", property: "cpo", value: "NL*" }, undefined, "r2"),
        rule({ op: "always" }, { type: "markup", factor: 1.1 }, "r3"),
        rule({ op: "always" }, { type: "dropOut", reason: "no agreement", message: "x" }, "r4"),
        rule({ op: "between", property: "energyKwh", min: "1" }, undefined, "r5"),
        rule({ op: "timeOfDay", from: "25:00", to: "06:00" }, undefined, "r6"),
      ],
    });
    const paths = issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        "side",
        "currency",
        "",
        "rules[0].id",
        "rules[1].condition.op",
        "rules[2].outcome.factor",
        "rules[3].outcome.reason",
        "rules[4].condition.max",
        "rules[5].condition.from",
      ]),
    );
    expect(issues.find((i) => i.path === "side")?.message).toBe('expected "sales" or "purchase"');
    expect(issues.find((i) => i.path === "")?.message).toMatch(/extra/);
  });

  it("rejects semantic problems: unknown properties, misfit operators and values, duplicates, missing scripts", () => {
    const issues = issuesOf({
      ...base,
      currency: "XXY",
      rules: [
        rule({ op: "eq", property: "kwh", value: "10" }),
        rule({ op: "gte", property: "cpo", value: "NL*ABC" }, undefined, "r2"),
        rule({ op: "gte", property: "energyKwh", value: "ten" }, undefined, "r3"),
        rule({ op: "in", property: "powerType", values: ["AC", "HVDC"] }, undefined, "r4"),
        rule({ op: "between", property: "energyKwh", min: "30", max: "10" }, undefined, "r5"),
        rule({ op: "eq", property: "energyKwh", value: true }, undefined, "r6"),
        rule({ op: "timeOfDay", property: "energyKwh", from: "07:00", to: "09:00" }, undefined, "r6"),
        rule({ op: "always" }, { type: "script", script: "nope" }, "r8"),
        rule({ op: "always" }, { type: "markup", base: "subtotal", minMarkup: "1" }, "r9"),
        rule(
          { op: "not", condition: { op: "any", conditions: [{ op: "eq", property: "startDay", value: "FUNDAY" }] } },
          {
            type: "rate",
            tariff: { currency: "USD", elements: [{ components: [{ dimension: "FLAT", price: "1" }] }] },
          },
          "r10",
        ),
      ],
    });
    const byPath = Object.fromEntries(issues.map((i) => [i.path, i.message]));
    expect(byPath.currency).toBe('unknown ISO 4217 currency "XXY"');
    expect(byPath["rules[0].condition.property"]).toMatch(/unknown property "kwh"/);
    expect(byPath["rules[1].condition.op"]).toMatch(/"gte" cannot test cpo \(a string property\)/);
    expect(byPath["rules[2].condition.value"]).toMatch(/expected a decimal number/);
    expect(byPath["rules[3].condition.values[1]"]).toBe("expected one of AC, DC");
    expect(byPath["rules[4].condition.max"]).toBe("max 10 is below min 30");
    expect(byPath["rules[5].condition.value"]).toMatch(/expected a string, not a boolean/);
    expect(byPath["rules[6].id"]).toBe('duplicate rule id "r6" (also rules[5])');
    expect(byPath["rules[6].condition.op"]).toMatch(/"timeOfDay" cannot test energyKwh/);
    expect(byPath["rules[7].outcome.script"]).toMatch(/no script "nope" in the ruleset \(it has no scripts\)/);
    expect(byPath["rules[8].outcome.minMarkup"]).toBe('minMarkup needs base "purchaseCost"');
    expect(byPath["rules[8].outcome.base"]).toMatch(/needs hitPolicy "collect"/);
    expect(byPath["rules[9].condition.condition.conditions[0].value"]).toMatch(/expected one of MONDAY/);
    expect(byPath["rules[9].outcome.tariff.currency"]).toBe("the tariff is in USD, the ruleset in XXY");
  });

  it("checks tariff JSON: decimals as strings, ranges, step sizes", () => {
    const issues = issuesOf({
      ...base,
      rules: [
        rule(
          { op: "always" },
          {
            type: "rate",
            tariff: {
              elements: [
                {
                  components: [{ dimension: "ENERGY", price: 0.25, stepSize: -1 }],
                  restrictions: { minKwh: "20", maxKwh: "10", startTime: "7:00" },
                },
                { components: [] },
              ],
            },
          },
        ),
      ],
    });
    const paths = issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        "rules[0].outcome.tariff.elements[0].components[0].price",
        "rules[0].outcome.tariff.elements[0].components[0].stepSize",
        "rules[0].outcome.tariff.elements[0].restrictions.startTime",
        "rules[0].outcome.tariff.elements[1].components",
      ]),
    );
    const ranges = issuesOf({
      ...base,
      rules: [
        rule(
          { op: "always" },
          {
            type: "rate",
            tariff: {
              elements: [
                { components: [{ dimension: "ENERGY", price: "0.25" }], restrictions: { minKwh: "20", maxKwh: "10" } },
              ],
            },
          },
        ),
      ],
    });
    expect(ranges).toEqual([
      { path: "rules[0].outcome.tariff.elements[0].restrictions.maxKwh", message: "maxKwh 10 is below minKwh 20" },
    ]);
  });
});

describe("property catalogue", () => {
  it("documents every property with a type, description and an example valid for its type", () => {
    for (const p of PROPERTY_CATALOGUE) {
      expect(p.description.length).toBeGreaterThan(20);
      expect(p.label.length).toBeGreaterThan(0);
      const r = parseRuleset({ ...base, rules: [rule({ op: "eq", property: p.name, value: p.example })] });
      expect(r.ok, p.name).toBe(true);
    }
  });

  it("knows custom properties by their prefix", () => {
    expect(propertyDefinition("custom.fleet")?.type).toBe("custom");
    expect(propertyDefinition("custom.")).toBeUndefined();
    expect(propertyDefinition("custom.bad key")).toBeUndefined();
    expect(propertyDefinition("nope")).toBeUndefined();
  });
});

describe("tariff JSON", () => {
  const json: TariffJson = {
    id: "T1",
    currency: "EUR",
    countryCode: "NL",
    partyId: "ABC",
    type: "REGULAR",
    minPrice: { exclVat: "1.00", inclVat: "1.21" },
    maxPrice: { exclVat: "50" },
    validFrom: "2025-01-01T00:00:00.000Z",
    validTo: "2025-12-31T23:59:59.000Z",
    elements: [
      { components: [{ dimension: "FLAT", price: "0.30", vat: "21", stepSize: 1 }] },
      {
        components: [
          { dimension: "ENERGY", price: "0.25", vat: "21", stepSize: 1000 },
          { dimension: "TIME", price: "1.2", stepSize: 60 },
        ],
        restrictions: {
          startTime: "22:00",
          endTime: "06:00",
          startDate: "2025-01-01",
          endDate: "2026-01-01",
          minKwh: "0",
          maxKwh: "50",
          minCurrent: "6",
          maxCurrent: "32",
          minPower: "3.7",
          maxPower: "22",
          minDuration: "0",
          maxDuration: "7200",
          daysOfWeek: ["SATURDAY", "SUNDAY"],
        },
      },
      { components: [{ dimension: "TIME", price: "5", stepSize: 1 }], restrictions: { reservation: "RESERVATION" } },
    ],
  };

  it("converts to the normalized tariff with typed units and back without loss", () => {
    const t = tariffFromJson(json);
    expect(t.elements[1]?.restrictions?.maxEnergy?.wh.toString()).toBe("50000");
    expect(t.elements[1]?.restrictions?.maxDuration?.seconds.toString()).toBe("7200");
    expect(t.elements[1]?.restrictions?.minPower?.kw.toString()).toBe("3.7");
    expect(t.elements[1]?.components[1]?.vatPercent).toBeUndefined();
    expect(t.minPrice?.inclVat?.eq(new Dec("1.21"))).toBe(true);
    const back = tariffToJson(t);
    expect(tariffFromJson(back)).toEqual(t);
    expect(back.elements[1]?.restrictions).toEqual(json.elements[1]?.restrictions);
  });

  it("takes id and currency from defaults when the JSON has none", () => {
    const t = tariffFromJson(
      { elements: [{ components: [{ dimension: "ENERGY", price: "0.3" }] }] },
      { id: "rule-7", currency: "eur" },
    );
    expect(t.id).toBe("rule-7");
    expect(t.currency).toBe("EUR");
    expect(t.elements[0]?.components[0]?.stepSize).toBe(1);
    expect(() => tariffFromJson({ elements: [] })).toThrow(/without an id/);
  });
});

describe("session JSON", () => {
  it("converts to the normalized session and back", () => {
    const json = {
      id: "S1",
      start: "2025-03-01T08:00:00.000Z",
      end: "2025-03-01T10:00:00.000Z",
      currency: "EUR",
      timeZone: "Europe/Amsterdam",
      countryCode: "NL",
      chargingPeriods: [
        {
          start: "2025-03-01T08:00:00.000Z",
          tariffId: "T1",
          energyKwh: "12.5",
          maxPowerKw: "11",
          currentA: "16",
          timeHours: "1.5",
        },
        { start: "2025-03-01T09:30:00.000Z", parkingHours: "0.5" },
      ],
      reported: { energyKwh: "12.5", timeHours: "2", parkingHours: "0.5", cost: { exclVat: "4.00", inclVat: "4.84" } },
    };
    const s = sessionFromJson(json);
    expect(s.chargingPeriods[0]?.dimensions.energy?.wh.toString()).toBe("12500");
    expect(s.chargingPeriods[1]?.dimensions.parkingTime?.seconds.toString()).toBe("1800");
    expect(sessionFromJson(sessionToJson(s))).toEqual(s);
  });
});

describe("decision table", () => {
  const table33: Ruleset = {
    ...base,
    side: "purchase",
    hitPolicy: "first",
    rules: [
      {
        id: "abc-ac-small",
        name: "ABC AC < 10 kWh",
        enabled: true,
        condition: {
          op: "all",
          conditions: [
            { op: "eq", property: "cpo", value: "NL*ABC" },
            { op: "eq", property: "powerType", value: "AC" },
            { op: "between", property: "energyKwh", min: "0", max: "10" },
          ],
        },
        outcome: { type: "markup", factor: "1.1" },
        tags: ["roaming"],
      },
      {
        id: "abc-dc",
        name: "ABC DC",
        description: "all DC",
        enabled: false,
        condition: {
          op: "all",
          conditions: [
            { op: "eq", property: "cpo", value: "NL*ABC" },
            { op: "eq", property: "powerType", value: "DC" },
          ],
        },
        outcome: { type: "markup", factor: "1.2", min: "1", max: "9" },
      },
      {
        id: "weekend-night",
        name: "Weekend nights",
        enabled: true,
        condition: {
          op: "all",
          conditions: [
            { op: "dayOfWeek", days: ["SATURDAY", "SUNDAY"] },
            { op: "timeOfDay", from: "22:00", to: "06:00" },
          ],
        },
        outcome: { type: "rate", tariff: { elements: [{ components: [{ dimension: "ENERGY", price: "0.2" }] }] } },
      },
      {
        id: "subscribers",
        name: "Subscribers",
        enabled: true,
        condition: { op: "exists", property: "subscription" },
        outcome: { type: "script", script: "s" },
      },
      {
        id: "rest",
        name: "Rest",
        enabled: true,
        condition: { op: "always" },
        outcome: { type: "dropOut", reason: "NO", message: "no" },
      },
    ],
  };

  it("has one column per tested property and one row per rule", () => {
    const r = rulesetToDecisionTable(table33);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.table.columns.map((c) => c.property)).toEqual([
      "cpo",
      "powerType",
      "energyKwh",
      "startDay",
      "startTime",
      "subscription",
    ]);
    expect(r.table.columns[2]).toEqual({ property: "energyKwh", label: "Energy", type: "decimal", unit: "kWh" });
    expect(r.table.rows.map((row) => row.cells.map(cellText))).toEqual([
      ["= NL*ABC", "= AC", "[0, 10)", "any", "any", "any"],
      ["= NL*ABC", "= DC", "any", "any", "any", "any"],
      ["any", "any", "any", "Sat, Sun", "22:00–06:00", "any"],
      ["any", "any", "any", "any", "any", "set"],
      ["any", "any", "any", "any", "any", "any"],
    ]);
    expect(r.table.rows.map((row) => outcomeText(row.outcome))).toEqual([
      "markup: cost × 1.1",
      "markup: cost × 1.2 (min 1, max 9)",
      "rate: energy 0.2/kWh",
      "script: s",
      "drop out: NO",
    ]);
  });

  it("converts back to the same rules", () => {
    const r = rulesetToDecisionTable(table33);
    if (!r.ok) throw new Error("not tabular");
    expect(decisionTableToRules(r.table)).toEqual(table33.rules);
    expect(rulesetFromDecisionTable(table33, r.table)).toEqual(table33);
  });

  it("an edited table gives edited rules", () => {
    const r = rulesetToDecisionTable(table33);
    if (!r.ok) throw new Error("not tabular");
    const row = r.table.rows[4]!;
    row.cells[0] = { op: "in", property: "cpo", values: ["DE*ION", "NL*FST"] };
    expect(decisionTableToRules(r.table)[4]?.condition).toEqual({
      op: "in",
      property: "cpo",
      values: ["DE*ION", "NL*FST"],
    });
  });

  it("names the rules whose conditions are not table-shaped", () => {
    const cases: [Condition, string][] = [
      [{ op: "any", conditions: [] }, 'its condition uses "any"'],
      [{ op: "not", condition: { op: "always" } }, 'its condition uses "not"'],
      [{ op: "all", conditions: [{ op: "any", conditions: [] }] }, 'its condition nests "any" inside "all"'],
      [
        {
          op: "all",
          conditions: [
            { op: "gte", property: "energyKwh", value: "1" },
            { op: "lt", property: "energyKwh", value: "5" },
          ],
        },
        "its condition tests energyKwh more than once",
      ],
    ];
    for (const [condition, reason] of cases) {
      const r = rulesetToDecisionTable({ ...table33, rules: [{ ...table33.rules[0]!, condition }] });
      expect(r).toEqual({ ok: false, rules: [{ ruleId: "abc-ac-small", reason: expect.stringContaining(reason) }] });
    }
  });
});
