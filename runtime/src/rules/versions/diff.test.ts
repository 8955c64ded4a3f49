import type { Ruleset } from "@voltrate/sdk/rules";
import { describe, expect, it } from "vitest";
import { diffRulesets, diffSummary, renderDiff } from "./diff.ts";
import { sampleRuleset, withNightPrice } from "./test-support.ts";

const labels = { from: "version 1", to: "version 2" };

describe("diffRulesets", () => {
  it("identical contents have no changes", () => {
    const diff = diffRulesets(sampleRuleset(), sampleRuleset(), labels);
    expect(diff.identical).toBe(true);
    expect(renderDiff(diff)).toBe("Changes from version 1 to version 2: none");
    expect(diffSummary(diff)).toBe("no changes");
  });

  it("a price change reads as the field in words with from → to and the unit", () => {
    const diff = diffRulesets(sampleRuleset(), withNightPrice(sampleRuleset(), "0.28"), labels);
    expect(diff.rules).toEqual([
      {
        kind: "changed",
        ruleId: "night",
        name: "Night rate",
        changes: [
          {
            path: "outcome.tariff.elements[0].components[ENERGY].price",
            label: "energy price",
            from: "0.25",
            to: "0.28",
            text: "energy price 0.25 → 0.28 EUR/kWh",
          },
        ],
        text: ['Rule "Night rate": energy price 0.25 → 0.28 EUR/kWh'],
      },
    ]);
    expect(diffSummary(diff)).toBe("1 rule changed");
  });

  it("condition changes name the property test: start time window 22:00–06:00 → 23:00–06:00", () => {
    const b = sampleRuleset();
    const night = b.rules[0];
    if (night) night.condition = { op: "timeOfDay", property: "startTime", from: "23:00", to: "06:00" };
    const text = renderDiff(diffRulesets(sampleRuleset(), b, labels));
    expect(text).toBe(
      'Changes from version 1 to version 2:\nRule "Night rate": condition: start time window 22:00–06:00 → 23:00–06:00',
    );
  });

  it("conjunctions are compared test by test; other shapes as whole conditions", () => {
    const a = sampleRuleset();
    const b = sampleRuleset();
    (a.rules[1] as Ruleset["rules"][number]).condition = {
      op: "all",
      conditions: [
        { op: "gte", property: "energyKwh", value: "10" },
        { op: "eq", property: "cpo", value: "NL*ABC" },
      ],
    };
    (b.rules[1] as Ruleset["rules"][number]).condition = {
      op: "all",
      conditions: [
        { op: "gte", property: "energyKwh", value: "20" },
        { op: "dayOfWeek", days: ["SATURDAY", "SUNDAY"] },
      ],
    };
    expect(
      renderDiff(diffRulesets(a, b, labels))
        .split("\n")
        .slice(1),
    ).toEqual([
      'Rule "Day rate": condition: energy ≥ 10 kWh → ≥ 20 kWh',
      'Rule "Day rate": condition: removed CPO = NL*ABC',
      'Rule "Day rate": condition: added start day Sat, Sun',
    ]);
    const c = sampleRuleset();
    (c.rules[1] as Ruleset["rules"][number]).condition = {
      op: "any",
      conditions: [
        { op: "in", property: "cpo", values: ["NL*ABC", "DE*ION"] },
        { op: "not", condition: { op: "exists", property: "subscription" } },
      ],
    };
    expect(
      renderDiff(diffRulesets(sampleRuleset(), c, labels))
        .split("\n")
        .slice(1),
    ).toEqual(['Rule "Day rate": condition: always → CPO is one of NL*ABC, DE*ION or not (subscription is set)']);
  });

  it("rules added, removed and moved; ruleset settings; scripts", () => {
    const a = sampleRuleset({ scripts: { "idle-fee": "line 1\nline 2\n" } });
    const b = sampleRuleset({
      hitPolicy: "collect",
      currency: "EUR",
      vatPercent: "9",
      scripts: { "idle-fee": "line 1\nline 2 changed\nline 3\n", bonus: "x" },
    });
    const [night, day] = b.rules as [Ruleset["rules"][number], Ruleset["rules"][number]];
    b.rules = [
      day,
      {
        id: "weekend",
        name: "Weekend rate",
        enabled: true,
        condition: { op: "dayOfWeek", days: ["SATURDAY", "SUNDAY"] },
        outcome: { type: "markup", base: "none", perKwh: "0.30", fixed: "0.25" },
      },
      { ...night, enabled: false, name: "Night rate (old)" },
    ];
    const c = sampleRuleset();
    c.rules.push({
      id: "blocked",
      name: "Blocked CPO",
      enabled: true,
      condition: { op: "eq", property: "cpo", value: "DE*BLK" },
      outcome: { type: "dropOut", reason: "NO_AGREEMENT", message: "no agreement" },
    });
    const diff = diffRulesets(c, b, labels);
    expect(renderDiff(diff)).toBe(
      [
        "Changes from version 1 to version 2:",
        "Ruleset: hit policy first → collect",
        "Ruleset: VAT 21 → 9 %",
        'Rule "Blocked CPO" removed (was at position 3)',
        'Rule "Weekend rate" added at position 2: when start day Sat, Sun then markup: 0.30 EUR/kWh + 0.25 EUR',
        'Rule "Night rate (old)" moved from position 1 to 3',
        'Rule "Night rate (old)": name "Night rate" → "Night rate (old)"',
        'Rule "Night rate (old)": disabled',
        'Script "bonus" added',
        'Script "idle-fee" added',
      ].join("\n"),
    );
    const scripts = diffRulesets(a, b, labels).scripts;
    expect(scripts.map((s) => s.text)).toEqual([
      'Script "bonus" added',
      'Script "idle-fee" changed: 2 lines added, 1 removed',
    ]);
    expect(diffSummary(diff)).toBe("1 rule added, 1 rule removed, 1 rule changed, 2 ruleset settings, 2 scripts");
  });

  it("tariff structure, markup and drop-out fields", () => {
    const a = sampleRuleset();
    const b = sampleRuleset();
    const day = b.rules[1] as Ruleset["rules"][number];
    day.outcome = {
      type: "rate",
      tariff: {
        maxPrice: { exclVat: "20.00" },
        elements: [
          {
            components: [
              { dimension: "ENERGY", price: "0.35", vat: "9" },
              { dimension: "PARKING_TIME", price: "2.00", vat: "21", stepSize: 60 },
            ],
            restrictions: { startTime: "07:00", endTime: "19:00" },
          },
          { components: [{ dimension: "ENERGY", price: "0.30" }] },
        ],
      },
    };
    expect(
      renderDiff(diffRulesets(a, b, labels))
        .split("\n")
        .slice(1),
    ).toEqual([
      'Rule "Day rate": added maximum price 20.00 EUR',
      'Rule "Day rate": tariff element 1 (07:00–19:00): energy VAT 21 → 9 %',
      'Rule "Day rate": tariff element 1 (07:00–19:00): removed start fee (was 0.50 EUR)',
      'Rule "Day rate": tariff element 1 (07:00–19:00): added parking price 2.00 EUR/h',
      'Rule "Day rate": tariff element 1 (07:00–19:00): added time window 07:00–19:00',
      'Rule "Day rate": added tariff element 2: energy price 0.30 EUR/kWh',
    ]);

    const m1 = sampleRuleset();
    const m2 = sampleRuleset();
    (m1.rules[0] as Ruleset["rules"][number]).outcome = { type: "markup", factor: "1.10", fixed: "0.25" };
    (m2.rules[0] as Ruleset["rules"][number]).outcome = { type: "markup", factor: "1.15", maxMarkup: "7.50" };
    (m1.rules[1] as Ruleset["rules"][number]).outcome = { type: "dropOut", reason: "NO_AGREEMENT", message: "old" };
    (m2.rules[1] as Ruleset["rules"][number]).outcome = { type: "dropOut", reason: "BLOCKED", message: "old" };
    expect(
      renderDiff(diffRulesets(m1, m2, labels))
        .split("\n")
        .slice(1),
    ).toEqual([
      'Rule "Night rate": markup factor 1.10 → 1.15',
      'Rule "Night rate": removed fixed amount (was 0.25 EUR)',
      'Rule "Night rate": added maximum margin 7.50 EUR',
      'Rule "Day rate": drop-out reason NO_AGREEMENT → BLOCKED',
    ]);
    const t1 = sampleRuleset();
    (t1.rules[0] as Ruleset["rules"][number]).outcome = { type: "dropOut", reason: "CLOSED", message: "closed" };
    expect(
      renderDiff(diffRulesets(sampleRuleset(), t1, labels))
        .split("\n")
        .slice(1),
    ).toEqual(['Rule "Night rate": outcome: rate: energy price 0.25 EUR/kWh → drop out: CLOSED (closed)']);
  });
});
