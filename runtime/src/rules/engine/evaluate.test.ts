// The engine: hit policies, every outcome kind (rates through the real pricer, markups with their bounds, scripts
// through the real sandbox, drop-outs), totals and VAT, the trace, and compilation errors. Expected amounts are worked
// out by hand in the comments.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import {
  type EvaluationInput,
  parseRuleset,
  type Rule,
  type Ruleset,
  type SessionFacts,
  sessionFromJson,
  tariffFromJson,
  tariffJsonSchema,
  tariffToJson,
} from "@voltrate/sdk/rules";
import { afterAll, describe, expect, it } from "vitest";
import { priceSession } from "../../pricing/index.ts";
import { normalizedTariffsOf, parseJsonPreservingNumbers } from "../../protocols/ocpi/index.ts";
import { createScriptSandbox } from "../scripts/index.ts";
import { compileRuleset, evaluateRuleset, RulesetCompileError, totalsOf } from "./index.ts";

const sandbox = createScriptSandbox({ poolSize: 1 });
afterAll(() => sandbox.dispose());

function ruleset(rules: unknown[], extra: Record<string, unknown> = {}): Ruleset {
  const r = parseRuleset({
    id: "test",
    name: "Test",
    administrationId: "adm",
    side: "sales",
    currency: "EUR",
    vatPercent: "21",
    rules,
    ...extra,
  });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.ruleset;
}

const drop = (reason: string) => ({ type: "dropOut", reason, message: reason.toLowerCase() });
const energyRate = (price: string, vat = "21") => ({
  type: "rate",
  tariff: { elements: [{ components: [{ dimension: "ENERGY", price, vat }] }] },
});

/** Tuesday 2025-03-04 09:00–11:00 in Amsterdam (08:00Z–10:00Z), 20 kWh, at NL*ABC, AC. */
function input(facts: SessionFacts = {}, purchaseCost?: string, energyKwh = "20"): EvaluationInput {
  const i: EvaluationInput = {
    session: sessionFromJson({
      id: "S1",
      start: "2025-03-04T08:00:00Z",
      end: "2025-03-04T10:00:00Z",
      timeZone: "Europe/Amsterdam",
      chargingPeriods: [{ start: "2025-03-04T08:00:00Z", energyKwh }],
    }),
    facts: { cpo: { countryCode: "NL", partyId: "ABC" }, powerType: "AC", ...facts },
  };
  if (purchaseCost !== undefined) i.purchaseCost = { exclVat: purchaseCost };
  return i;
}

describe("hit policy first", () => {
  const rs = ruleset([
    { id: "off", name: "off", enabled: false, condition: { op: "always" }, outcome: drop("OFF") },
    { id: "dc", name: "DC", condition: { op: "eq", property: "powerType", value: "DC" }, outcome: energyRate("0.59") },
    {
      id: "big",
      name: "big",
      condition: { op: "gte", property: "energyKwh", value: "10" },
      outcome: energyRate("0.30"),
    },
    { id: "all", name: "all", condition: { op: "always" }, outcome: energyRate("0.40") },
  ]);

  it("the first enabled rule that holds decides; later rules are not tried", async () => {
    const e = await evaluateRuleset(rs, input());
    expect(e.status).toBe("priced");
    expect(e.matchedRuleIds).toEqual(["big"]);
    // 20 kWh × 0.30 = 6.00; VAT 21 % = 1.26.
    expect(e.totals).toEqual({
      exclVat: "6.00",
      vat: "1.26",
      inclVat: "7.26",
      byVatRate: [{ vatPercent: "21", base: "6.00", vat: "1.26" }],
    });
    expect(e.trace.map((t) => [t.ruleId, t.status, t.reason])).toEqual([
      ["off", "disabled", undefined],
      ["dc", "not-matched", "powerType AC ≠ DC"],
      ["big", "matched", "energyKwh 20 ≥ 10"],
    ]);
  });

  it("falls through to a later rule", async () => {
    const e = await evaluateRuleset(rs, input({}, undefined, "7.2"));
    expect(e.matchedRuleIds).toEqual(["all"]);
    expect(e.trace[2]?.reason).toBe("energyKwh 7.2 is not ≥ 10");
    // 7.2 × 0.40 = 2.88.
    expect(e.totals?.exclVat).toBe("2.88");
  });

  it("drops out when no rule applies", async () => {
    const e = await evaluateRuleset(
      ruleset([
        { id: "dc", name: "DC", condition: { op: "eq", property: "powerType", value: "DC" }, outcome: energyRate("1") },
      ]),
      input(),
    );
    expect(e.status).toBe("dropOut");
    expect(e.dropOut).toEqual({
      reason: "NO_MATCHING_RULE",
      message: "no rule of ruleset test applies to this session",
    });
    expect(e.lines).toEqual([]);
    expect(e.totals).toBeUndefined();
  });

  it("the fast path agrees", async () => {
    const compiled = await compileRuleset(rs);
    expect(compiled.firstMatch(input())?.id).toBe("big");
    expect(compiled.matches(input({}, undefined, "1")).map((r) => r.id)).toEqual(["all"]);
    expect(compiled.firstMatch(input({ powerType: "DC" }))?.id).toBe("dc");
  });
});

describe("hit policy collect", () => {
  const rs = ruleset(
    [
      { id: "base", name: "base", condition: { op: "always" }, outcome: energyRate("0.35") },
      {
        id: "weekday-day",
        name: "weekday surcharge",
        condition: {
          op: "all",
          conditions: [
            { op: "dayOfWeek", days: ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY"] },
            { op: "timeOfDay", from: "08:00", to: "20:00" },
          ],
        },
        outcome: { type: "markup", base: "none", perKwh: "0.02", code: "PEAK" },
      },
      {
        id: "fleet",
        name: "fleet discount",
        condition: { op: "eq", property: "custom.fleet", value: true },
        outcome: { type: "markup", base: "subtotal", factor: "-0.15" },
      },
      {
        id: "blocked",
        name: "blocked",
        condition: { op: "eq", property: "custom.blocked", value: true },
        outcome: drop("BLOCKED"),
      },
    ],
    { hitPolicy: "collect" },
  );

  it("every rule that holds adds its lines, in order; a discount works on the subtotal", async () => {
    const e = await evaluateRuleset(rs, input({ custom: { fleet: true } }));
    expect(e.matchedRuleIds).toEqual(["base", "weekday-day", "fleet"]);
    // base: 20 × 0.35 = 7.00; peak: 20 × 0.02 = 0.40; subtotal 7.40 × -0.15 = -1.11. Total 6.29; VAT 1.3209 → 1.32.
    expect(e.lines.map((l) => [l.code, l.amountExclVat])).toEqual([
      ["ENERGY", "7.00"],
      ["PEAK", "0.40"],
      ["DISCOUNT", "-1.11"],
    ]);
    expect(e.lines[2]?.description).toBe("Discount: 15 % of the subtotal");
    expect(e.totals).toMatchObject({ exclVat: "6.29", vat: "1.32", inclVat: "7.61" });
  });

  it("a drop-out ends the evaluation and discards the lines so far", async () => {
    const e = await evaluateRuleset(rs, input({ custom: { blocked: true } }));
    expect(e.status).toBe("dropOut");
    expect(e.dropOut).toEqual({ reason: "BLOCKED", message: "blocked", ruleId: "blocked" });
    expect(e.matchedRuleIds).toEqual(["base", "weekday-day", "blocked"]);
    expect(e.lines).toEqual([]);
    expect(e.trace.at(-1)?.outcome).toEqual({ type: "dropOut", reason: "BLOCKED", message: "blocked" });
  });

  it("matches() lists every rule that would run", async () => {
    const compiled = await compileRuleset(rs);
    expect(compiled.matches(input()).map((r) => r.id)).toEqual(["base", "weekday-day"]);
  });
});

describe("rate outcomes (the pricer)", () => {
  it("time-of-day elements split a period, lines per price, the pricer trace is kept", async () => {
    const rs = ruleset([
      {
        id: "tou",
        name: "tou",
        condition: { op: "always" },
        outcome: {
          type: "rate",
          tariff: {
            elements: [
              { components: [{ dimension: "FLAT", price: "0.30", vat: "21" }] },
              {
                components: [{ dimension: "ENERGY", price: "0.30", vat: "21" }],
                restrictions: { startTime: "07:00", endTime: "10:00" },
              },
              { components: [{ dimension: "ENERGY", price: "0.24", vat: "21" }] },
            ],
          },
        },
      },
    ]);
    const e = await evaluateRuleset(rs, input());
    // 09:00–11:00 local, 20 kWh at constant power: 10 kWh before 10:00 at 0.30 = 3.00, 10 kWh after at 0.24 = 2.40.
    expect(e.lines.map((l) => [l.code, l.quantity, l.unit, l.amountExclVat, l.description])).toEqual([
      ["START_FEE", "1", "session", "0.30", "Start fee: 1 session × 0.30 EUR"],
      ["ENERGY", "10", "kWh", "3.00", "Energy: 10 kWh × 0.30 EUR/kWh"],
      ["ENERGY", "10", "kWh", "2.40", "Energy: 10 kWh × 0.24 EUR/kWh"],
    ]);
    expect(e.totals?.exclVat).toBe("5.70");
    const outcome = e.trace[0]?.outcome;
    expect(outcome?.type).toBe("rate");
    if (outcome?.type !== "rate") return;
    expect(outcome.tariffId).toBe("tou");
    expect(outcome.totals).toMatchObject({ total_cost: { excl_vat: "5.7000" } });
    expect(outcome.pricer.some((t) => (t as { type: string }).type === "split")).toBe(true);
  });

  it("min_price adds a MIN_PRICE line; per-category rounding differences are shown as ROUNDING", async () => {
    const minPrice = ruleset([
      {
        id: "min",
        name: "min",
        condition: { op: "always" },
        outcome: {
          type: "rate",
          tariff: {
            minPrice: { exclVat: "2.50" },
            elements: [{ components: [{ dimension: "ENERGY", price: "0.10", vat: "21" }] }],
          },
        },
      },
    ]);
    const e = await evaluateRuleset(minPrice, input());
    // 20 × 0.10 = 2.00 < min_price 2.50: +0.50.
    expect(e.lines.map((l) => [l.code, l.amountExclVat, l.vatPercent])).toEqual([
      ["ENERGY", "2.00", "21"],
      ["MIN_PRICE", "0.50", "21"],
    ]);
    expect(e.totals?.exclVat).toBe("2.50");

    const rounding = ruleset([
      {
        id: "r",
        name: "r",
        condition: { op: "always" },
        outcome: {
          type: "rate",
          tariff: {
            elements: [
              {
                components: [
                  { dimension: "ENERGY", price: "0.05025", vat: "21" },
                  { dimension: "TIME", price: "0.5025", vat: "21" },
                ],
              },
            ],
          },
        },
      },
    ]);
    const r = await evaluateRuleset(rounding, input());
    // Energy 20 × 0.05025 = 1.005 → 1.01; time 2 h × 0.5025 = 1.005 → 1.01; the pricer's total 2.01 (rounded once).
    expect(r.lines.map((l) => [l.code, l.amountExclVat])).toEqual([
      ["ENERGY", "1.01"],
      ["TIME", "1.01"],
      ["ROUNDING", "-0.01"],
    ]);
    expect(r.totals?.exclVat).toBe("2.01");
  });

  it("a pricing error is a drop-out", async () => {
    const i = input();
    i.session.currency = "USD";
    const e = await evaluateRuleset(
      ruleset([{ id: "x", name: "x", condition: { op: "always" }, outcome: energyRate("1") }]),
      i,
    );
    expect(e.status).toBe("dropOut");
    expect(e.dropOut?.reason).toBe("PRICING_ERROR");
    expect(e.dropOut?.message).toMatch(/^CURRENCY_MISMATCH: /);
  });

  it("the session's own tariff ids (from a CDR) do not keep the rule's tariff from applying", async () => {
    const i = input();
    i.session.chargingPeriods[0]!.tariffId = "CPO-TARIFF-1";
    const e = await evaluateRuleset(
      ruleset([{ id: "x", name: "x", condition: { op: "always" }, outcome: energyRate("0.25") }]),
      i,
    );
    expect(e.totals?.exclVat).toBe("5.00");
  });

  describe("every OCPI 2.2.1 example tariff is expressible as a rate and prices the same", () => {
    const dir = path.join(import.meta.dirname, "../../pricing/fixtures/spec-examples");
    const files = readdirSync(dir).filter((f) => f.startsWith("tariff") && f.endsWith(".json"));
    /** 3.5 h from `start` (default 2024-05-06 18:00 in Berlin): two charging periods and 45 min parking. */
    const sessionAt = (start = Date.parse("2024-05-06T16:00:00Z")) => {
      const at = (h: number) => new Date(start + h * 3_600_000).toISOString();
      return sessionFromJson({
        start: at(0),
        end: at(3.5),
        timeZone: "Europe/Berlin",
        chargingPeriods: [
          { start: at(0), energyKwh: "18.5", maxPowerKw: "11", maxCurrentA: "16" },
          { start: at(2), energyKwh: "4.25", maxPowerKw: "30", maxCurrentA: "48" },
          { start: at(2.75), parkingHours: "0.75" },
        ],
      });
    };
    for (const file of files) {
      it(file, async () => {
        const text = readFileSync(path.join(dir, file), "utf8");
        const parsed = normalizedTariffsOf(parseJsonPreservingNumbers(text), { mode: "pricing-minimal" });
        if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
        for (const tariff of parsed.value) {
          const json = tariffToJson(tariff);
          expect(tariffJsonSchema.safeParse(JSON.parse(JSON.stringify(json))).success).toBe(true);
          const back = tariffFromJson(json);
          expect(back).toEqual({ ...tariff, lastUpdated: undefined });
          const rs = ruleset(
            [{ id: "r", name: "r", condition: { op: "always" }, outcome: { type: "rate", tariff: json } }],
            {
              currency: tariff.currency,
            },
          );
          const session = sessionAt(
            tariff.validFrom?.getTime() ?? (tariff.validTo && tariff.validTo.getTime() - 7 * 86_400_000),
          );
          const direct = priceSession(session, [back], { trace: false });
          const e = await evaluateRuleset(rs, { session });
          expect(e.status).toBe("priced");
          expect(e.totals?.exclVat).toBe(direct.amounts.total.exclVat.toFixed(2));
        }
      });
    }
  });
});

describe("markup outcomes", () => {
  const markup = (o: Record<string, unknown>) =>
    ruleset([{ id: "m", name: "m", condition: { op: "always" }, outcome: { type: "markup", ...o } }]);

  it("cost × factor + per kWh + fixed, with the arithmetic in the trace", async () => {
    const e = await evaluateRuleset(markup({ factor: "1.10", perKwh: "0.05", fixed: "0.25" }), input({}, "10.00"));
    // 10.00 × 1.10 = 11.00; + 0.05 × 20 = 1.00 → 12.00; + 0.25 → 12.25.
    expect(e.lines).toEqual([
      {
        ruleId: "m",
        code: "CHARGING",
        description: "Charging: 20 kWh",
        quantity: "20",
        unit: "kWh",
        amountExclVat: "12.25",
        vatPercent: "21",
      },
    ]);
    expect(e.trace[0]?.outcome).toEqual({
      type: "markup",
      steps: [
        "purchase cost 10 × 1.1 = 11",
        "+ 0.05/kWh × 20 kWh = 1 → 12",
        "+ fixed 0.25 → 12.25",
        "= 12.25 EUR (rounded half-up to 2 decimals)",
      ],
      amount: "12.25",
    });
  });

  it("the minimum and the cap of the amount", async () => {
    const m = markup({ factor: "1.10", min: "2.00", max: "20.00" });
    // 1.00 × 1.10 = 1.10 < 2.00 → 2.00.
    expect((await evaluateRuleset(m, input({}, "1.00"))).totals?.exclVat).toBe("2.00");
    // 30.00 × 1.10 = 33.00 > 20.00 → 20.00.
    const capped = await evaluateRuleset(m, input({}, "30.00"));
    expect(capped.totals?.exclVat).toBe("20.00");
    expect(capped.trace[0]?.outcome).toMatchObject({ steps: expect.arrayContaining(["33 is above the cap 20 → 20"]) });
    // 10.00 × 1.10 = 11.00: within bounds.
    expect((await evaluateRuleset(m, input({}, "10.00"))).totals?.exclVat).toBe("11.00");
  });

  it("the minimum and maximum margin over the cost", async () => {
    const m = markup({ factor: "1.10", minMarkup: "0.50", maxMarkup: "3.00" });
    // 2.00 × 1.10 = 2.20: margin 0.20 < 0.50 → 2.50.
    expect((await evaluateRuleset(m, input({}, "2.00"))).totals?.exclVat).toBe("2.50");
    // 50.00 × 1.10 = 55.00: margin 5.00 > 3.00 → 53.00.
    const e = await evaluateRuleset(m, input({}, "50.00"));
    expect(e.totals?.exclVat).toBe("53.00");
    expect(e.trace[0]?.outcome).toMatchObject({
      steps: expect.arrayContaining(["markup 5 held at the maximum markup 3 → 53"]),
    });
  });

  it("split presentation: the cost and the margin as two lines; per hour; rounding half-up", async () => {
    const e = await evaluateRuleset(
      markup({ factor: "1.15", perHour: "0.125", presentation: "split" }),
      input({}, "8.333"),
    );
    // 8.333 × 1.15 = 9.58295; + 0.125 × 2 h = 0.25 → 9.83295 → 9.83. Cost 8.333 → 8.33; margin 9.83 - 8.33 = 1.50.
    expect(e.lines.map((l) => [l.code, l.amountExclVat])).toEqual([
      ["PURCHASE_COST", "8.33"],
      ["MARKUP", "1.50"],
    ]);
    expect(e.totals?.exclVat).toBe("9.83");
  });

  it("without a purchase cost, a markup on it drops out", async () => {
    const e = await evaluateRuleset(markup({ factor: "1.1" }), input());
    expect(e.dropOut).toEqual({
      reason: "NO_PURCHASE_COST",
      message: "the markup needs the purchase cost of the session, and none was given",
      ruleId: "m",
    });
    // base "none" needs none.
    const fee = await evaluateRuleset(
      markup({ base: "none", fixed: "1.50", code: "SERVICE_FEE", description: "Service fee", vatPercent: "9" }),
      input(),
    );
    expect(fee.lines).toEqual([
      { ruleId: "m", code: "SERVICE_FEE", description: "Service fee", amountExclVat: "1.50", vatPercent: "9" },
    ]);
    expect(fee.totals).toMatchObject({ exclVat: "1.50", vat: "0.14", inclVat: "1.64" });
  });
});

describe("script outcomes (the sandbox)", () => {
  const idleFee = readFileSync(path.join(import.meta.dirname, "../../../../rulesets/examples/idle-fee.ts"), "utf8");
  const scripted = (script: string, params?: unknown) =>
    ruleset(
      [
        {
          id: "s",
          name: "s",
          condition: { op: "always" },
          outcome: { type: "script", script: "fee", ...(params !== undefined && { params }) },
        },
      ],
      {
        scripts: { fee: script },
      },
    );

  it("runs the script on the session and its facts; its lines and log are in the result", async () => {
    const i = input({ idleSeconds: 2.5 * 3600 });
    const e = await evaluateRuleset(scripted(idleFee), i, { sandbox });
    // Idle 150 min - 60 free = 90 started minutes × 1.00/60 = 1.50.
    expect(e.lines).toEqual([
      {
        ruleId: "s",
        code: "IDLE_FEE",
        description: "Idle fee: 90 min after 60 free min at 1.00 EUR/h",
        quantity: "90",
        unit: "min",
        amountExclVat: "1.50",
        vatPercent: "21",
      },
    ]);
    const outcome = e.trace[0]?.outcome;
    expect(outcome?.type).toBe("script");
    if (outcome?.type === "script") expect(outcome.logs.join(" ")).toMatch(/started minutes/);
  });

  it("passes the rule's parameters", async () => {
    const e = await evaluateRuleset(
      scripted(idleFee, { ratePerHour: "6.00", maxFee: "5.00" }),
      input({ idleSeconds: 3 * 3600 }),
      { sandbox },
    );
    // 120 started minutes × 6.00/60 = 12.00, capped at 5.00.
    expect(e.lines[0]?.amountExclVat).toBe("5.00");
  });

  it("a failing script drops out with its error and log", async () => {
    const throwing = `import { defineScript } from "voltrate:script";
export default defineScript((s, h) => { h.log("about to fail"); throw new Error("no tariff for " + s.cpo.partyId); });`;
    const e = await evaluateRuleset(scripted(throwing), input(), { sandbox });
    expect(e.status).toBe("dropOut");
    expect(e.dropOut?.reason).toBe("SCRIPT_THREW");
    expect(e.dropOut?.message).toMatch(/no tariff for ABC/);
    expect(e.trace[0]?.outcome).toMatchObject({
      type: "script",
      logs: ["about to fail"],
      error: { code: "SCRIPT_THREW" },
    });
  });

  it("without a sandbox a script rule drops out", async () => {
    const e = await evaluateRuleset(scripted(idleFee), input());
    expect(e.dropOut?.reason).toBe("SCRIPT_UNAVAILABLE");
  });

  it("a script that does not compile is a compile error", async () => {
    const rs = scripted(`export default 42 as string;`);
    await expect(compileRuleset(rs)).rejects.toThrow(RulesetCompileError);
    await expect(compileRuleset(rs)).rejects.toMatchObject({
      issues: expect.arrayContaining([expect.objectContaining({ path: "scripts.fee" })]),
    });
  });
});

describe("result", () => {
  const rs = ruleset([
    { id: "a", name: "a", condition: { op: "gte", property: "energyKwh", value: "1" }, outcome: energyRate("0.3") },
  ]);

  it("carries the ruleset, its version and hash, the instant, the properties seen", async () => {
    const e = await evaluateRuleset(rs, input(), {
      version: { version: "7", source: "store" },
      at: new Date("2025-03-04T12:00:00Z"),
    });
    expect(e.ruleset).toEqual({
      id: "test",
      name: "Test",
      side: "sales",
      currency: "EUR",
      hitPolicy: "first",
      version: "7",
      source: "store",
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(e.at).toBe("2025-03-04T12:00:00.000Z");
    expect(e.properties).toEqual({ energyKwh: "20" });
    expect(JSON.parse(JSON.stringify(e))).toEqual(e);
  });

  it("without a trace: the same lines, no trace, no properties", async () => {
    const e = await evaluateRuleset(rs, input(), { trace: false });
    expect(e.trace).toEqual([]);
    expect(e.properties).toEqual({});
    expect(e.totals?.exclVat).toBe("6.00");
  });

  it("the hash changes with the rules and not with key order", async () => {
    const a = await compileRuleset(rs);
    const reordered = JSON.parse(JSON.stringify(rs, Object.keys(rs).reverse())) as Ruleset;
    expect((await compileRuleset({ ...reordered, rules: rs.rules })).hash).toBe(a.hash);
    const changed: Rule[] = [{ ...rs.rules[0]!, name: "b" }];
    expect((await compileRuleset({ ...rs, rules: changed })).hash).not.toBe(a.hash);
  });

  it("totals: VAT per rate on the sum of its lines; unknown VAT leaves incl. VAT out", () => {
    const line = (amount: string, vatPercent?: string) => ({
      ruleId: "r",
      code: "X",
      description: "x",
      amountExclVat: amount,
      ...(vatPercent !== undefined && { vatPercent }),
    });
    // 21 %: 0.05 + 0.05 = 0.10 → VAT 0.021 → 0.02 (per line it would be 0.01 + 0.01). 9 %: 1.00 → 0.09.
    expect(totalsOf([line("0.05", "21"), line("0.05", "21.0"), line("1.00", "9")], 2)).toEqual({
      exclVat: "1.10",
      vat: "0.11",
      inclVat: "1.21",
      byVatRate: [
        { vatPercent: "9", base: "1.00", vat: "0.09" },
        { vatPercent: "21", base: "0.10", vat: "0.02" },
      ],
    });
    expect(totalsOf([line("1.00", "21"), line("2.00")], 2)).toEqual({
      exclVat: "3.00",
      byVatRate: [{ vatPercent: "21", base: "1.00", vat: "0.21" }],
    });
  });

  it("an invalid ruleset does not compile", async () => {
    const bad = {
      ...rs,
      rules: [{ ...rs.rules[0]!, condition: { op: "eq", property: "nope", value: "1" } }],
    } as unknown as Ruleset;
    await expect(compileRuleset(bad)).rejects.toThrow(/rules\[0\]\.condition\.property: unknown property "nope"/);
  });
});
