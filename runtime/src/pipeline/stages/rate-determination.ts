// Stage 4, rate determination. Purchase side (what we pay the CPO): the agreement's purchase ruleset through the rules
// engine, or the CPO's own OCPI tariffs through the pricer, or — by instruction — the CPO's reported total as is.
// Sales side (what our customer pays): the contract's sales ruleset, which sees the purchase cost (in its own
// currency, converted at the ECB rate of the session date when the currencies differ) for markups.
import { Dec, minorUnits, type Tariff } from "@voltrate/sdk";
import type { EvaluationInput, PriceLine, RulesetEvaluation } from "@voltrate/sdk/rules";
import { type Cost, PricingError, priceSession } from "../../pricing/index.ts";
import { RulesetCompileError } from "../../rules/engine/index.ts";
import { moneyString, roundMoney } from "../money.ts";
import type { ParsedSession } from "../parse-input.ts";
import type { ResolvedRuleset } from "../ports.ts";
import {
  type DeterminedSide,
  fail,
  type LookupResult,
  pass,
  type RateResult,
  type StageContext,
  type StageOutcome,
} from "../types.ts";
import type { RulesetRef } from "../vocabulary.ts";
import { convert } from "./fx.ts";

export interface RateDeterminationInput {
  parsed: ParsedSession;
  lookups: LookupResult;
}

const sumLines = (lines: readonly PriceLine[]): Dec => lines.reduce((acc, l) => acc.plus(l.amountExclVat), new Dec(0));

export async function rateDetermination(
  { parsed, lookups }: RateDeterminationInput,
  ctx: StageContext,
): Promise<StageOutcome<RateResult>> {
  const purchase = await purchaseSide(parsed, lookups, ctx);
  if (!purchase.ok) return purchase;
  const p = purchase.value;
  ctx.trace(`purchase: ${p.exclVat.toFixed(minorUnits(p.currency))} ${p.currency} excl. VAT (${p.source})`, {
    source: p.source,
    ...(p.ruleset ? { ruleset: `${p.ruleset.rulesetId}@${p.ruleset.version}` } : {}),
    ...(p.explanation === undefined ? {} : { explanation: p.explanation }),
  });

  const salesRuleset = lookups.salesRuleset;
  const salesCurrency = salesRuleset.content.currency.toUpperCase();
  let purchaseCost = p.exclVat;
  if (p.currency !== salesCurrency) {
    const converted = await convert(
      ctx,
      p.exclVat,
      p.currency,
      salesCurrency,
      parsed.session.start,
      "purchase cost into the sales ruleset's currency",
    );
    if (!converted.ok) return converted;
    purchaseCost = converted.value.amount;
  }
  const input: EvaluationInput = {
    session: parsed.session,
    facts: lookups.facts,
    purchaseCost: { exclVat: moneyString(purchaseCost, salesCurrency) },
  };
  const sales = await evaluate("sales", salesRuleset, refOf(lookups, "sales"), input, ctx);
  if (!sales.ok) return sales;
  const s = sales.value;
  ctx.trace(
    `sales: ${s.exclVat.toFixed(minorUnits(s.currency))} ${s.currency} excl. VAT (${s.ruleset?.rulesetId}@${s.ruleset?.version})`,
    { purchaseCostSeen: input.purchaseCost, explanation: s.explanation },
  );
  return pass({ purchase: p, sales: s });
}

/**
 * The rules as the evaluation saw them, without the pricer's own per-line trace (the revision records the ruleset
 * version and the input, so evaluating again reproduces it in full).
 */
function condensedTrace(trace: RulesetEvaluation["trace"]): Record<string, unknown>[] {
  return trace.map((t) => {
    const o = t.outcome;
    let outcome: Record<string, unknown> | undefined;
    if (o?.type === "rate")
      outcome = {
        type: "rate",
        tariffId: o.tariffId,
        profile: o.profile,
        ...(o.warnings.length ? { warnings: o.warnings } : {}),
      };
    else if (o?.type === "markup") outcome = { type: "markup", steps: o.steps, amount: o.amount };
    else if (o?.type === "script")
      outcome = { type: "script", script: o.script, notes: o.notes, ...(o.error ? { error: o.error } : {}) };
    else if (o) outcome = { ...o };
    return {
      ruleId: t.ruleId,
      status: t.status,
      ...(t.reason ? { reason: t.reason } : {}),
      ...(outcome ? { outcome } : {}),
    };
  });
}

function refOf(lookups: LookupResult, side: "sales" | "purchase"): RulesetRef {
  return lookups.rulesetRefs.find((r) => r.side === side) as RulesetRef;
}

async function purchaseSide(
  parsed: ParsedSession,
  lookups: LookupResult,
  ctx: StageContext,
): Promise<StageOutcome<DeterminedSide>> {
  const currency = (parsed.session.currency ?? "").toUpperCase();
  if (ctx.instruction?.type === "acceptCpoPrice") {
    const cost = parsed.reportedCost;
    if (!cost) {
      return fail("PURCHASE_TARIFF_MISSING", "the CPO's price cannot be accepted: the session reports no total_cost", {
        instruction: "acceptCpoPrice",
      });
    }
    const amount = moneyString(new Dec(cost.exclVat), cost.currency);
    ctx.applied(`purchase cost = the CPO's total_cost ${amount} ${cost.currency}`, { reported: cost });
    const line: PriceLine = {
      ruleId: "cpo-reported",
      code: "CPO_TOTAL",
      description: `Total charged by ${parsed.cpo} (CDR total_cost), accepted`,
      amountExclVat: amount,
    };
    return pass({
      side: "purchase",
      source: "cpo-reported",
      currency: cost.currency,
      lines: [line],
      exclVat: new Dec(amount),
    });
  }
  if (lookups.purchaseRuleset) {
    return evaluate(
      "purchase",
      lookups.purchaseRuleset,
      refOf(lookups, "purchase"),
      { session: parsed.session, facts: lookups.facts },
      ctx,
    );
  }
  if (parsed.tariffs.length === 0) {
    return fail(
      "PURCHASE_TARIFF_MISSING",
      `agreement ${lookups.agreement.id} prices with the CPO's own tariffs, but the session carries none`,
      { agreementId: lookups.agreement.id },
    );
  }
  return priceWithCpoTariffs(parsed.session, parsed.tariffs, currency, ctx);
}

function priceWithCpoTariffs(
  session: ParsedSession["session"],
  tariffs: Tariff[],
  currency: string,
  _ctx: StageContext,
): StageOutcome<DeterminedSide> {
  let result: ReturnType<typeof priceSession>;
  try {
    result = priceSession(session, tariffs, { trace: false });
  } catch (error) {
    if (!(error instanceof PricingError)) throw error;
    return fail("PRICING_ERROR", `the CPO's tariffs cannot price the session: ${error.code}: ${error.message}`, {
      pricingError: error.code,
      tariffIds: tariffs.map((t) => t.id),
    });
  }
  const cur = result.currency.toUpperCase() || currency;
  const vats = new Set(
    tariffs.flatMap((t) => t.elements.flatMap((e) => e.components.map((c) => c.vatPercent?.toString()))),
  );
  const commonVat = vats.size === 1 ? [...vats][0] : undefined;
  const a = result.amounts;
  const t = result.totals;
  const lines: PriceLine[] = [];
  const add = (code: string, description: string, cost: Cost, quantity?: string, unit?: string) => {
    if (cost.exclVat.isZero()) return;
    const line: PriceLine = {
      ruleId: "cpo-tariffs",
      code,
      description,
      amountExclVat: moneyString(cost.exclVat, cur),
      ...(quantity === undefined ? {} : { quantity }),
      ...(unit === undefined ? {} : { unit }),
    };
    if (commonVat !== undefined) line.vatPercent = commonVat;
    lines.push(line);
  };
  const ids = result.tariffIds.join(", ");
  add("START_FEE", `Start fee (tariff ${ids})`, a.fixed, "1", "session");
  add(
    "ENERGY",
    `Energy: ${new Dec(t.total_energy).toString()} kWh (tariff ${ids})`,
    a.energy,
    new Dec(t.total_energy).toString(),
    "kWh",
  );
  add("TIME", `Charging time (tariff ${ids})`, a.time);
  add(
    "PARKING",
    `Parking time: ${new Dec(t.total_parking_time).toString()} h (tariff ${ids})`,
    a.parking,
    new Dec(t.total_parking_time).toString(),
    "h",
  );
  add("RESERVATION", `Reservation (tariff ${ids})`, a.reservation);
  add("PRICE_LIMIT", `Minimum/maximum price of the tariff (${ids})`, a.priceLimits);
  const total = roundMoney(a.total.exclVat, cur);
  const diff = total.minus(sumLines(lines));
  if (!diff.isZero())
    add("ROUNDING", `Rounding to the tariff total ${total.toFixed(minorUnits(cur))} ${cur}`, { exclVat: diff });
  return pass({
    side: "purchase",
    source: "cpo-tariffs",
    currency: cur,
    lines,
    exclVat: total,
    explanation: {
      tariffIds: result.tariffIds,
      profile: result.profile,
      totals: result.totals,
      warnings: result.warnings,
    },
  });
}

async function evaluate(
  side: "purchase" | "sales",
  resolved: ResolvedRuleset,
  ref: RulesetRef,
  input: EvaluationInput,
  ctx: StageContext,
): Promise<StageOutcome<DeterminedSide>> {
  let evaluation: RulesetEvaluation;
  try {
    const compiled = await ctx.rulesets.compile(resolved);
    evaluation = await compiled.evaluate(input, {
      version: {
        ...(resolved.version === null ? {} : { version: String(resolved.version) }),
        ...(resolved.effectiveFrom ? { effectiveFrom: resolved.effectiveFrom } : {}),
        source: "store",
      },
      at: input.session.start,
      ...(ctx.sandbox ? { sandbox: ctx.sandbox } : {}),
    });
  } catch (error) {
    if (error instanceof RulesetCompileError) {
      return fail("RULESET_INVALID", `${side} ruleset ${resolved.rulesetId}@${resolved.version}: ${error.message}`, {
        side,
        rulesetId: resolved.rulesetId,
        version: resolved.version,
      });
    }
    throw error;
  }
  if (evaluation.status === "dropOut" || !evaluation.totals) {
    const d = evaluation.dropOut ?? { reason: "NO_TOTALS", message: "the evaluation gave no totals" };
    const code = side === "purchase" ? "PURCHASE_RULES_DROPOUT" : "SALES_RULES_DROPOUT";
    return fail(
      code,
      `${side} ruleset ${resolved.rulesetId}@${resolved.version}${d.ruleId ? `, rule ${d.ruleId}` : ""}: ${d.reason} — ${d.message}`,
      {
        side,
        rulesetId: resolved.rulesetId,
        version: resolved.version,
        ...(d.ruleId ? { ruleId: d.ruleId } : {}),
        rulesetReason: d.reason,
        rules: condensedTrace(evaluation.trace),
      },
    );
  }
  const currency = evaluation.ruleset.currency.toUpperCase();
  return pass({
    side,
    source: "ruleset",
    ruleset: ref,
    matchedRuleIds: evaluation.matchedRuleIds,
    currency,
    lines: evaluation.lines,
    exclVat: new Dec(evaluation.totals.exclVat),
    explanation: { properties: evaluation.properties, rules: condensedTrace(evaluation.trace) },
  });
}
