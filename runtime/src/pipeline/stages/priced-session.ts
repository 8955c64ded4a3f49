// Stage 6, priced session: the immutable record of the result — what was priced (the session's key figures), with
// which versions of rules and master data (as known when), at which VAT and FX rates, the lines and the totals. The
// orchestrator stores it as a new revision; nothing in it is ever updated.
import { Duration } from "@voltrate/sdk";
import { type ParsedSession, sessionEnergy } from "../parse-input.ts";
import { type CalculationResult, type LookupResult, pass, type StageContext, type StageOutcome } from "../types.ts";
import type { FxUsed, PricedSession } from "../vocabulary.ts";

export interface PricedSessionInput {
  parsed: ParsedSession;
  lookups: LookupResult;
  calc: CalculationResult;
  fx: FxUsed[];
}

export async function pricedSession(
  { parsed, lookups, calc, fx }: PricedSessionInput,
  ctx: StageContext,
): Promise<StageOutcome<PricedSession>> {
  const s = parsed.session;
  const admin = lookups.administration;
  const currency = admin.currency.toUpperCase();
  const loc = lookups.location;
  const evseId = loc.evseId ?? parsed.location.evseId;
  const record: PricedSession = {
    administration: { id: admin.id, currency, country: admin.country },
    customerId: lookups.customer.id,
    contractId: lookups.contract.id,
    tokenUid: lookups.token.uid,
    cpo: lookups.cpo.id,
    agreementId: lookups.agreement.id,
    session: {
      start: s.start.toISOString(),
      end: s.end.toISOString(),
      durationHours: Duration.between(s.start, s.end).hours.toFixed(4),
      energyKwh: sessionEnergy(s).toString(),
      country: loc.country,
      locationId: loc.locationId,
      ...(evseId ? { evseId } : {}),
    },
    purchase: calc.purchase,
    sales: calc.sales,
    margin: calc.margin,
    totals: {
      currency,
      purchaseExclVat: calc.purchase.amounts.exclVat,
      purchaseInclVat: calc.purchase.amounts.inclVat,
      salesExclVat: calc.sales.amounts.exclVat,
      salesVat: calc.sales.amounts.vat,
      salesInclVat: calc.sales.amounts.inclVat,
      marginExclVat: calc.margin.exclVat,
    },
    versions: { rulesets: lookups.rulesetRefs, masterData: lookups.masterData, knownAt: ctx.knownAt.toISOString() },
    rates: { vat: calc.vat, fx },
  };
  ctx.trace(
    `priced: customer pays ${record.totals.salesInclVat} ${currency} incl. VAT (${record.totals.salesExclVat} excl.), ` +
      `we pay ${record.totals.purchaseExclVat} excl., margin ${record.totals.marginExclVat}`,
  );
  return pass(record);
}
