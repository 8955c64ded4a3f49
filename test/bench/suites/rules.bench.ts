// Rules engine throughput on one core:
// (a) rate determination: which row of a 33-row decision table (5 CPOs × AC/DC × 3 energy bands, plus 3 fallback
//     rows) applies to a session — compiled conditions only, no outcome;
// (b) full evaluation of the same table where every row is a rate (a 2-element time-of-day tariff): conditions,
//     the pricer, lines, VAT totals — without and with the trace;
// (c) a script rule (the idle-fee example) evaluated through the sandbox, many sessions in flight.
// Sessions: 2,000 prepared inputs over 7 CPOs (2 without a row), AC/DC, 0.5–80 kWh, start times over 2,000 days.
import { readFileSync } from "node:fs";
import path from "node:path";
import type { ChargeSession } from "@voltrate/sdk";
import { type EvaluationInput, parseRuleset, type Ruleset, sessionFromJson } from "@voltrate/sdk/rules";
import { type CompiledRuleset, compileRuleset } from "../../../runtime/src/rules/engine/index.ts";
import { createScriptSandbox } from "../../../runtime/src/rules/scripts/index.ts";
import { type BenchSuite, opsPerSecond } from "../harness.ts";

const CPOS = ["NL*ABC", "NL*FST", "DE*ION", "BE*XYZ", "FR*TTT"];
const BANDS: [string, string][] = [
  ["0", "10"],
  ["10", "40"],
  ["40", "1000"],
];

function table(rate: (cpo: number, dc: boolean, band: number) => unknown): Ruleset {
  const rules: unknown[] = [];
  CPOS.forEach((cpo, c) => {
    for (const dc of [false, true]) {
      BANDS.forEach(([min, max], b) => {
        rules.push({
          id: `${cpo.replace("*", "-")}-${dc ? "DC" : "AC"}-${b}`,
          name: `${cpo} ${dc ? "DC" : "AC"} ${min}–${max} kWh`,
          condition: {
            op: "all",
            conditions: [
              { op: "eq", property: "cpo", value: cpo },
              { op: "eq", property: "powerType", value: dc ? "DC" : "AC" },
              { op: "between", property: "energyKwh", min, max },
            ],
          },
          outcome: rate(c, dc, b),
        });
      });
    }
  });
  rules.push(
    {
      id: "other-dc",
      name: "other DC",
      condition: { op: "eq", property: "powerType", value: "DC" },
      outcome: rate(9, true, 0),
    },
    {
      id: "other-ac",
      name: "other AC",
      condition: { op: "eq", property: "powerType", value: "AC" },
      outcome: rate(9, false, 0),
    },
    {
      id: "unknown",
      name: "unknown",
      condition: { op: "always" },
      outcome: { type: "dropOut", reason: "NO_RATE", message: "no rate" },
    },
  );
  const parsed = parseRuleset({
    id: "bench",
    name: "bench",
    administrationId: "bench",
    side: "purchase",
    currency: "EUR",
    vatPercent: "21",
    rules,
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.ruleset;
}

const tariffRate = (c: number, dc: boolean, b: number) => ({
  type: "rate",
  tariff: {
    elements: [
      {
        components: [{ dimension: "ENERGY", price: `0.${30 + c * 2 + (dc ? 20 : 0) + b}`, vat: "21" }],
        restrictions: { startTime: "07:00", endTime: "23:00" },
      },
      { components: [{ dimension: "ENERGY", price: `0.${24 + c + (dc ? 18 : 0)}`, vat: "21" }] },
    ],
  },
});

const DAY = 86_400_000;
const base = Date.parse("2019-01-07T06:30:00Z");
const inputs: EvaluationInput[] = [];
const allCpos = [...CPOS, "DE*NEW", "IT*ENL"];
for (let i = 0; i < 2000; i++) {
  const t0 = base + i * DAY + (i % 24) * 1_800_000;
  const cpo = allCpos[i % allCpos.length] as string;
  const [countryCode, partyId] = cpo.split("*") as [string, string];
  const kwh = ((i * 37) % 800) / 10 + 0.5;
  const session: ChargeSession = sessionFromJson({
    id: `S${i}`,
    start: new Date(t0).toISOString(),
    end: new Date(t0 + 2.5 * 3_600_000).toISOString(),
    timeZone: "Europe/Amsterdam",
    chargingPeriods: [{ start: new Date(t0).toISOString(), energyKwh: kwh.toFixed(3) }],
  });
  inputs.push({
    session,
    facts: {
      cpo: { countryCode, partyId },
      powerType: i % 3 === 0 ? "DC" : "AC",
      idleSeconds: (i % 9) * 1200,
      token: { type: "RFID", contractId: `NL-VLT-C${i}` },
    },
    purchaseCost: { exclVat: "7.50" },
  });
}

function cycling<T>(fn: (input: EvaluationInput) => T): () => T {
  let i = 0;
  return () => fn(inputs[i++ % inputs.length] as EvaluationInput);
}

const suite: BenchSuite = {
  name: "rules",
  async run() {
    const determination: CompiledRuleset = await compileRuleset(
      table(() => ({ type: "dropOut", reason: "X", message: "x" })),
    );
    const rates: CompiledRuleset = await compileRuleset(table(tariffRate));
    const note = "33-row table (CPO × AC/DC × energy band), 2,000 sessions, 1 core";

    const determine = await opsPerSecond(
      cycling((i) => determination.firstMatch(i)),
      3,
    );
    const fullNoTrace = await opsPerSecond(
      cycling((i) => rates.evaluate(i, { trace: false })),
      3,
    );
    const fullTrace = await opsPerSecond(
      cycling((i) => rates.evaluate(i)),
      3,
    );

    const idleFee = readFileSync(path.join(import.meta.dirname, "../../../rulesets/examples/idle-fee.ts"), "utf8");
    const scripted = parseRuleset({
      id: "bench-script",
      name: "bench script",
      administrationId: "bench",
      side: "purchase",
      currency: "EUR",
      vatPercent: "21",
      rules: [
        { id: "idle", name: "idle", condition: { op: "always" }, outcome: { type: "script", script: "idle-fee" } },
      ],
      scripts: { "idle-fee": idleFee },
    });
    if (!scripted.ok) throw new Error(JSON.stringify(scripted.issues));
    const script = await compileRuleset(scripted.ruleset);
    const sandbox = createScriptSandbox({ poolSize: 1 });
    const IN_FLIGHT = 64;
    let next = 0;
    const batch = async () => {
      const pending: Promise<unknown>[] = [];
      for (let k = 0; k < IN_FLIGHT; k++) {
        pending.push(script.evaluate(inputs[next++ % inputs.length] as EvaluationInput, { trace: false, sandbox }));
      }
      await Promise.all(pending);
    };
    const scriptRate = await opsPerSecond(batch, 3, IN_FLIGHT);
    const check = await script.evaluate(inputs[5] as EvaluationInput, { sandbox });
    await sandbox.dispose();
    if (check.status !== "priced") throw new Error(`script bench: ${JSON.stringify(check.dropOut)}`);

    return [
      {
        name: "rules: rate determination (33-row table)",
        value: determine,
        unit: "sessions/s",
        target: ">= 500,000/s",
        note,
      },
      {
        name: "rules: full evaluation with rate (no trace)",
        value: fullNoTrace,
        unit: "sessions/s",
        target: ">= 30,000/s",
        note: `${note}; pricer, lines, VAT totals`,
      },
      {
        name: "rules: full evaluation with rate (trace)",
        value: fullTrace,
        unit: "sessions/s",
        note: "as above, with the rule trace and the pricer trace",
      },
      {
        name: "rules: script rule through the sandbox",
        value: scriptRate,
        unit: "sessions/s",
        target: ">= 20,000/s",
        note: `idle-fee example, 1 isolate, ${IN_FLIGHT} in flight`,
      },
    ];
  },
};

export default suite;
