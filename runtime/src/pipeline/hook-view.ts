// What a plugin hook sees of a session: a frozen plain-JSON view of what is known at that stage and phase. Hooks
// cannot change the session; they annotate the trace or drop the session out.
import { Duration, type HookPhase, type PipelineStage } from "@voltrate/sdk";
import { type ParsedSession, sessionEnergy } from "./parse-input.ts";
import type { PipelineInput } from "./pipeline.ts";
import type { CalculationResult, LookupResult, RateResult } from "./types.ts";
import type { PricedSession } from "./vocabulary.ts";

export interface HookViewInput {
  recordId: string;
  input: PipelineInput;
  stage: PipelineStage;
  phase: HookPhase;
  parsed?: ParsedSession;
  lookups?: LookupResult;
  rates?: RateResult;
  calc?: CalculationResult;
  priced?: PricedSession;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/**
 * The view: `id` (the record), `sourceParty`, `sessionId`, `format`, `stage`, `phase`; after basic checks the session's
 * key figures (`cpo`, `start`, `end`, `durationHours`, `energyKwh`, `currency`, `tokenUid`, `location`,
 * `reportedCost`); after lookups `administrationId`, `customerId`, `contractId`, `agreementId`, `rulesets`; after
 * rate determination `purchase` and `sales` ({ currency, exclVat, lines }); after calculations `amounts` per side and
 * `margin`; after the priced session `totals`. The raw input is `input`.
 */
export function hookView(v: HookViewInput): Readonly<Record<string, unknown>> {
  const view: Record<string, unknown> = {
    id: v.recordId,
    sourceParty: v.input.sourceParty,
    sessionId: v.input.sessionId,
    format: v.input.format,
    stage: v.stage,
    phase: v.phase,
    input: structuredClone(v.input.payload),
  };
  const p = v.parsed;
  if (p) {
    const s = p.session;
    Object.assign(view, {
      cpo: p.cpo,
      start: s.start.toISOString(),
      end: s.end.toISOString(),
      durationHours: Duration.between(s.start, s.end).hours.toFixed(4),
      energyKwh: sessionEnergy(s).toString(),
      currency: s.currency ?? null,
      tokenUid: p.token.uid ?? null,
      location: { ...p.location },
      reportedCost: p.reportedCost ? { ...p.reportedCost } : null,
    });
  }
  const l = v.lookups;
  if (l) {
    Object.assign(view, {
      administrationId: l.administration.id,
      customerId: l.customer.id,
      contractId: l.contract.id,
      agreementId: l.agreement.id,
      rulesets: l.rulesetRefs.map((r) => ({ ...r })),
    });
  }
  const r = v.rates;
  if (r) {
    for (const side of [r.purchase, r.sales]) {
      view[side.side] = {
        currency: side.currency,
        exclVat: side.exclVat.toString(),
        lines: structuredClone(side.lines),
      };
    }
  }
  const c = v.calc;
  if (c) {
    view.amounts = { purchase: { ...c.purchase.amounts }, sales: { ...c.sales.amounts } };
    view.margin = { ...c.margin };
  }
  if (v.priced) view.totals = { ...v.priced.totals };
  return deepFreeze(view);
}
