// The OCPI 2.2.1 tariff pricer: a normalized session and tariffs in, CDR totals, a breakdown and a trace out.
// Pure computation: no I/O, no clock, no randomness. See docs/pricing.md for the algorithm and the profiles.
//
// Internally amounts and energies are fixed-point bigints (./fixed.ts) and times are integer milliseconds; the
// decimal views of the output (`Dec`, `Energy`, `Duration`) are created when they are read.
import {
  type ChargeSession,
  type ChargingPeriodDimensions,
  DAYS_OF_WEEK,
  Dec,
  Duration,
  Energy,
  minorUnits,
  type Tariff,
  type TariffDimension,
  currency as toCurrency,
} from "@voltrate/sdk";
import {
  type CompiledComponent,
  type CompiledElement,
  type CompiledRestrictions,
  type CompiledTariff,
  compileTariff,
} from "./compile.ts";
import { PricingError } from "./errors.ts";
import {
  amountToDec,
  amountToString,
  ceilTo,
  energyAmount,
  flatAmount,
  formatAmount,
  hoursText,
  roundAmount,
  SCALE,
  scaledText4,
  scaledToDec,
  scaledToString,
  timeAmount,
  toScaled,
  withVat,
} from "./fixed.ts";
import { type PricingProfile, type ProfileInput, resolveProfile } from "./profile.ts";
import type {
  CdrPrice,
  CdrTotals,
  Cost,
  CostCategory,
  CostTotals,
  HeldRestrictions,
  PeriodKind,
  PricedLine,
  PricedPeriod,
  PriceLimitAdjustment,
  PricingResult,
  TraceEntry,
} from "./result.ts";
import { type LocalParts, MS_PER_DAY, MS_PER_MINUTE, resolveTimeZone, ZoneClock } from "./zone.ts";

export interface PriceOptions {
  /** IANA zone for local-time restrictions; overrides the session's zone. */
  timeZone?: string;
  /** Interpretation profile: a registered name, a complete profile, or overrides (default "ocpi-2.2.1"). */
  profile?: ProfileInput;
  /** Record the explanation trace (default true). */
  trace?: boolean;
}

const WH_PER_KWH = 1000n;
const DEC_WH_PER_KWH = 1000;
const DEC_MS_PER_HOUR = 3_600_000;

// ---------------------------------------------------------------------------------------------------------------
// Output objects: fixed-point inside, decimal views on access, plain JSON.

/** A fixed-point cost: excl and incl VAT (incl undefined = unknown). */
interface FxCost {
  excl: bigint;
  incl: bigint | undefined;
}

function costOf(c: FxCost): Cost {
  const out: Cost = { exclVat: amountToDec(c.excl) };
  if (c.incl !== undefined) out.inclVat = amountToDec(c.incl);
  return out;
}

function costJson(c: FxCost): { exclVat: string; inclVat?: string } {
  const out: { exclVat: string; inclVat?: string } = { exclVat: amountToString(c.excl) };
  if (c.incl !== undefined) out.inclVat = amountToString(c.incl);
  return out;
}

class Line implements PricedLine {
  readonly dimension: TariffDimension;
  readonly category: CostCategory;
  readonly tariffId: string;
  readonly element: number;
  readonly component: number;
  readonly unit: PricedLine["unit"];
  readonly vatPercent: Dec | undefined;
  readonly stepSize: boolean | undefined;
  /** The quantity: scaled Wh for ENERGY, milliseconds for TIME and PARKING_TIME (unused for FLAT). */
  readonly qtyWh: bigint;
  readonly qtyMs: number;
  readonly exactFx: FxCost;
  readonly costFx: FxCost;
  private readonly priceDec: Dec;

  constructor(
    c: CompiledComponent,
    category: CostCategory,
    tariffId: string,
    element: number,
    unit: PricedLine["unit"],
    qtyWh: bigint,
    qtyMs: number,
    exactFx: FxCost,
    costFx: FxCost,
    stepSize: boolean,
  ) {
    this.dimension = c.dimension;
    this.category = category;
    this.tariffId = tariffId;
    this.element = element;
    this.component = c.index;
    this.unit = unit;
    this.vatPercent = c.source.vatPercent;
    this.priceDec = c.price;
    this.qtyWh = qtyWh;
    this.qtyMs = qtyMs;
    this.exactFx = exactFx;
    this.costFx = costFx;
    this.stepSize = stepSize ? true : undefined;
  }

  get quantity(): Dec {
    if (this.unit === "kWh") return scaledToDec(this.qtyWh).div(DEC_WH_PER_KWH);
    if (this.unit === "h") return new Dec(this.qtyMs).div(DEC_MS_PER_HOUR);
    return new Dec(1);
  }

  get price(): Dec {
    return this.priceDec;
  }

  get exact(): Cost {
    return costOf(this.exactFx);
  }

  get cost(): Cost {
    return costOf(this.costFx);
  }

  toJSON() {
    return {
      dimension: this.dimension,
      category: this.category,
      tariffId: this.tariffId,
      element: this.element,
      component: this.component,
      quantity: this.quantity.toString(),
      unit: this.unit,
      price: this.priceDec.toString(),
      vatPercent: this.vatPercent?.toString(),
      exact: costJson(this.exactFx),
      cost: costJson(this.costFx),
      stepSize: this.stepSize,
    };
  }
}

class Period implements PricedPeriod {
  readonly index: number;
  readonly sourcePeriod: number;
  readonly kind: PeriodKind;
  readonly startMs: number;
  readonly endMs: number;
  readonly tariffId: string | undefined;
  readonly energyFx: bigint;
  readonly lines: Line[] = [];

  constructor(
    index: number,
    sourcePeriod: number,
    kind: PeriodKind,
    startMs: number,
    endMs: number,
    tariffId: string | undefined,
    energyFx: bigint,
  ) {
    this.index = index;
    this.sourcePeriod = sourcePeriod;
    this.kind = kind;
    this.startMs = startMs;
    this.endMs = endMs;
    this.tariffId = tariffId;
    this.energyFx = energyFx;
  }

  get start(): Date {
    return new Date(this.startMs);
  }

  get end(): Date {
    return new Date(this.endMs);
  }

  get energy(): Energy {
    return Energy.wh(scaledToDec(this.energyFx));
  }

  get duration(): Duration {
    return Duration.millis(this.endMs - this.startMs);
  }

  toJSON() {
    return {
      index: this.index,
      sourcePeriod: this.sourcePeriod,
      kind: this.kind,
      start: new Date(this.startMs).toISOString(),
      end: new Date(this.endMs).toISOString(),
      tariffId: this.tariffId,
      energyKwh: scaledToDec(this.energyFx).div(DEC_WH_PER_KWH).toString(),
      durationSeconds: (this.endMs - this.startMs) / 1000,
      lines: this.lines.map((l) => l.toJSON()),
    };
  }
}

class Adjustment implements PriceLimitAdjustment {
  readonly tariffId: string;
  readonly limit: "min_price" | "max_price";
  readonly beforeFx: FxCost;
  readonly exactFx: FxCost;
  readonly costFx: FxCost;

  constructor(tariffId: string, limit: "min_price" | "max_price", before: FxCost, exact: FxCost, cost: FxCost) {
    this.tariffId = tariffId;
    this.limit = limit;
    this.beforeFx = before;
    this.exactFx = exact;
    this.costFx = cost;
  }

  get before(): Cost {
    return costOf(this.beforeFx);
  }

  get exact(): Cost {
    return costOf(this.exactFx);
  }

  get cost(): Cost {
    return costOf(this.costFx);
  }

  toJSON() {
    return {
      tariffId: this.tariffId,
      limit: this.limit,
      before: costJson(this.beforeFx),
      exact: costJson(this.exactFx),
      cost: costJson(this.costFx),
    };
  }
}

type FxTotals = Record<keyof CostTotals, FxCost>;

interface Rounding {
  perLine: boolean;
  decimals: number;
  mode: PricingProfile["rounding"]["mode"];
}

/** A counted amount as an OCPI string: rounded per the profile (unless lines already were), ≥ 4 decimals. */
function formatCounted(v: bigint, r: Rounding): string {
  const width = Math.max(4, r.decimals);
  return formatAmount(v, r.decimals, r.mode, width);
}

/** The pricing result; decimal totals and the trace are rendered on first access. */
class Result implements PricingResult {
  readonly currency: string;
  readonly timeZone: string | undefined;
  readonly timeZoneSource: PricingResult["timeZoneSource"];
  readonly profile: string;
  readonly tariffIds: string[];
  readonly totals: CdrTotals;
  readonly periods: Period[];
  readonly adjustments: Adjustment[];
  readonly warnings: string[];
  /** Totals as counted: sums of rounded lines (PER_LINE) or exact sums still to be rounded (PER_TOTAL). */
  private readonly countedFx: FxTotals;
  private readonly rounding: Rounding;
  private readonly exactFx: FxTotals;
  private readonly rawTrace: (TraceEntry | Note)[];
  private amountsCache: CostTotals | undefined;
  private exactCache: CostTotals | undefined;
  private traceCache: TraceEntry[] | undefined;

  constructor(
    currency: string,
    timeZone: string | undefined,
    timeZoneSource: PricingResult["timeZoneSource"],
    profile: string,
    tariffIds: string[],
    totals: CdrTotals,
    countedFx: FxTotals,
    rounding: Rounding,
    exactFx: FxTotals,
    periods: Period[],
    adjustments: Adjustment[],
    rawTrace: (TraceEntry | Note)[],
    warnings: string[],
  ) {
    this.currency = currency;
    this.timeZone = timeZone;
    this.timeZoneSource = timeZoneSource;
    this.profile = profile;
    this.tariffIds = tariffIds;
    this.totals = totals;
    this.countedFx = countedFx;
    this.rounding = rounding;
    this.exactFx = exactFx;
    this.periods = periods;
    this.adjustments = adjustments;
    this.rawTrace = rawTrace;
    this.warnings = warnings;
  }

  private get roundedFx(): FxTotals {
    const r = this.rounding;
    if (r.perLine) return this.countedFx;
    const round = (c: FxCost): FxCost => ({
      excl: roundAmount(c.excl, r.decimals, r.mode),
      incl: c.incl === undefined ? undefined : roundAmount(c.incl, r.decimals, r.mode),
    });
    const c = this.countedFx;
    return {
      total: round(c.total),
      fixed: round(c.fixed),
      energy: round(c.energy),
      time: round(c.time),
      parking: round(c.parking),
      reservation: round(c.reservation),
      priceLimits: round(c.priceLimits),
    };
  }

  get amounts(): CostTotals {
    this.amountsCache ??= costTotals(this.roundedFx);
    return this.amountsCache;
  }

  get exact(): CostTotals {
    this.exactCache ??= costTotals(this.exactFx);
    return this.exactCache;
  }

  get trace(): TraceEntry[] {
    this.traceCache ??= this.rawTrace.map((entry) => (entry instanceof Note ? entry.render() : entry));
    return this.traceCache;
  }

  toJSON() {
    const json = (t: FxTotals) => ({
      total: costJson(t.total),
      fixed: costJson(t.fixed),
      energy: costJson(t.energy),
      time: costJson(t.time),
      parking: costJson(t.parking),
      reservation: costJson(t.reservation),
      priceLimits: costJson(t.priceLimits),
    });
    return {
      currency: this.currency,
      timeZone: this.timeZone,
      timeZoneSource: this.timeZoneSource,
      profile: this.profile,
      tariffIds: this.tariffIds,
      totals: this.totals,
      amounts: json(this.roundedFx),
      exact: json(this.exactFx),
      periods: this.periods.map((p) => p.toJSON()),
      adjustments: this.adjustments.map((a) => a.toJSON()),
      trace: this.trace,
      warnings: this.warnings,
    };
  }
}

/** A running fixed-point sum; incl. VAT becomes unknown as soon as one part is unknown. */
class Sum implements FxCost {
  excl = 0n;
  incl: bigint | undefined = 0n;

  add(c: FxCost): void {
    this.excl += c.excl;
    this.incl = this.incl === undefined || c.incl === undefined ? undefined : this.incl + c.incl;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Working data.

interface Segment {
  sourcePeriod: number;
  kind: PeriodKind;
  startMs: number;
  endMs: number;
  energyFx: bigint;
  dims: ChargingPeriodDimensions;
  tariff: CompiledTariff | undefined;
  /** Charging time and energy of the whole source period (for a derived average power). */
  chargingMs: number;
  periodEnergyFx: bigint;
  readings?: Readings;
}

/** Current (A) and power (kW) readings of a period in fixed point; undefined = not reported. */
interface Readings {
  minA?: bigint;
  maxA?: bigint;
  minKw?: bigint;
  maxKw?: bigint;
}

interface LastUse {
  period: Period;
  tariff: CompiledTariff;
  element: CompiledElement;
  component: CompiledComponent;
}

interface TimeBucket {
  totalMs: number;
  last: LastUse | undefined;
}

type Bucket = "ENERGY" | "TIME" | "PARKING_TIME" | "RESERVATION_TIME";

interface PieceContext {
  local: LocalParts | undefined;
  cumFx: bigint;
  elapsedMs: number;
  seg: Segment;
  missingHolds: boolean;
}

/** Prices a session with OCPI 2.2.1 tariff semantics. Throws a PricingError when it cannot. */
export function priceSession(
  session: ChargeSession,
  tariffs: readonly Tariff[],
  options: PriceOptions = {},
): PricingResult {
  return new Pricer(session, tariffs, options).run();
}

class Pricer {
  private readonly session: ChargeSession;
  private readonly options: PriceOptions;
  private readonly profile: Readonly<PricingProfile>;
  private readonly traceOn: boolean;
  /** Trace entries; the expensive ones are kept as notes and rendered when the trace is read. */
  private readonly trace: (TraceEntry | Note)[] = [];
  private readonly warnings: string[] = [];
  private readonly compiled: CompiledTariff[];
  private readonly currency: string;
  private readonly perLine: boolean;
  private readonly decimals: number;
  private sessionStart: number;
  private readonly sessionEnd: number;
  private clock: ZoneClock | undefined;
  private timeZoneSource: PricingResult["timeZoneSource"];
  private sessionTariff: CompiledTariff | undefined;
  private sessionTariffResolved = false;

  private readonly periods: Period[] = [];
  private energyTotalFx = 0n;
  private energyLast: LastUse | undefined;
  private readonly time: TimeBucket = { totalMs: 0, last: undefined };
  private readonly parking: TimeBucket = { totalMs: 0, last: undefined };
  private readonly reservation: TimeBucket = { totalMs: 0, last: undefined };
  private flatDone = false;
  private reservationFlatDone = false;
  private readonly usedTariffs = new Map<string, CompiledTariff>();
  private readonly sums: Record<CostCategory, Sum> = {
    FIXED: new Sum(),
    ENERGY: new Sum(),
    TIME: new Sum(),
    PARKING_TIME: new Sum(),
    RESERVATION: new Sum(),
  };
  private readonly exactSums: Record<CostCategory, Sum>;

  constructor(session: ChargeSession, tariffs: readonly Tariff[], options: PriceOptions) {
    this.session = session;
    this.options = options;
    this.profile = resolveProfile(options.profile);
    this.traceOn = options.trace !== false;
    this.sessionStart = session.start.getTime();
    this.sessionEnd = session.end.getTime();
    if (!Number.isFinite(this.sessionStart) || !Number.isFinite(this.sessionEnd)) {
      throw new PricingError("INVALID_SESSION", "session start and end must be valid dates");
    }
    if (this.sessionEnd < this.sessionStart) {
      throw new PricingError("INVALID_SESSION", "session end is before its start");
    }
    const ignore = this.profile.ignoreRestrictions;
    this.compiled =
      tariffs.length === 1
        ? [compileTariff(tariffs[0] as Tariff, ignore)]
        : tariffs.map((t) => compileTariff(t, ignore));
    let currency: string | undefined = session.currency === undefined ? undefined : toCurrency(session.currency);
    for (const t of tariffs) {
      if (currency === undefined) currency = t.currency;
      else if (t.currency !== currency) {
        throw new PricingError(
          "CURRENCY_MISMATCH",
          `tariff ${t.id} is in ${t.currency}, but the session${session.currency ? "" : "'s other tariffs"} use ${currency}`,
        );
      }
    }
    if (currency === undefined) throw new PricingError("NO_TARIFF", "no tariff given and no session currency");
    this.currency = currency;
    this.perLine = this.profile.rounding.scope === "PER_LINE";
    this.decimals = this.profile.rounding.decimals ?? minorUnits(this.currency);
    this.exactSums = this.perLine
      ? { FIXED: new Sum(), ENERGY: new Sum(), TIME: new Sum(), PARKING_TIME: new Sum(), RESERVATION: new Sum() }
      : this.sums;
    if (this.traceOn) this.trace.push({ type: "profile", profile: this.profile.name });
  }

  run(): PricingResult {
    const segments = this.buildSegments();
    let expired = this.session.reservationExpired;
    if (expired === undefined) {
      expired = segments.length > 0;
      for (const s of segments) if (s.kind !== "reservation") expired = false;
    }
    let firstCharging = this.sessionStart;
    for (const s of segments) {
      if (s.kind !== "reservation") {
        firstCharging = s.startMs;
        break;
      }
    }
    let chargingMs = 0;
    let parkingMs = 0;
    let reservationMs = 0;
    let cumFx = 0n;
    for (const seg of segments) {
      let refMs: number;
      switch (this.profile.durationReference) {
        case "session-start":
          refMs = this.sessionStart;
          break;
        case "charging-start":
          refMs = seg.kind === "reservation" ? this.sessionStart : firstCharging;
          break;
        case "dimension-time":
          refMs =
            seg.startMs - (seg.kind === "charging" ? chargingMs : seg.kind === "parking" ? parkingMs : reservationMs);
          break;
      }
      this.priceSegment(seg, refMs, cumFx, expired);
      cumFx += seg.energyFx;
      const ms = seg.endMs - seg.startMs;
      if (seg.kind === "charging") chargingMs += ms;
      else if (seg.kind === "parking") parkingMs += ms;
      else reservationMs += ms;
    }
    if (this.profile.applyStepSize) this.applyStepSizes();
    const adjustments = this.profile.applyPriceLimits ? this.applyPriceLimits() : [];
    return this.finish(cumFx, parkingMs, adjustments);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Segments: the session's periods as [start, end) intervals of one kind of time, with their energy and tariff.

  private buildSegments(): Segment[] {
    let periods = this.session.chargingPeriods;
    for (let i = 1; i < periods.length; i++) {
      if ((periods[i] as { start: Date }).start.getTime() < (periods[i - 1] as { start: Date }).start.getTime()) {
        this.warn("charging periods were not in chronological order; they were sorted");
        periods = [...periods].sort((a, b) => a.start.getTime() - b.start.getTime());
        break;
      }
    }
    const first = periods[0];
    if (first && first.start.getTime() < this.sessionStart) {
      switch (this.profile.periodsBeforeSessionStart) {
        case "reject":
          throw new PricingError("INVALID_SESSION", "a charging period starts before the session start");
        case "extend-session":
          this.warn(`session start moved to the first period start ${first.start.toISOString()}`);
          this.sessionStart = first.start.getTime();
          break;
        case "clip":
          this.warn("time of charging periods before the session start is not billed (clipped)");
          break;
      }
    }
    const segments: Segment[] = [];
    if (periods.length === 0) {
      const energy = this.session.reportedTotals?.energy;
      if (energy) this.warn("the session has no charging periods; its reported total energy is used");
      const energyFx = energy ? toScaled(energy.wh) : 0n;
      segments.push({
        sourcePeriod: -1,
        kind: "charging",
        startMs: this.sessionStart,
        endMs: this.sessionEnd,
        energyFx,
        dims: {},
        tariff: this.tariffFor(undefined, this.sessionStart, -1, false),
        chargingMs: this.sessionEnd - this.sessionStart,
        periodEnergyFx: energyFx,
      });
      return segments;
    }
    let anyTagged = false;
    for (const p of periods) if (p.tariffId !== undefined) anyTagged = true;
    for (let i = 0; i < periods.length; i++) {
      const p = periods[i] as (typeof periods)[number];
      const next = periods[i + 1];
      const rawStart = p.start.getTime();
      const startMs = Math.min(Math.max(rawStart, this.sessionStart), this.sessionEnd);
      const endMs = Math.max(startMs, Math.min(next ? next.start.getTime() : this.sessionEnd, this.sessionEnd));
      if (rawStart > this.sessionEnd) this.warn(`charging period ${i} starts after the session end`);
      const tariff = this.tariffFor(p.tariffId, startMs, i, anyTagged);
      const d = p.dimensions;
      const duration = endMs - startMs;
      const energyFx = d.energy ? toScaled(d.energy.wh) : 0n;
      const parts = this.layout(d, duration, i, energyFx);
      if (parts.length === 1) {
        const kind = (parts[0] as { kind: PeriodKind }).kind;
        segments.push({
          sourcePeriod: i,
          kind,
          startMs,
          endMs,
          energyFx,
          dims: d,
          tariff,
          chargingMs: kind === "charging" ? duration : 0,
          periodEnergyFx: energyFx,
        });
        continue;
      }
      let energyAt = parts.findIndex((x) => x.kind === "charging");
      const chargingMs = energyAt >= 0 ? (parts[energyAt] as { ms: number }).ms : 0;
      if (energyAt < 0) energyAt = 0;
      let at = startMs;
      parts.forEach((part, k) => {
        segments.push({
          sourcePeriod: i,
          kind: part.kind,
          startMs: at,
          endMs: at + part.ms,
          energyFx: k === energyAt ? energyFx : 0n,
          dims: d,
          tariff,
          chargingMs,
          periodEnergyFx: energyFx,
        });
        at += part.ms;
      });
    }
    return segments;
  }

  /**
   * Which kinds of time a period holds and for how long. The period's length comes from its boundaries (spec: "A
   * period ends when the next period starts. The last period ends when the session ends."). A period reporting one
   * kind of time (or none: charging, unless it reports only PARKING_TIME) is wholly that kind; a period reporting
   * several is laid out as reservation, charging, parking with the reported lengths, the last one taking what
   * remains of the period.
   */
  private layout(
    d: ChargingPeriodDimensions,
    duration: number,
    index: number,
    energyFx: bigint,
  ): { kind: PeriodKind; ms: number }[] {
    const reported: { kind: PeriodKind; ms: number }[] = [];
    if (d.reservationTime?.seconds.gt(0)) reported.push({ kind: "reservation", ms: d.reservationTime.millis });
    if (d.time?.seconds.gt(0)) reported.push({ kind: "charging", ms: d.time.millis });
    if (d.parkingTime?.seconds.gt(0)) reported.push({ kind: "parking", ms: d.parkingTime.millis });
    if (reported.length <= 1) {
      const only = reported[0];
      const kind: PeriodKind =
        only?.kind ??
        (d.reservationTime ? "reservation" : d.parkingTime && !d.time && energyFx === 0n ? "parking" : "charging");
      if (only && Math.abs(only.ms - duration) > 1000) {
        this.warn(
          `charging period ${index}: reported ${only.kind} time ${only.ms / 1000}s differs from its length ${duration / 1000}s; the length is used`,
        );
      }
      return [{ kind, ms: duration }];
    }
    let sum = 0;
    for (const r of reported) sum += r.ms;
    if (Math.abs(sum - duration) > 1000) {
      this.warn(
        `charging period ${index}: reported times add up to ${sum / 1000}s but the period lasts ${duration / 1000}s; the last kind takes the difference`,
      );
    }
    let left = duration;
    return reported.map((r, k) => {
      const ms = k === reported.length - 1 ? left : Math.min(r.ms, left);
      left -= ms;
      return { kind: r.kind, ms };
    });
  }

  private tariffFor(
    tariffId: string | undefined,
    startMs: number,
    sourcePeriod: number,
    anyTagged: boolean,
  ): CompiledTariff | undefined {
    const atMs = this.profile.tariffValidityReference === "session-start" ? this.sessionStart : startMs;
    if (tariffId !== undefined) {
      let exists = false;
      let chosen: CompiledTariff | undefined;
      for (const t of this.compiled) {
        if (t.id !== tariffId) continue;
        exists = true;
        if (validAt(t.source, atMs)) {
          chosen = t;
          break;
        }
      }
      if (!exists) {
        throw new PricingError(
          "TARIFF_NOT_FOUND",
          `charging period ${sourcePeriod} names unknown tariff "${tariffId}"`,
        );
      }
      if (!chosen) {
        throw new PricingError(
          "TARIFF_NOT_VALID",
          `tariff "${tariffId}" is not valid at ${new Date(atMs).toISOString()} (start_date_time/end_date_time)`,
        );
      }
      this.useTariff(sourcePeriod, chosen, "named by the charging period (tariff_id)", atMs);
      return chosen;
    }
    const mode = this.profile.untaggedPeriods;
    if (mode === "free" || (mode === "spec" && anyTagged)) {
      if (this.traceOn) {
        this.trace.push({
          type: "tariff",
          sourcePeriod,
          reason: "no tariff_id on this period: no tariff is relevant (free)",
        });
      }
      return undefined;
    }
    if (this.profile.tariffValidityReference === "session-start") {
      if (!this.sessionTariffResolved) {
        this.sessionTariff = this.chooseValid(atMs);
        this.sessionTariffResolved = true;
      }
      const t = this.sessionTariff as CompiledTariff;
      this.useTariff(sourcePeriod, t, undefined, atMs);
      return t;
    }
    const chosen = this.chooseValid(atMs);
    this.useTariff(sourcePeriod, chosen, undefined, atMs);
    return chosen;
  }

  private chooseValid(atMs: number): CompiledTariff {
    if (this.compiled.length === 0) throw new PricingError("NO_TARIFF", "no tariff given");
    for (const t of this.compiled) if (validAt(t.source, atMs)) return t;
    throw new PricingError(
      "TARIFF_NOT_VALID",
      `none of the tariffs (${this.compiled.map((t) => t.id).join(", ")}) is valid at ${new Date(atMs).toISOString()}`,
    );
  }

  private useTariff(sourcePeriod: number, t: CompiledTariff, reason: string | undefined, atMs: number): void {
    this.usedTariffs.set(t.id, t);
    if (this.traceOn) {
      const byPeriod = this.profile.tariffValidityReference === "period-start";
      this.trace.push(new TariffNote(sourcePeriod, t.id, reason, atMs, this.compiled.length, byPeriod));
    }
  }

  private zoneClock(): ZoneClock {
    if (!this.clock) {
      const resolved = resolveTimeZone(this.options.timeZone, this.session.timeZone, this.session.countryCode);
      this.clock = ZoneClock.of(resolved.zone);
      this.timeZoneSource = resolved.source;
      if (this.traceOn) this.trace.push({ type: "time-zone", zone: resolved.zone, source: resolved.source });
    }
    return this.clock;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Splitting and pricing of one segment.

  private priceSegment(seg: Segment, refMs: number, cumStart: bigint, expired: boolean): void {
    const tariff = seg.tariff;
    const duration = seg.endMs - seg.startMs;
    const clock = tariff?.needsLocalTime ? this.zoneClock() : undefined;
    // Split points strictly inside the segment; `cum` is the cumulative energy there when a threshold fixes it.
    let points: SplitPoint[] | undefined;
    if (tariff && this.profile.splitPeriods && duration > 0) {
      if (clock && (tariff.boundaryMinutes.length > 0 || tariff.midnightBoundary)) {
        const localStart = seg.startMs + clock.offsetAt(seg.startMs);
        const localEnd = seg.endMs + clock.offsetAt(seg.endMs);
        for (let day = ZoneClock.dayStart(localStart); day <= localEnd; day += MS_PER_DAY) {
          if (tariff.midnightBoundary && day > localStart)
            points = addPoint(points, seg, clock.toUtc(day), "local midnight", undefined);
          for (const minute of tariff.boundaryMinutes) {
            const local = day + minute * MS_PER_MINUTE;
            if (local > localStart && local < localEnd)
              points = addPoint(points, seg, clock.toUtc(local), "local time", undefined, minute);
          }
        }
      }
      for (const threshold of tariff.durationThresholds) {
        points = addPoint(points, seg, refMs + threshold, "duration", undefined, threshold / 1000);
      }
      if (this.profile.energyApportioning === "time-proportional" && seg.energyFx > 0n) {
        const cumEnd = cumStart + seg.energyFx;
        for (const thr of tariff.energyThresholds) {
          if (thr > cumStart && thr < cumEnd) {
            const offset = ((thr - cumStart) * BigInt(duration) * 2n + seg.energyFx) / (2n * seg.energyFx);
            points = addPoint(points, seg, seg.startMs + Number(offset), "energy", thr);
          }
        }
      }
    }
    if (!points) {
      this.pricePiece(seg, seg.startMs, seg.endMs, seg.energyFx, cumStart, refMs, expired, clock);
      return;
    }
    const pts = points as SplitPoint[];
    pts.sort((a, b) => a.ms - b.ms);
    const mode = this.profile.energyApportioning;
    const cumEnd = cumStart + seg.energyFx;
    let prevMs = seg.startMs;
    let prevCum = cumStart;
    for (let k = 0; k <= pts.length; k++) {
      const p = pts[k];
      const ms = p ? p.ms : seg.endMs;
      let cum: bigint;
      if (!p) cum = cumEnd;
      else if (mode === "first-part") cum = cumEnd;
      else if (mode === "last-part") cum = cumStart;
      else {
        cum = p.cum ?? cumStart + (seg.energyFx * BigInt(ms - seg.startMs)) / BigInt(duration);
        if (cum < prevCum) cum = prevCum;
      }
      this.pricePiece(seg, prevMs, ms, cum - prevCum, prevCum, refMs, expired, clock);
      if (p && this.traceOn) this.trace.push(new SplitNote(seg.sourcePeriod, p));
      prevMs = ms;
      prevCum = cum;
    }
  }

  private pricePiece(
    seg: Segment,
    startMs: number,
    endMs: number,
    energyFx: bigint,
    cumFx: bigint,
    refMs: number,
    expired: boolean,
    clock: ZoneClock | undefined,
  ): void {
    const ms = endMs - startMs;
    const tariff = seg.tariff;
    const period = new Period(this.periods.length, seg.sourcePeriod, seg.kind, startMs, endMs, tariff?.id, energyFx);
    this.periods.push(period);
    const hasEnergy = energyFx !== 0n;
    if (!tariff) {
      if (this.traceOn && (hasEnergy || ms > 0)) {
        this.trace.push({
          type: "free",
          period: period.index,
          dimension: seg.kind === "parking" ? "PARKING_TIME" : hasEnergy ? "ENERGY" : "TIME",
          reason: "no tariff is relevant for this period",
        });
      }
      return;
    }
    const ctx: PieceContext = {
      local: clock ? clock.local(startMs) : undefined,
      cumFx,
      elapsedMs: startMs - refMs,
      seg,
      missingHolds: this.profile.missingMeasurement === "holds",
    };
    const candidates =
      seg.kind === "reservation"
        ? expired
          ? tariff.expiredReservationElements
          : tariff.reservationElements
        : tariff.sessionElements;
    const memo: (boolean | undefined)[] = new Array(candidates.length);
    if (seg.kind === "reservation") {
      if (!this.reservationFlatDone && this.select(candidates, memo, ctx, "FLAT")) {
        this.reservationFlatDone = true;
        this.priceDimension(period, tariff, candidates, memo, ctx, "FLAT", "RESERVATION", 0n, 0, undefined);
      }
      if (ms > 0)
        this.priceDimension(period, tariff, candidates, memo, ctx, "TIME", "RESERVATION", 0n, ms, this.reservation);
      return;
    }
    if (!this.flatDone && this.select(candidates, memo, ctx, "FLAT")) {
      this.flatDone = true;
      this.priceDimension(period, tariff, candidates, memo, ctx, "FLAT", "FIXED", 0n, 0, undefined);
    }
    if (hasEnergy)
      this.priceDimension(period, tariff, candidates, memo, ctx, "ENERGY", "ENERGY", energyFx, 0, undefined);
    if (ms > 0) {
      if (seg.kind === "charging")
        this.priceDimension(period, tariff, candidates, memo, ctx, "TIME", "TIME", 0n, ms, this.time);
      else
        this.priceDimension(
          period,
          tariff,
          candidates,
          memo,
          ctx,
          "PARKING_TIME",
          "PARKING_TIME",
          0n,
          ms,
          this.parking,
        );
    }
  }

  private select(
    candidates: CompiledElement[],
    memo: (boolean | undefined)[],
    ctx: PieceContext,
    dimension: TariffDimension,
  ): CompiledElement | undefined {
    for (let i = 0; i < candidates.length; i++) {
      const e = candidates[i] as CompiledElement;
      if (!e.byDimension[dimension]) continue;
      let ok = memo[i];
      if (ok === undefined) {
        ok = holds(e.restrictions, ctx);
        memo[i] = ok;
      }
      if (ok) return e;
    }
    return undefined;
  }

  private priceDimension(
    period: Period,
    tariff: CompiledTariff,
    candidates: CompiledElement[],
    memo: (boolean | undefined)[],
    ctx: PieceContext,
    dimension: TariffDimension,
    category: CostCategory,
    energyFx: bigint,
    ms: number,
    bucket: TimeBucket | undefined,
  ): void {
    const element = this.select(candidates, memo, ctx, dimension);
    if (!element) {
      if (this.traceOn) {
        this.trace.push(new FreeNote(period.index, dimension, tariff.id, candidates, ctx.seg.kind === "reservation"));
      }
      return;
    }
    const component = element.byDimension[dimension] as CompiledComponent;
    const line = this.addLine(period, tariff, element, component, category, energyFx, ms, false);
    if (this.traceOn) this.tracePrice(period, tariff, element, line, ctx);
    if (dimension === "ENERGY") {
      this.energyTotalFx += energyFx;
      this.energyLast = { period, tariff, element, component };
    } else if (bucket) {
      bucket.totalMs += ms;
      bucket.last = { period, tariff, element, component };
    }
  }

  private addLine(
    period: Period,
    tariff: CompiledTariff,
    element: CompiledElement,
    component: CompiledComponent,
    category: CostCategory,
    energyFx: bigint,
    ms: number,
    stepSize: boolean,
  ): Line {
    let excl: bigint;
    let unit: PricedLine["unit"];
    if (component.dimension === "FLAT") {
      excl = flatAmount(component.priceScaled);
      unit = "fee";
    } else if (component.dimension === "ENERGY") {
      excl = energyAmount(component.priceScaled, energyFx);
      unit = "kWh";
    } else {
      excl = timeAmount(component.priceScaled, ms);
      unit = "h";
    }
    const vat = component.vatNum;
    const exact: FxCost = { excl, incl: this.inclOf(excl, vat) };
    let cost = exact;
    if (this.perLine) {
      const mode = this.profile.rounding.mode;
      const exclR = roundAmount(excl, this.decimals, mode);
      const incl = this.inclOf(exclR, vat);
      cost = { excl: exclR, incl: incl === undefined ? undefined : roundAmount(incl, this.decimals, mode) };
      this.exactSums[category].add(exact);
    }
    this.sums[category].add(cost);
    const line = new Line(component, category, tariff.id, element.index, unit, energyFx, ms, exact, cost, stepSize);
    period.lines.push(line);
    return line;
  }

  private inclOf(excl: bigint, vatNum: bigint | undefined): bigint | undefined {
    if (vatNum !== undefined) return withVat(excl, vatNum);
    if (this.profile.missingVat === "zero" || excl === 0n) return excl;
    return undefined;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // step_size (mod_cdrs): once per session for ENERGY, once for TIME and PARKING_TIME combined.

  private applyStepSizes(): void {
    const last = this.energyLast;
    if (last && this.energyTotalFx > 0n) {
      const step = last.component.step;
      const billed = ceilTo(this.energyTotalFx, BigInt(step) * SCALE);
      const extra = billed - this.energyTotalFx;
      if (extra > 0n) {
        this.stepLine("ENERGY", last, extra, 0, step, scaledToString(this.energyTotalFx), scaledToString(billed));
      }
    }
    const both = this.time.totalMs > 0 && this.parking.totalMs > 0;
    if (both && this.profile.timeStepSize === "parking-only-when-both") {
      if (this.traceOn) {
        this.trace.push({
          type: "step-size-skipped",
          bucket: "TIME",
          reason: "TIME and PARKING_TIME are both used: step_size applies to the total parking duration only",
        });
      }
    } else {
      this.stepTime("TIME", this.time);
    }
    this.stepTime("PARKING_TIME", this.parking);
    this.stepTime("RESERVATION_TIME", this.reservation);
  }

  private stepTime(bucket: "TIME" | "PARKING_TIME" | "RESERVATION_TIME", b: TimeBucket): void {
    if (!b.last || b.totalMs <= 0) return;
    const stepMs = b.last.component.step * 1000;
    const billed = Math.ceil(b.totalMs / stepMs) * stepMs;
    const extra = billed - b.totalMs;
    if (extra > 0)
      this.stepLine(bucket, b.last, 0n, extra, b.last.component.step, `${b.totalMs / 1000}`, `${billed / 1000}`);
  }

  private stepLine(
    bucket: Bucket,
    last: LastUse,
    extraFx: bigint,
    extraMs: number,
    step: number,
    total: string,
    billed: string,
  ): void {
    const category: CostCategory =
      bucket === "RESERVATION_TIME" ? "RESERVATION" : bucket === "ENERGY" ? "ENERGY" : bucket;
    const line = this.addLine(last.period, last.tariff, last.element, last.component, category, extraFx, extraMs, true);
    if (this.traceOn) {
      this.trace.push({
        type: "step-size",
        period: last.period.index,
        dimension: last.component.dimension,
        bucket,
        tariffId: last.tariff.id,
        element: last.element.index,
        stepSize: step,
        unit: bucket === "ENERGY" ? "Wh" : "s",
        total,
        billed,
        extra: bucket === "ENERGY" ? scaledToString(extraFx) : `${extraMs / 1000}`,
        exclVat: amountToString(line.exactFx.excl),
      });
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // min_price / max_price, per tariff, on the cost of the lines priced with that tariff.

  private applyPriceLimits(): Adjustment[] {
    const adjustments: Adjustment[] = [];
    for (const tariff of this.usedTariffs.values()) {
      const { min, max } = tariff.limits;
      if (!min && !max) continue;
      const sub = new Sum();
      for (const p of this.periods) for (const l of p.lines) if (l.tariffId === tariff.id) sub.add(l.costFx);
      for (const [limit, bound] of [
        ["min_price", min],
        ["max_price", max],
      ] as const) {
        if (!bound) continue;
        const isMin = limit === "min_price";
        const outside = (value: bigint, b: bigint) => (isMin ? value < b : value > b);
        const excl = sub.excl;
        const incl = sub.incl;
        const dExcl = outside(excl, bound.excl) ? bound.excl - excl : 0n;
        let dIncl: bigint | undefined;
        if (incl === undefined) dIncl = undefined;
        else if (bound.incl !== undefined) dIncl = outside(incl, bound.incl) ? bound.incl - incl : 0n;
        else if (dExcl === 0n) dIncl = 0n;
        else if (excl > 0n) dIncl = (dExcl * incl) / excl;
        else dIncl = this.profile.missingVat === "zero" ? dExcl : undefined;
        if (dExcl === 0n && (dIncl === undefined || dIncl === 0n)) continue;
        const before: FxCost = { excl, incl };
        const exact: FxCost = { excl: dExcl, incl: dIncl };
        const mode = this.profile.rounding.mode;
        const cost: FxCost = this.perLine
          ? {
              excl: roundAmount(dExcl, this.decimals, mode),
              incl: dIncl === undefined ? undefined : roundAmount(dIncl, this.decimals, mode),
            }
          : exact;
        adjustments.push(new Adjustment(tariff.id, limit, before, exact, cost));
        sub.add(cost);
        if (this.traceOn) {
          const show = (c: FxCost) =>
            `${amountToString(c.excl)} excl. / ${c.incl === undefined ? "unknown" : amountToString(c.incl)} incl. VAT`;
          this.trace.push({
            type: "price-limit",
            tariffId: tariff.id,
            limit,
            before: show(before),
            after: show(sub),
            vat:
              bound.incl !== undefined
                ? `the tariff gives ${limit}.incl_vat ${amountToString(bound.incl)}`
                : `no ${limit}.incl_vat: the incl. VAT correction follows the effective VAT rate of the lines`,
          });
        }
      }
    }
    return adjustments;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Totals.

  private finish(totalEnergyFx: bigint, parkingMs: number, adjustments: Adjustment[]): PricingResult {
    const s = this.sums;
    const limits = new Sum();
    for (const a of adjustments) limits.add(a.costFx);
    const total = new Sum();
    total.add(s.FIXED);
    total.add(s.ENERGY);
    total.add(s.TIME);
    total.add(s.PARKING_TIME);
    total.add(s.RESERVATION);
    total.add(limits);
    let exactTotal: Sum = total;
    let exactLimits: Sum = limits;
    if (this.perLine) {
      const e = this.exactSums;
      exactLimits = new Sum();
      for (const a of adjustments) exactLimits.add(a.exactFx);
      exactTotal = new Sum();
      for (const part of [e.FIXED, e.ENERGY, e.TIME, e.PARKING_TIME, e.RESERVATION, exactLimits]) exactTotal.add(part);
    }
    const counted: FxTotals = {
      total,
      fixed: s.FIXED,
      energy: s.ENERGY,
      time: s.TIME,
      parking: s.PARKING_TIME,
      reservation: s.RESERVATION,
      priceLimits: limits,
    };
    if (this.traceOn) {
      for (const category of ["FIXED", "ENERGY", "TIME", "PARKING_TIME", "RESERVATION"] as const) {
        if (s[category].incl === undefined) {
          this.trace.push({
            type: "vat-unknown",
            category,
            reason: "a price component without VAT priced a non-zero amount: incl_vat is not known",
          });
        }
      }
    }
    const rounding: Rounding = { perLine: this.perLine, decimals: this.decimals, mode: this.profile.rounding.mode };
    const cdrPrice = (c: FxCost): CdrPrice => {
      const out: CdrPrice = { excl_vat: formatCounted(c.excl, rounding) };
      if (c.incl !== undefined) out.incl_vat = formatCounted(c.incl, rounding);
      return out;
    };
    const totals: CdrTotals = {
      total_cost: cdrPrice(total),
      total_fixed_cost: cdrPrice(s.FIXED),
      total_energy: scaledText4(totalEnergyFx / WH_PER_KWH),
      total_energy_cost: cdrPrice(s.ENERGY),
      total_time: hoursText(this.sessionEnd - this.sessionStart),
      total_time_cost: cdrPrice(s.TIME),
      total_parking_time: hoursText(parkingMs),
      total_parking_cost: cdrPrice(s.PARKING_TIME),
      total_reservation_cost: cdrPrice(s.RESERVATION),
    };
    const e = this.exactSums;
    const exactFx = {
      total: exactTotal,
      fixed: e.FIXED,
      energy: e.ENERGY,
      time: e.TIME,
      parking: e.PARKING_TIME,
      reservation: e.RESERVATION,
      priceLimits: exactLimits,
    };
    return new Result(
      this.currency,
      this.clock?.zone,
      this.timeZoneSource,
      this.profile.name,
      [...this.usedTariffs.keys()],
      totals,
      counted,
      rounding,
      exactFx,
      this.periods,
      adjustments,
      this.trace,
      this.warnings,
    );
  }

  private warn(message: string): void {
    this.warnings.push(message);
    if (this.traceOn) this.trace.push({ type: "warning", message });
  }

  private tracePrice(period: Period, tariff: CompiledTariff, element: CompiledElement, line: Line, ctx: PieceContext) {
    this.trace.push(new PriceNote(period.index, tariff.id, element, line, ctx));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Trace notes: what is needed to explain a decision, rendered to a TraceEntry only when the trace is read.

abstract class Note {
  abstract render(): TraceEntry;
}

class PriceNote extends Note {
  readonly period: number;
  readonly tariffId: string;
  readonly element: CompiledElement;
  readonly line: Line;
  readonly ctx: PieceContext;

  constructor(period: number, tariffId: string, element: CompiledElement, line: Line, ctx: PieceContext) {
    super();
    this.period = period;
    this.tariffId = tariffId;
    this.element = element;
    this.line = line;
    this.ctx = ctx;
  }

  render(): TraceEntry {
    const line = this.line;
    const c = this.element.byDimension[line.dimension] as CompiledComponent;
    return {
      type: "price",
      period: this.period,
      dimension: line.dimension,
      tariffId: this.tariffId,
      element: this.element.index,
      component: line.component,
      quantity: line.quantity.toString(),
      unit: line.unit,
      price: c.priceText,
      vat: c.vatText,
      exclVat: amountToString(line.exactFx.excl),
      held: describeHeld(this.element.restrictions, this.ctx),
    };
  }
}

class SplitNote extends Note {
  readonly sourcePeriod: number;
  readonly point: SplitPoint;

  constructor(sourcePeriod: number, point: SplitPoint) {
    super();
    this.sourcePeriod = sourcePeriod;
    this.point = point;
  }

  render(): TraceEntry {
    const p = this.point;
    return {
      type: "split",
      sourcePeriod: this.sourcePeriod,
      at: new Date(p.ms).toISOString(),
      reasons: p.reasons.map((r, i) => {
        const v = p.values[i];
        if (r === "local time") return `local time ${formatMinute(v as number)}`;
        if (r === "duration") return `duration ${v as number}s`;
        if (r === "energy")
          return `energy ${scaledToDec(p.cum as bigint)
            .div(DEC_WH_PER_KWH)
            .toString()} kWh`;
        return r;
      }),
    };
  }
}

class FreeNote extends Note {
  readonly period: number;
  readonly dimension: TariffDimension;
  readonly tariffId: string;
  readonly candidates: CompiledElement[];
  readonly reservation: boolean;

  constructor(
    period: number,
    dimension: TariffDimension,
    tariffId: string,
    candidates: CompiledElement[],
    reservation: boolean,
  ) {
    super();
    this.period = period;
    this.dimension = dimension;
    this.tariffId = tariffId;
    this.candidates = candidates;
    this.reservation = reservation;
  }

  render(): TraceEntry {
    const d = this.dimension;
    const offered = this.candidates.some((e) => e.byDimension[d]);
    const what = this.reservation ? "reservation element" : "element";
    return {
      type: "free",
      period: this.period,
      dimension: d,
      tariffId: this.tariffId,
      reason: offered
        ? `no ${what} with a ${d} component has restrictions that hold: ${d} is free here`
        : `the tariff has no ${what} with a ${d} component: ${d} is free`,
    };
  }
}

class TariffNote extends Note {
  readonly sourcePeriod: number;
  readonly tariffId: string;
  readonly reason: string | undefined;
  readonly atMs: number;
  readonly count: number;
  readonly byPeriod: boolean;

  constructor(
    sourcePeriod: number,
    tariffId: string,
    reason: string | undefined,
    atMs: number,
    count: number,
    byPeriod: boolean,
  ) {
    super();
    this.sourcePeriod = sourcePeriod;
    this.tariffId = tariffId;
    this.reason = reason;
    this.atMs = atMs;
    this.count = count;
    this.byPeriod = byPeriod;
  }

  render(): TraceEntry {
    const which = this.byPeriod ? "period start" : "session start";
    const at = new Date(this.atMs).toISOString();
    const reason =
      this.reason ??
      (this.count === 1
        ? `the only tariff, valid at the ${which} ${at}`
        : `the first of ${this.count} tariffs valid at the ${which} ${at}`);
    return { type: "tariff", sourcePeriod: this.sourcePeriod, tariffId: this.tariffId, reason };
  }
}

/** A split point inside a segment; several boundaries can coincide. */
interface SplitPoint {
  ms: number;
  /** The cumulative energy at this point when an energy threshold fixes it. */
  cum: bigint | undefined;
  reasons: string[];
  values: (number | undefined)[];
}

function addPoint(
  points: SplitPoint[] | undefined,
  seg: Segment,
  ms: number,
  reason: string,
  cum: bigint | undefined,
  value?: number,
): SplitPoint[] | undefined {
  if (ms <= seg.startMs || ms >= seg.endMs) return points;
  const list = points ?? [];
  for (const p of list) {
    if (p.ms === ms) {
      p.reasons.push(reason);
      p.values.push(value);
      if (cum !== undefined) p.cum = cum;
      return list;
    }
  }
  list.push({ ms, cum, reasons: [reason], values: [value] });
  return list;
}

function costTotals(t: FxTotals): CostTotals {
  return {
    total: costOf(t.total),
    fixed: costOf(t.fixed),
    energy: costOf(t.energy),
    time: costOf(t.time),
    parking: costOf(t.parking),
    reservation: costOf(t.reservation),
    priceLimits: costOf(t.priceLimits),
  };
}

function validAt(t: Tariff, ms: number): boolean {
  if (t.validFrom && ms < t.validFrom.getTime()) return false;
  if (t.validTo && ms > t.validTo.getTime()) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------------------------
// Restrictions.

function inWindow(minute: number, start: number | undefined, end: number | undefined): boolean {
  const s = start ?? 0;
  let e = end ?? 1440;
  if (e === 0) e = 1440;
  if (s === e || (s === 0 && e === 1440)) return true;
  if (s < e) return minute >= s && minute < e;
  return minute >= s || minute < e;
}

/** The period's readings in fixed point: MIN_/MAX_ readings, else the average, else (power) energy over time. */
function readings(seg: Segment): Readings {
  if (seg.readings) return seg.readings;
  const d = seg.dims;
  const fx = (v: Dec | undefined) => (v === undefined ? undefined : toScaled(v));
  let derived: bigint | undefined;
  if (seg.chargingMs > 0 && seg.periodEnergyFx !== 0n) {
    // kW = Wh × 3600 / ms
    derived = (seg.periodEnergyFx * 3600n) / BigInt(seg.chargingMs);
  }
  const r: Readings = {
    minA: fx((d.minCurrent ?? d.current)?.a),
    maxA: fx((d.maxCurrent ?? d.current)?.a),
    minKw: fx((d.minPower ?? d.power)?.kw) ?? derived,
    maxKw: fx((d.maxPower ?? d.power)?.kw) ?? derived,
  };
  seg.readings = r;
  return r;
}

function holds(r: CompiledRestrictions, ctx: PieceContext): boolean {
  const local = ctx.local;
  if (local) {
    if (
      (r.startMinute !== undefined || r.endMinute !== undefined) &&
      !inWindow(local.minuteOfDay, r.startMinute, r.endMinute)
    )
      return false;
    if (r.startDate !== undefined && local.dateNumber < r.startDate) return false;
    if (r.endDate !== undefined && local.dateNumber >= r.endDate) return false;
    if (r.dayMask !== undefined && (r.dayMask & (1 << local.weekday)) === 0) return false;
  }
  if (r.minWh !== undefined && ctx.cumFx < r.minWh) return false;
  if (r.maxWh !== undefined && ctx.cumFx >= r.maxWh) return false;
  if (r.minDurationMs !== undefined && ctx.elapsedMs < r.minDurationMs) return false;
  if (r.maxDurationMs !== undefined && ctx.elapsedMs >= r.maxDurationMs) return false;
  if (
    r.minCurrent !== undefined ||
    r.maxCurrent !== undefined ||
    r.minPowerKw !== undefined ||
    r.maxPowerKw !== undefined
  ) {
    const v = readings(ctx.seg);
    const miss = !ctx.missingHolds;
    if (r.minCurrent !== undefined && (v.minA === undefined ? miss : v.minA < r.minCurrent)) return false;
    if (r.maxCurrent !== undefined && (v.maxA === undefined ? miss : v.maxA >= r.maxCurrent)) return false;
    if (r.minPowerKw !== undefined && (v.minKw === undefined ? miss : v.minKw < r.minPowerKw)) return false;
    if (r.maxPowerKw !== undefined && (v.maxKw === undefined ? miss : v.maxKw >= r.maxPowerKw)) return false;
  }
  return true;
}

function describeHeld(r: CompiledRestrictions, ctx: PieceContext): HeldRestrictions {
  const held: HeldRestrictions = {};
  const local = ctx.local;
  if (local) {
    if (r.startMinute !== undefined || r.endMinute !== undefined) {
      const window = `${formatMinute(r.startMinute ?? 0)}–${formatMinute(r.endMinute ?? 0)}`;
      held.time = `local ${formatMinute(local.minuteOfDay)} within ${window}`;
    }
    if (r.startDate !== undefined)
      held.start_date = `local ${formatDate(local.dateNumber)} ≥ ${formatDate(r.startDate)}`;
    if (r.endDate !== undefined) held.end_date = `local ${formatDate(local.dateNumber)} < ${formatDate(r.endDate)}`;
    if (r.dayMask !== undefined) {
      const mask = r.dayMask;
      held.day_of_week = `${DAYS_OF_WEEK[local.weekday]} in [${DAYS_OF_WEEK.filter((_, i) => mask & (1 << i)).join(", ")}]`;
    }
  }
  const kwh = (wh: bigint) => scaledToDec(wh).div(DEC_WH_PER_KWH).toString();
  if (r.minWh !== undefined) held.min_kwh = `energy so far ${kwh(ctx.cumFx)} kWh ≥ ${kwh(r.minWh)} kWh`;
  if (r.maxWh !== undefined) held.max_kwh = `energy so far ${kwh(ctx.cumFx)} kWh < ${kwh(r.maxWh)} kWh`;
  const elapsed = ctx.elapsedMs / 1000;
  if (r.minDurationMs !== undefined) held.min_duration = `elapsed ${elapsed}s ≥ ${r.minDurationMs / 1000}s`;
  if (r.maxDurationMs !== undefined) held.max_duration = `elapsed ${elapsed}s < ${r.maxDurationMs / 1000}s`;
  if (
    r.minCurrent !== undefined ||
    r.maxCurrent !== undefined ||
    r.minPowerKw !== undefined ||
    r.maxPowerKw !== undefined
  ) {
    const v = readings(ctx.seg);
    const show = (x: bigint | undefined, unit: string) =>
      x === undefined ? "no reading (profile: holds)" : `${scaledToString(x)} ${unit}`;
    if (r.minCurrent !== undefined) held.min_current = `${show(v.minA, "A")} ≥ ${scaledToString(r.minCurrent)} A`;
    if (r.maxCurrent !== undefined) held.max_current = `${show(v.maxA, "A")} < ${scaledToString(r.maxCurrent)} A`;
    if (r.minPowerKw !== undefined) held.min_power = `${show(v.minKw, "kW")} ≥ ${scaledToString(r.minPowerKw)} kW`;
    if (r.maxPowerKw !== undefined) held.max_power = `${show(v.maxKw, "kW")} < ${scaledToString(r.maxPowerKw)} kW`;
  }
  if (r.reservation) held.reservation = r.reservation;
  return held;
}

function formatMinute(minute: number): string {
  const m = minute % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
}

function formatDate(n: number): string {
  return `${Math.floor(n / 10_000)}-${String(Math.floor(n / 100) % 100).padStart(2, "0")}-${String(n % 100).padStart(2, "0")}`;
}
