// Outcomes compiled once per ruleset version and run for a matched rule: a rate (the pricer), a markup (decimal
// arithmetic with bounds), a script (the sandbox) or a drop-out. Each returns price lines, or a drop-out, and what it
// computed for the trace.
import { DEC_ZERO, Dec, dec, minorUnits, roundDecimal, type Tariff } from "@voltrate/sdk";
import type {
  DropOut,
  JsonValue,
  MarkupOutcome,
  Outcome,
  OutcomeTrace,
  PriceLine,
  Rule,
  Ruleset,
} from "@voltrate/sdk/rules";
import { tariffFromJson } from "@voltrate/sdk/rules";
import type { ScriptSession } from "@voltrate/sdk/script";
import { PricingError } from "../../pricing/errors.ts";
import { priceSession } from "../../pricing/price.ts";
import { resolveProfile } from "../../pricing/profile.ts";
import type { CostCategory, PricingResult } from "../../pricing/result.ts";
import type { CompiledScript, ScriptSandbox } from "../scripts/index.ts";
import type { SessionView } from "./session-view.ts";

/** What running an outcome gives. */
export type OutcomeResult =
  | { kind: "lines"; lines: PriceLine[]; trace?: OutcomeTrace }
  | { kind: "dropOut"; dropOut: DropOut; trace?: OutcomeTrace };

export interface OutcomeRun {
  view: SessionView;
  /** Lines produced by earlier rules of this evaluation (for markups on the subtotal). */
  linesSoFar: readonly PriceLine[];
  trace: boolean;
  sandbox: ScriptSandbox | undefined;
}

export interface CompiledOutcome {
  type: Outcome["type"];
  run(r: OutcomeRun): OutcomeResult | Promise<OutcomeResult>;
}

export interface OutcomeContext {
  ruleset: Ruleset;
  rule: Rule;
  /** Compiled scripts by name. */
  scripts: ReadonlyMap<string, CompiledScript>;
}

/** Rounds half-up to the currency's minor units; returns the fixed text ("12.50"). */
export function moneyText(amount: Dec, decimals: number): string {
  return roundDecimal(amount, decimals, "HALF_UP").toFixed(decimals);
}

/** A unit price as text with at least the currency's decimals: 0.3 → "0.30", 0.345 → "0.345". */
function priceText(p: Dec, decimals: number): string {
  return p.decimalPlaces() < decimals ? p.toFixed(decimals) : p.toString();
}

/** A quantity as text: at most 4 decimals, trailing zeros dropped. */
function quantityText(q: Dec): string {
  return q.toDecimalPlaces(4, Dec.ROUND_HALF_UP).toString();
}

export function compileOutcome(ctx: OutcomeContext): CompiledOutcome {
  const o = ctx.rule.outcome;
  switch (o.type) {
    case "dropOut": {
      const dropOut: DropOut = { reason: o.reason, message: o.message, ruleId: ctx.rule.id };
      const trace: OutcomeTrace = { type: "dropOut", reason: o.reason, message: o.message };
      return { type: "dropOut", run: () => ({ kind: "dropOut", dropOut, trace }) };
    }
    case "rate":
      return compileRate(ctx, o.tariff.id ?? ctx.rule.id, o.profile);
    case "markup":
      return compileMarkup(ctx, o);
    case "script":
      return compileScriptOutcome(ctx, o.script, o.params ?? {});
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Rate

const CATEGORY_CODES: Record<CostCategory, { code: string; label: string }> = {
  FIXED: { code: "START_FEE", label: "Start fee" },
  ENERGY: { code: "ENERGY", label: "Energy" },
  TIME: { code: "TIME", label: "Charging time" },
  PARKING_TIME: { code: "PARKING", label: "Parking time" },
  RESERVATION: { code: "RESERVATION", label: "Reservation" },
};

const UNIT_TEXT: Record<string, string> = { kWh: "kWh", h: "h", fee: "session" };

interface LineGroup {
  category: CostCategory;
  price: Dec;
  vat: Dec | undefined;
  unit: string;
  quantity: Dec;
  amount: Dec;
}

function compileRate(ctx: OutcomeContext, tariffId: string, profileName: string | undefined): CompiledOutcome {
  const { ruleset, rule } = ctx;
  if (rule.outcome.type !== "rate") throw new Error("not a rate outcome");
  const tariff: Tariff = tariffFromJson(rule.outcome.tariff, { id: tariffId, currency: ruleset.currency });
  const tariffs = [tariff];
  const profile = resolveProfile(profileName);
  const decimals = minorUnits(ruleset.currency);
  const currency = ruleset.currency.toUpperCase();
  const vats = new Set(tariff.elements.flatMap((e) => e.components.map((c) => c.vatPercent?.toString())));
  const commonVat = vats.size === 1 ? [...vats][0] : undefined;

  return {
    type: "rate",
    run({ view, trace }) {
      let result: PricingResult;
      try {
        result = priceSession(view.sessionForRate(), tariffs, { profile, trace });
      } catch (error) {
        if (!(error instanceof PricingError)) throw error;
        return {
          kind: "dropOut",
          dropOut: { reason: "PRICING_ERROR", message: `${error.code}: ${error.message}`, ruleId: rule.id },
        };
      }
      const groups: LineGroup[] = [];
      for (const period of result.periods) {
        for (const line of period.lines) {
          const vat = line.vatPercent;
          const price = line.price;
          let g: LineGroup | undefined;
          for (const x of groups) {
            if (
              x.category === line.category &&
              x.price.eq(price) &&
              (x.vat === undefined ? vat === undefined : vat !== undefined && x.vat.eq(vat))
            ) {
              g = x;
              break;
            }
          }
          if (!g) {
            g = { category: line.category, price, vat, unit: line.unit, quantity: DEC_ZERO, amount: DEC_ZERO };
            groups.push(g);
          }
          g.quantity =
            line.category === "FIXED" || line.unit === "fee" ? g.quantity.plus(1) : g.quantity.plus(line.quantity);
          g.amount = g.amount.plus(line.cost.exclVat);
        }
      }
      const lines: PriceLine[] = [];
      let sum = DEC_ZERO;
      for (const g of groups) {
        const { code, label } = CATEGORY_CODES[g.category];
        const amount = moneyText(g.amount, decimals);
        sum = sum.plus(amount);
        const unit = UNIT_TEXT[g.unit] ?? g.unit;
        const qty = g.unit === "fee" ? "1" : quantityText(g.quantity);
        const per = g.unit === "fee" ? "" : `/${unit}`;
        const line: PriceLine = {
          ruleId: rule.id,
          code,
          description: `${label}: ${qty} ${unit} × ${priceText(g.price, decimals)} ${currency}${per}`,
          quantity: qty,
          unit,
          amountExclVat: amount,
        };
        if (g.vat !== undefined) line.vatPercent = g.vat.toString();
        lines.push(line);
      }
      for (const adj of result.adjustments) {
        const amount = moneyText(adj.cost.exclVat, decimals);
        if (new Dec(amount).isZero()) continue;
        sum = sum.plus(amount);
        const limit = adj.limit === "min_price" ? tariff.minPrice : tariff.maxPrice;
        const line: PriceLine = {
          ruleId: rule.id,
          code: adj.limit === "min_price" ? "MIN_PRICE" : "MAX_PRICE",
          description:
            adj.limit === "min_price"
              ? `Minimum price ${limit?.exclVat.toFixed(decimals)} ${currency} applies`
              : `Maximum price ${limit?.exclVat.toFixed(decimals)} ${currency} applies`,
          amountExclVat: amount,
        };
        if (commonVat !== undefined) line.vatPercent = commonVat;
        lines.push(line);
      }
      // The lines are rounded one by one; the pricer rounds the total once. A difference of a cent is shown.
      const total = result.amounts.total.exclVat;
      const diff = roundDecimal(total, decimals, "HALF_UP").minus(sum);
      if (!diff.isZero()) {
        const line: PriceLine = {
          ruleId: rule.id,
          code: "ROUNDING",
          description: `Rounding to the tariff total ${total.toFixed(decimals)} ${currency}`,
          amountExclVat: diff.toFixed(decimals),
        };
        if (commonVat !== undefined) line.vatPercent = commonVat;
        lines.push(line);
      }
      const out: OutcomeResult = { kind: "lines", lines };
      if (trace) {
        out.trace = {
          type: "rate",
          tariffId: tariff.id,
          profile: result.profile,
          totals: result.totals as unknown as Record<string, unknown>,
          pricer: result.trace,
          warnings: result.warnings,
        };
      }
      return out;
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Markup

function optionalDec(s: string | undefined): Dec | undefined {
  return s === undefined ? undefined : dec(s);
}

function compileMarkup(ctx: OutcomeContext, o: MarkupOutcome): CompiledOutcome {
  const { ruleset, rule } = ctx;
  const base = o.base ?? "purchaseCost";
  const factor = dec(o.factor ?? "1");
  const perKwh = optionalDec(o.perKwh);
  const perHour = optionalDec(o.perHour);
  const fixed = optionalDec(o.fixed);
  const minMarkup = optionalDec(o.minMarkup);
  const maxMarkup = optionalDec(o.maxMarkup);
  const min = optionalDec(o.min);
  const max = optionalDec(o.max);
  const decimals = minorUnits(ruleset.currency);
  const currency = ruleset.currency.toUpperCase();
  const vat = o.vatPercent ?? ruleset.vatPercent;
  const split = o.presentation === "split";
  const q = (d: Dec) => quantityText(d);
  const hasEnergyQuantity = base === "purchaseCost" || perKwh !== undefined;
  const defaultDescription = (negative: boolean, energyText: string): string => {
    if (base === "subtotal") {
      const pct = factor.abs().times(100).toString();
      return `${negative ? "Discount" : "Surcharge"}: ${pct} % of the subtotal`;
    }
    if (hasEnergyQuantity) return `Charging: ${energyText} kWh`;
    return negative ? "Discount" : "Fee";
  };

  return {
    type: "markup",
    run({ view, linesSoFar, trace }) {
      const steps: string[] = [];
      let baseAmount = DEC_ZERO;
      if (base === "purchaseCost") {
        const cost = view.purchaseCostExcl();
        if (cost === undefined) {
          return {
            kind: "dropOut",
            dropOut: {
              reason: "NO_PURCHASE_COST",
              message: "the markup needs the purchase cost of the session, and none was given",
              ruleId: rule.id,
            },
          };
        }
        baseAmount = cost;
      } else if (base === "subtotal") {
        for (const l of linesSoFar) baseAmount = baseAmount.plus(l.amountExclVat);
      }
      let amount = DEC_ZERO;
      if (base !== "none") {
        amount = baseAmount.times(factor);
        if (trace) {
          const what = base === "purchaseCost" ? "purchase cost" : "subtotal";
          steps.push(`${what} ${baseAmount.toString()} × ${factor.toString()} = ${amount.toString()}`);
        }
      }
      const energy = perKwh || trace ? view.energyKwhDec() : DEC_ZERO;
      if (perKwh) {
        const part = perKwh.times(energy);
        amount = amount.plus(part);
        if (trace)
          steps.push(
            `+ ${perKwh.toString()}/kWh × ${energy.toString()} kWh = ${part.toString()} → ${amount.toString()}`,
          );
      }
      if (perHour) {
        const hours = new Dec(view.durationMs()).div(3_600_000);
        const part = perHour.times(hours);
        amount = amount.plus(part);
        if (trace) steps.push(`+ ${perHour.toString()}/h × ${q(hours)} h = ${part.toString()} → ${amount.toString()}`);
      }
      if (fixed) {
        amount = amount.plus(fixed);
        if (trace) steps.push(`+ fixed ${fixed.toString()} → ${amount.toString()}`);
      }
      if (base === "purchaseCost" && (minMarkup || maxMarkup)) {
        const margin = amount.minus(baseAmount);
        let held = margin;
        if (minMarkup && held.lt(minMarkup)) held = minMarkup;
        if (maxMarkup && held.gt(maxMarkup)) held = maxMarkup;
        if (!held.eq(margin)) {
          amount = baseAmount.plus(held);
          if (trace) {
            const bound = held.eq(minMarkup ?? Number.NaN)
              ? `minimum markup ${minMarkup}`
              : `maximum markup ${maxMarkup}`;
            steps.push(`markup ${margin.toString()} held at the ${bound} → ${amount.toString()}`);
          }
        } else if (trace) steps.push(`markup ${margin.toString()} within its bounds`);
      }
      if (min && amount.lt(min)) {
        if (trace) steps.push(`${amount.toString()} is below the minimum ${min.toString()} → ${min.toString()}`);
        amount = min;
      }
      if (max && amount.gt(max)) {
        if (trace) steps.push(`${amount.toString()} is above the cap ${max.toString()} → ${max.toString()}`);
        amount = max;
      }
      const rounded = moneyText(amount, decimals);
      if (trace) steps.push(`= ${rounded} ${currency} (rounded half-up to ${decimals} decimals)`);

      const lines: PriceLine[] = [];
      const withVat = (l: PriceLine): PriceLine => {
        if (vat !== undefined) l.vatPercent = vat;
        return l;
      };
      const energyText = q(view.energyKwhDec());
      if (split) {
        const costText = moneyText(baseAmount, decimals);
        const markupText = new Dec(rounded).minus(costText).toFixed(decimals);
        lines.push(
          withVat({
            ruleId: rule.id,
            code: "PURCHASE_COST",
            description: o.description ?? `Charging: ${energyText} kWh at the operator's price`,
            quantity: energyText,
            unit: "kWh",
            amountExclVat: costText,
          }),
          withVat({
            ruleId: rule.id,
            code: o.code ?? "MARKUP",
            description: "Service fee",
            amountExclVat: markupText,
          }),
        );
      } else {
        const negative = new Dec(rounded).isNegative();
        const line: PriceLine = {
          ruleId: rule.id,
          code: o.code ?? (negative ? "DISCOUNT" : "CHARGING"),
          description: o.description ?? defaultDescription(negative, energyText),
          amountExclVat: rounded,
        };
        if (hasEnergyQuantity) {
          line.quantity = energyText;
          line.unit = "kWh";
        }
        lines.push(withVat(line));
      }
      const out: OutcomeResult = { kind: "lines", lines };
      if (trace) out.trace = { type: "markup", steps, amount: rounded };
      return out;
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Script

/**
 * The session as a script sees it (see sdk/src/script/script-api.d.ts › ScriptSession). Fields the script API requires
 * but the facts do not give: an unknown CPO party, contract id or country is "", an unknown power type "AC", an
 * unknown token type "OTHER", an unknown EVSE power "0". Idle time is `facts.idleSeconds` when given.
 */
export function scriptSessionOf(
  view: SessionView,
  currency: string,
  params: { [key: string]: JsonValue },
): ScriptSession {
  const s = view.session;
  const f = view.facts;
  const parkingMs = view.parkingMillis();
  const chargingSeconds = view.chargingSeconds();
  const zone = view.timeZone();
  const custom: { [key: string]: string | number | boolean | null } = { ...(f.custom ?? {}) };
  const session: {
    -readonly [K in keyof ScriptSession]: ScriptSession[K];
  } = {
    id: s.id ?? "",
    start: s.start.toISOString(),
    end: s.end.toISOString(),
    durationSeconds: view.durationMs() / 1000,
    energyKwh: view.energyKwhDec().toString(),
    currency,
    country: view.country() ?? "",
    cpo: { countryCode: f.cpo?.countryCode ?? "", partyId: f.cpo?.partyId ?? "" },
    evse: { powerType: f.powerType ?? "AC", maxPowerKw: view.powerKwDec()?.toString() ?? "0" },
    token: { type: f.token?.type ?? "OTHER", contractId: f.token?.contractId ?? "" },
    properties: custom,
    params,
  };
  if (chargingSeconds !== undefined) session.chargingSeconds = chargingSeconds;
  if (parkingMs !== undefined) session.parkingSeconds = parkingMs / 1000;
  if (f.idleSeconds !== undefined) session.idleSeconds = f.idleSeconds;
  if (zone !== undefined) session.timeZone = zone;
  if (f.subscription !== undefined) session.subscription = f.subscription;
  if (f.product !== undefined) session.product = f.product;
  const cost = view.input.purchaseCost;
  if (cost !== undefined) session.purchaseCost = cost;
  return session;
}

function compileScriptOutcome(
  ctx: OutcomeContext,
  name: string,
  params: { [key: string]: JsonValue },
): CompiledOutcome {
  const { ruleset, rule } = ctx;
  const compiled = ctx.scripts.get(name);
  if (!compiled) throw new Error(`script "${name}" is not compiled`);
  const decimals = minorUnits(ruleset.currency);
  const currency = ruleset.currency.toUpperCase();
  return {
    type: "script",
    async run({ view, trace, sandbox }) {
      if (!sandbox) {
        return {
          kind: "dropOut",
          dropOut: {
            reason: "SCRIPT_UNAVAILABLE",
            message: `rule ${rule.id} runs script "${name}", but no script sandbox was given to the evaluation`,
            ruleId: rule.id,
          },
        };
      }
      const outcome = await sandbox.evaluate(compiled, scriptSessionOf(view, currency, params));
      if (!outcome.ok) {
        const error: { code: string; message: string; issues?: string[] } = {
          code: outcome.error.code,
          message: outcome.error.message,
        };
        if (outcome.error.issues) error.issues = [...outcome.error.issues];
        return {
          kind: "dropOut",
          dropOut: { reason: outcome.error.code, message: `script ${name}: ${outcome.error.message}`, ruleId: rule.id },
          trace: { type: "script", script: name, logs: [...outcome.logs], notes: [], error },
        };
      }
      const lines: PriceLine[] = outcome.result.lines.map((l) => {
        const line: PriceLine = {
          ruleId: rule.id,
          code: l.code,
          description: l.description,
          amountExclVat: moneyText(dec(l.amount), decimals),
        };
        if (l.quantity !== undefined) line.quantity = l.quantity;
        if (l.unit !== undefined) line.unit = l.unit;
        const vat = l.vatPercent ?? ruleset.vatPercent;
        if (vat !== undefined) line.vatPercent = vat;
        return line;
      });
      const out: OutcomeResult = { kind: "lines", lines };
      if (trace) {
        out.trace = { type: "script", script: name, logs: [...outcome.logs], notes: [...(outcome.result.notes ?? [])] };
      }
      return out;
    },
  };
}
