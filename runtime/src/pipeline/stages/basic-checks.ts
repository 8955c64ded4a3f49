// Stage 1, basic checks: the input parses as its form, the fields the pipeline needs are there, the dates are in
// order, the currency is known and the tariffs use it, quantities are not negative, and the reported totals fit the
// periods (a unit mistake shows up here).
import { type ChargeSession, Dec, Duration, isCurrencyCode } from "@voltrate/sdk";
import { type ParsedSession, parseInput, sessionEnergy } from "../parse-input.ts";
import { fail, pass, type StageContext, type StageOutcome } from "../types.ts";
import type { InputSnapshot } from "../vocabulary.ts";

export interface BasicChecksInput {
  input: InputSnapshot;
  /** The parse ingestion already did (the same function on the same payload). */
  preParsed?: ParsedSession;
}

/** How far reported totals may differ from what the periods say before it counts as a unit mistake. */
const TIME_TOLERANCE = { absoluteSeconds: 300, relative: "0.02" };
const ENERGY_TOLERANCE = { absoluteKwh: "0.01", relative: "0.01" };

export async function basicChecks(
  { input, preParsed }: BasicChecksInput,
  ctx: StageContext,
): Promise<StageOutcome<ParsedSession>> {
  let parsed = preParsed;
  if (!parsed) {
    const result = parseInput(input.format, input.payload, input.sourceParty, input.sessionId);
    if (!result.ok) {
      const first = result.errors[0];
      const field = first?.path || "(the object)";
      return fail("INPUT_MALFORMED", `${field}: ${first?.message ?? "invalid"}`, {
        errors: result.errors.slice(0, 20),
      });
    }
    parsed = result.value;
  }
  for (const w of parsed.warnings) ctx.warn(w);
  const s = parsed.session;
  const names = fieldNames(input.format);

  if (!parsed.token.uid)
    return fail("MISSING_FIELD", `${names.token}: the token uid is missing`, { field: names.token });
  const l = parsed.location;
  if (!l.id) {
    return fail("MISSING_FIELD", `${names.location}.id: the location id is missing`, { field: `${names.location}.id` });
  }
  if (s.end.getTime() < s.start.getTime()) {
    return fail(
      "END_BEFORE_START",
      `the session ends (${s.end.toISOString()}) before it starts (${s.start.toISOString()})`,
      {
        start: s.start.toISOString(),
        end: s.end.toISOString(),
      },
    );
  }
  const late = s.chargingPeriods.findIndex((p) => p.start.getTime() > s.end.getTime());
  if (late >= 0) {
    return fail(
      "PERIOD_OUTSIDE_SESSION",
      `${names.periods}[${late}] starts at ${s.chargingPeriods[late]!.start.toISOString()}, after the session end ${s.end.toISOString()}`,
      { period: late },
    );
  }
  const currency = s.currency?.toUpperCase();
  if (!currency || !isCurrencyCode(currency)) {
    return fail("INVALID_CURRENCY", `currency "${s.currency ?? ""}" is not an ISO 4217 code`, {
      currency: s.currency ?? null,
    });
  }
  const foreign = parsed.tariffs.find((t) => t.currency.toUpperCase() !== currency);
  if (foreign) {
    return fail(
      "TARIFF_CURRENCY_MISMATCH",
      `tariff ${foreign.id} is in ${foreign.currency}, the session in ${currency}`,
      { tariffId: foreign.id, tariffCurrency: foreign.currency, currency },
    );
  }
  const negative = negativeQuantity(s);
  if (negative)
    return fail("NEGATIVE_QUANTITY", `${names.periods}[${negative.period}]: ${negative.what} is negative`, negative);

  const units = unitProblem(s);
  if (units) return fail("UNIT_INCONSISTENT", units.message, units.data);

  ctx.trace(
    `parsed as ${input.format}: ${s.start.toISOString()} – ${s.end.toISOString()}, ${s.chargingPeriods.length} charging ` +
      `period(s), ${sessionEnergy(s).toString()} kWh, ${currency}, CPO ${parsed.cpo}, token ${parsed.token.uid}, ` +
      `location ${l.id}${l.evseUid ? ` EVSE ${l.evseUid}` : ""}`,
  );
  return pass(parsed);
}

function fieldNames(format: InputSnapshot["format"]): { token: string; location: string; periods: string } {
  if (format === "ocpi-2.2.1") return { token: "cdr_token.uid", location: "cdr_location", periods: "charging_periods" };
  if (format === "ocpi-2.1.1") return { token: "auth_id", location: "location", periods: "charging_periods" };
  return { token: "token.uid", location: "location", periods: "chargingPeriods" };
}

function negativeQuantity(s: ChargeSession): { period: number; what: string } | undefined {
  for (let i = 0; i < s.chargingPeriods.length; i++) {
    const d = s.chargingPeriods[i]!.dimensions;
    const checks: [string, Dec | undefined][] = [
      ["time", d.time?.hours],
      ["parking time", d.parkingTime?.hours],
      ["reservation time", d.reservationTime?.hours],
      ["current", d.current?.a],
      ["min current", d.minCurrent?.a],
      ["max current", d.maxCurrent?.a],
      ["power", d.power?.kw],
      ["min power", d.minPower?.kw],
      ["max power", d.maxPower?.kw],
    ];
    for (const [what, v] of checks) if (v?.isNegative() && !v.isZero()) return { period: i, what };
  }
  return undefined;
}

function outside(reported: Dec, actual: Dec, absolute: Dec, relative: Dec): boolean {
  const diff = reported.minus(actual).abs();
  return diff.gt(absolute) && diff.gt(actual.abs().times(relative));
}

function unitProblem(s: ChargeSession): { message: string; data: Record<string, unknown> } | undefined {
  const r = s.reportedTotals;
  if (!r) return undefined;
  const duration = Duration.between(s.start, s.end).hours;
  if (
    r.time &&
    outside(r.time.hours, duration, new Dec(TIME_TOLERANCE.absoluteSeconds).div(3600), new Dec(TIME_TOLERANCE.relative))
  ) {
    return {
      message: `total_time ${r.time.hours.toString()} h does not fit the session duration of ${duration.toFixed(4)} h`,
      data: { reportedHours: r.time.hours.toString(), durationHours: duration.toFixed(4) },
    };
  }
  const withEnergy = s.chargingPeriods.filter((p) => p.dimensions.energy !== undefined);
  if (r.energy && withEnergy.length > 0) {
    let sum = new Dec(0);
    for (const p of withEnergy) sum = sum.plus(p.dimensions.energy!.kwh);
    if (outside(r.energy.kwh, sum, new Dec(ENERGY_TOLERANCE.absoluteKwh), new Dec(ENERGY_TOLERANCE.relative))) {
      return {
        message: `total_energy ${r.energy.kwh.toString()} kWh does not fit the charging periods' ${sum.toString()} kWh`,
        data: { reportedKwh: r.energy.kwh.toString(), periodsKwh: sum.toString() },
      };
    }
  }
  return undefined;
}
