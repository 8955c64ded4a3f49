// Stage 5, calculations: both sides into the administration's currency (ECB rate of the session date when the
// currencies differ), VAT by place of supply (the vat capability's treatment of each supply: the CPO supplies the
// administration; the administration supplies the customer), and the margin.
import { Dec, minorUnits, type VatParty, type VatTreatment } from "@voltrate/sdk";
import { moneyString, roundMoney } from "../money.ts";
import type { ParsedSession } from "../parse-input.ts";
import {
  type CalculationResult,
  type DeterminedSide,
  fail,
  type LookupResult,
  pass,
  type RateResult,
  type StageContext,
  type StageOutcome,
} from "../types.ts";
import type { SidePrice, VatUsed } from "../vocabulary.ts";
import { convert } from "./fx.ts";

export interface CalculationsInput {
  parsed: ParsedSession;
  lookups: LookupResult;
  rates: RateResult;
}

export async function calculations(
  { parsed, lookups, rates }: CalculationsInput,
  ctx: StageContext,
): Promise<StageOutcome<CalculationResult>> {
  const admin = lookups.administration;
  const currency = admin.currency.toUpperCase();
  const start = parsed.session.start;
  const chargePointCountry = lookups.location.country;
  const adminParty: VatParty = {
    country: admin.country,
    business: true,
    ...(admin.vatId ? { vatId: admin.vatId } : {}),
  };
  const cpoParty: VatParty = {
    country: lookups.cpo.country,
    business: true,
    ...(lookups.cpo.vatId ? { vatId: lookups.cpo.vatId } : {}),
  };
  const c = lookups.customer;
  const customerParty: VatParty = { country: c.country, business: c.business, ...(c.vatId ? { vatId: c.vatId } : {}) };

  const purchaseVat = treatment(ctx, "purchase", chargePointCountry, start, cpoParty, adminParty);
  if (!purchaseVat.ok) return purchaseVat;
  const salesVat = treatment(ctx, "sales", chargePointCountry, start, adminParty, customerParty);
  if (!salesVat.ok) return salesVat;

  const purchase = await side(ctx, rates.purchase, purchaseVat.value, currency, start);
  if (!purchase.ok) return purchase;
  const sales = await side(ctx, rates.sales, salesVat.value, currency, start);
  if (!sales.ok) return sales;

  const margin = new Dec(sales.value.amounts.exclVat).minus(purchase.value.amounts.exclVat);
  const marginText = margin.toFixed(minorUnits(currency));
  ctx.trace(
    `margin: sales ${sales.value.amounts.exclVat} − purchase ${purchase.value.amounts.exclVat} = ${marginText} ${currency} excl. VAT`,
  );
  if (margin.isNegative() && !margin.isZero() && lookups.config.negativeMargin.enabled) {
    return fail(
      "NEGATIVE_MARGIN",
      `the sales price ${sales.value.amounts.exclVat} ${currency} is below the purchase cost ${purchase.value.amounts.exclVat} ${currency}`,
      {
        margin: marginText,
        currency,
        ...(rates.sales.ruleset
          ? { rulesetId: rates.sales.ruleset.rulesetId, ruleId: rates.sales.matchedRuleIds?.[0] ?? null }
          : {}),
      },
    );
  }
  return pass({
    purchase: purchase.value,
    sales: sales.value,
    margin: { currency, exclVat: marginText },
    vat: [purchaseVat.value, salesVat.value],
  });
}

function treatment(
  ctx: StageContext,
  side: "purchase" | "sales",
  chargePointCountry: string,
  date: Date,
  supplier: VatParty,
  customer: VatParty,
): StageOutcome<VatUsed> {
  if (!ctx.vat) return fail("VAT_UNAVAILABLE", "no VAT plugin is loaded", { side });
  let t: VatTreatment;
  try {
    t = ctx.vat.treatmentFor({ chargePointCountry, date, supplier, customer });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return fail(
      "VAT_UNAVAILABLE",
      `no VAT treatment for the ${side} side (charge point in ${chargePointCountry}, ${date.toISOString().slice(0, 10)}): ${(error as Error).message}`,
      { side, chargePointCountry, ...(typeof code === "string" ? { vatError: code } : {}) },
    );
  }
  const used: VatUsed = {
    side,
    placeOfSupply: t.placeOfSupply,
    ratePercent: t.ratePercent,
    reverseCharge: t.reverseCharge,
    rate: t.rate,
    supplier,
    customer,
    explanation: t.explanation,
  };
  // The explanation and the rate's source are recorded once, with the priced session's rates.
  ctx.trace(
    `${side} VAT: ${t.ratePercent}%${t.reverseCharge ? " (reverse charge)" : ""}, place of supply ${t.placeOfSupply}`,
  );
  return pass(used);
}

async function side(
  ctx: StageContext,
  determined: DeterminedSide,
  vat: VatUsed,
  currency: string,
  date: Date,
): Promise<StageOutcome<SidePrice>> {
  let excl = roundMoney(determined.exclVat, determined.currency);
  let fxUsed: SidePrice["fx"];
  if (determined.currency !== currency) {
    const converted = await convert(
      ctx,
      excl,
      determined.currency,
      currency,
      date,
      `${determined.side} into the administration's currency`,
    );
    if (!converted.ok) return converted;
    fxUsed = converted.value.rate;
    excl = converted.value.amount;
  }
  const exclText = moneyString(excl, currency);
  const vatAmount = roundMoney(new Dec(exclText).times(vat.ratePercent).div(100), currency);
  const vatText = vatAmount.toFixed(minorUnits(currency));
  const inclText = new Dec(exclText).plus(vatAmount).toFixed(minorUnits(currency));
  if (!vat.reverseCharge) {
    const differing = [...new Set(determined.lines.map((l) => l.vatPercent).filter((v) => v !== undefined))].filter(
      (v) => !new Dec(v as string).eq(vat.ratePercent),
    );
    if (differing.length > 0) {
      ctx.warn(
        `the ${determined.side} lines carry VAT ${differing.join(", ")}%; the place-of-supply rate ${vat.ratePercent}% is applied`,
        { linesVat: differing, applied: vat.ratePercent },
      );
    }
  }
  return pass({
    side: determined.side,
    source: determined.source,
    ...(determined.ruleset ? { ruleset: determined.ruleset } : {}),
    ...(determined.matchedRuleIds ? { matchedRuleIds: determined.matchedRuleIds } : {}),
    currency: determined.currency,
    lines: determined.lines,
    exclVat: determined.exclVat.toFixed(minorUnits(determined.currency)),
    ...(fxUsed ? { fx: fxUsed } : {}),
    amounts: {
      currency,
      exclVat: exclText,
      vatPercent: vat.ratePercent,
      vat: vatText,
      inclVat: inclText,
      reverseCharge: vat.reverseCharge,
    },
  });
}
