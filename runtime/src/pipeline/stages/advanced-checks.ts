// Stage 3, advanced checks: plausibility, configured per administration (check-config.ts). Every enabled check runs;
// the first failure is the drop-out's reason and the others are listed in its data.
import { Dec, Duration, type Tariff } from "@voltrate/sdk";
import { PricingError, reconcile } from "../../pricing/index.ts";
import { type ParsedSession, sessionEnergy } from "../parse-input.ts";
import { fail, type LookupResult, pass, type StageContext, type StageFailure, type StageOutcome } from "../types.ts";

export interface AdvancedChecksInput {
  parsed: ParsedSession;
  lookups: LookupResult;
}

export interface AdvancedChecksResult {
  /** The checks that ran and passed. */
  passed: string[];
  /** The reconciliation of the CPO's total with its own tariffs, when it ran. */
  reconciliation?: { kind: string; summary: string; difference: string };
}

/** "same EVSE and token": the fingerprint two records of one charging session share. */
export function fingerprintOf(parsed: ParsedSession): string | undefined {
  const evse = parsed.location.evseUid ?? parsed.location.evseId ?? parsed.location.id;
  const token = parsed.token.uid;
  if (!evse || !token) return undefined;
  return `${parsed.cpo}|${evse}|${token}`;
}

export async function advancedChecks(
  { parsed, lookups }: AdvancedChecksInput,
  ctx: StageContext,
): Promise<StageOutcome<AdvancedChecksResult>> {
  const config = lookups.config;
  const s = parsed.session;
  const failures: StageFailure[] = [];
  const passed: string[] = [];
  const energy = sessionEnergy(s);
  const duration = Duration.between(s.start, s.end);
  const check = (name: string, failure: StageFailure | undefined) => {
    if (failure) failures.push(failure);
    else passed.push(name);
  };

  if (config.negativeEnergy.enabled) {
    check(
      "negativeEnergy",
      energy.isNegative() && !energy.isZero()
        ? {
            code: "NEGATIVE_ENERGY",
            message: `the session reports ${energy.toString()} kWh`,
            data: { energyKwh: energy.toString() },
          }
        : undefined,
    );
  }
  if (config.zeroEnergy.enabled) {
    check(
      "zeroEnergy",
      energy.isZero()
        ? { code: "ZERO_ENERGY", message: "the session charged 0 kWh", data: { energyKwh: "0" } }
        : undefined,
    );
  }
  if (config.futureStart.enabled) {
    const limit = ctx.receivedAt.getTime() + config.futureStart.toleranceSeconds * 1000;
    check(
      "futureStart",
      s.start.getTime() > limit
        ? {
            code: "START_IN_FUTURE",
            message: `the session starts at ${s.start.toISOString()}, after it was received (${ctx.receivedAt.toISOString()})`,
            data: { start: s.start.toISOString(), receivedAt: ctx.receivedAt.toISOString() },
          }
        : undefined,
    );
  }
  if (config.maxDuration.enabled) {
    const hours = duration.hours;
    check(
      "maxDuration",
      hours.gt(config.maxDuration.hours)
        ? {
            code: "DURATION_TOO_LONG",
            message: `the session lasts ${hours.toFixed(2)} h, more than ${config.maxDuration.hours} h`,
            data: { durationHours: hours.toFixed(4), maxHours: config.maxDuration.hours },
          }
        : undefined,
    );
  }
  if (config.energyCapacity.enabled) {
    const source = lookups.location.maxPowerKw
      ? "EVSE master data"
      : parsed.location.maxPowerKw
        ? "the session"
        : "the configured default";
    const maxKw = new Dec(
      lookups.location.maxPowerKw ?? parsed.location.maxPowerKw ?? config.energyCapacity.defaultMaxPowerKw,
    );
    const limit = duration.hours.times(maxKw).times(config.energyCapacity.marginFactor);
    check(
      "energyCapacity",
      energy.gt(limit)
        ? {
            code: "ENERGY_EXCEEDS_CAPACITY",
            message:
              `${energy.toString()} kWh in ${duration.hours.toFixed(4)} h exceeds ${duration.hours.toFixed(4)} h × ${maxKw.toString()} kW ` +
              `× ${config.energyCapacity.marginFactor} = ${limit.toFixed(3)} kWh (max power from ${source})`,
            data: {
              energyKwh: energy.toString(),
              durationHours: duration.hours.toFixed(4),
              maxPowerKw: maxKw.toString(),
              marginFactor: config.energyCapacity.marginFactor,
              limitKwh: limit.toFixed(3),
            },
          }
        : undefined,
    );
  }
  if (config.tokenValidity.enabled) {
    const t = lookups.token;
    check(
      "tokenValidity",
      lookups.tokenValidAtStart
        ? undefined
        : {
            code: "TOKEN_NOT_VALID_AT_START",
            message: `token ${t.uid} was not valid at ${s.start.toISOString()} (its version ${t.version} is valid from ${String(
              t.validFrom instanceof Date ? t.validFrom.toISOString() : t.validFrom,
            )} to ${t.validTo === null ? "open end" : String(t.validTo instanceof Date ? t.validTo.toISOString() : t.validTo)})`,
            data: { tokenUid: t.uid, version: t.version },
          },
    );
  }
  if (config.duplicateId.enabled) {
    const other = await ctx.duplicates.byId(parsed.cpo, parsed.cpoSessionId, ctx.recordId, ctx.receivedAt);
    check(
      "duplicateId",
      other
        ? {
            code: "DUPLICATE_SESSION_ID",
            message: `session ${parsed.cpoSessionId} of ${parsed.cpo} was already received as ${other.sessionId} (record ${other.id})`,
            data: { duplicateOf: other.id, cpoSessionId: parsed.cpoSessionId },
          }
        : undefined,
    );
  }
  if (config.duplicateFingerprint.enabled) {
    const fp = fingerprintOf(parsed);
    const window = config.duplicateFingerprint.windowSeconds;
    const other = fp ? await ctx.duplicates.byFingerprint(fp, s.start, window, ctx.recordId, ctx.receivedAt) : null;
    check(
      "duplicateFingerprint",
      other
        ? {
            code: "DUPLICATE_FINGERPRINT",
            message: `session ${other.sessionId} (record ${other.id}) has the same EVSE and token and started at ${other.start}, within ${window} s`,
            data: { duplicateOf: other.id, fingerprint: fp, otherStart: other.start, windowSeconds: window },
          }
        : undefined,
    );
  }
  let reconciliation: AdvancedChecksResult["reconciliation"];
  if (config.cpoTotal.enabled) {
    if (ctx.instruction?.type === "acceptCpoPrice") {
      ctx.applied("CPO total check skipped: the CPO's price is accepted");
    } else if (parsed.tariffs.length > 0 && parsed.reportedCost) {
      const outcome = checkCpoTotal(parsed, parsed.tariffs, new Dec(config.cpoTotal.tolerance));
      reconciliation = outcome.reconciliation;
      check("cpoTotal", outcome.failure);
    }
  }

  const first = failures[0];
  if (first) {
    const others = failures.slice(1).map((f) => ({ code: f.code, message: f.message }));
    return fail(first.code, first.message, { ...first.data, ...(others.length > 0 ? { otherFailures: others } : {}) });
  }
  ctx.trace(`passed: ${passed.join(", ") || "no check enabled"}`, reconciliation ? { reconciliation } : undefined);
  return pass({ passed, ...(reconciliation ? { reconciliation } : {}) });
}

function checkCpoTotal(
  parsed: ParsedSession,
  tariffs: Tariff[],
  tolerance: Dec,
): { failure?: StageFailure; reconciliation?: AdvancedChecksResult["reconciliation"] } {
  const currency = parsed.reportedCost?.currency ?? "";
  try {
    const r = reconcile(parsed.session, tariffs, { tolerance, trace: false });
    const reconciliation = { kind: r.kind, summary: r.summary, difference: r.difference.exclVat.toString() };
    if (r.kind === "none" || r.kind === "rounding") return { reconciliation };
    const reported = r.totals.find((t) => t.name === "total_cost");
    return {
      reconciliation,
      failure: {
        code: "CPO_TOTAL_MISMATCH",
        message:
          `the CPO's total_cost ${reported?.reported.exclVat.toString() ?? "?"} ${currency} differs from our recomputation of its tariff ` +
          `${reported?.computed.exclVat.toString() ?? "?"} ${currency} by ${r.difference.exclVat.toString()} (beyond ${tolerance.toString()}); ` +
          `classification: ${r.kind} — ${r.summary}`,
        data: {
          classification: r.kind,
          summary: r.summary,
          reported: reported?.reported.exclVat.toString() ?? null,
          computed: reported?.computed.exclVat.toString() ?? null,
          difference: r.difference.exclVat.toString(),
          tolerance: tolerance.toString(),
          ...(r.explanation
            ? {
                explanation: {
                  kind: r.explanation.kind,
                  description: r.explanation.description,
                  change: r.explanation.change,
                },
              }
            : {}),
        },
      },
    };
  } catch (error) {
    if (!(error instanceof PricingError)) throw error;
    return {
      failure: {
        code: "CPO_TOTAL_MISMATCH",
        message: `the CPO's tariff cannot be recomputed to check its total_cost (${error.code}: ${error.message}); classification: not-recomputable`,
        data: { classification: "not-recomputable", pricingError: error.code },
      },
    };
  }
}
