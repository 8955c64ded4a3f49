// The properties of one evaluation input, computed on first use and cached: conditions read them as plain numbers and
// strings (decimals as JS numbers, local times as minutes of the day, dates as yyyymmdd, weekdays as 0 = Monday … 6),
// and the trace shows them as text. One view per evaluation; nothing here is shared between sessions.
import { type ChargeSession, DAYS_OF_WEEK, type Dec, type Duration, dec, Energy, type Power } from "@voltrate/sdk";
import type { CataloguedPropertyName, EvaluationInput, SessionFacts } from "@voltrate/sdk/rules";
import { PricingError } from "../../pricing/errors.ts";
import { resolveTimeZone, ZoneClock } from "../../pricing/zone.ts";

/** A property value as conditions compare it; undefined = the session has no value for it. */
export type PropertyValue = string | number | boolean | undefined;

const NOT_COMPUTED = Symbol("not computed");
type Slot<T> = T | typeof NOT_COMPUTED;

export class SessionView {
  readonly session: ChargeSession;
  readonly facts: SessionFacts;
  readonly input: EvaluationInput;
  private energyDec: Slot<Dec> = NOT_COMPUTED;
  private energyNum: Slot<number> = NOT_COMPUTED;
  private powerDec: Slot<Dec | undefined> = NOT_COMPUTED;
  private parkingMs: Slot<number | undefined> = NOT_COMPUTED;
  private zone: Slot<string | undefined> = NOT_COMPUTED;
  private zoneProblem: string | undefined;
  private startLocal: Slot<{ minute: number; weekday: number; date: number } | undefined> = NOT_COMPUTED;
  private endLocal: Slot<{ minute: number; weekday: number; date: number } | undefined> = NOT_COMPUTED;
  private cpoText: Slot<string | undefined> = NOT_COMPUTED;
  private untagged: ChargeSession | undefined;

  constructor(input: EvaluationInput) {
    this.input = input;
    this.session = input.session;
    this.facts = input.facts ?? {};
  }

  /** "NL*ABC": the CPO party, upper case. */
  cpo(): string | undefined {
    if (this.cpoText === NOT_COMPUTED) {
      const c = this.facts.cpo;
      this.cpoText = c ? `${c.countryCode}*${c.partyId}`.toUpperCase() : undefined;
    }
    return this.cpoText;
  }

  cpoTariffCode(): string | undefined {
    return this.facts.cpoTariffCode ?? this.session.chargingPeriods[0]?.tariffId;
  }

  country(): string | undefined {
    const c = this.facts.country ?? this.session.countryCode;
    return c === undefined ? undefined : c.toUpperCase();
  }

  /** The energy charged as an exact decimal (kWh). */
  energyKwhDec(): Dec {
    if (this.energyDec === NOT_COMPUTED) {
      let wh: Dec | undefined;
      for (const p of this.session.chargingPeriods) {
        const e = p.dimensions.energy;
        if (e) wh = wh === undefined ? e.wh : wh.plus(e.wh);
      }
      this.energyDec =
        wh !== undefined ? Energy.wh(wh).kwh : (this.session.reportedTotals?.energy?.kwh ?? Energy.zero().kwh);
    }
    return this.energyDec;
  }

  energyKwh(): number {
    if (this.energyNum === NOT_COMPUTED) this.energyNum = this.energyKwhDec().toNumber();
    return this.energyNum;
  }

  /** The EVSE's maximum power (facts), else the highest measured power (kW), exact. */
  powerKwDec(): Dec | undefined {
    if (this.powerDec === NOT_COMPUTED) {
      if (this.facts.maxPowerKw !== undefined) {
        this.powerDec = dec(this.facts.maxPowerKw);
      } else {
        let best: Power | undefined;
        for (const p of this.session.chargingPeriods) {
          const v = p.dimensions.maxPower ?? p.dimensions.power;
          if (v && (best === undefined || v.greaterThan(best))) best = v;
        }
        this.powerDec = best?.kw;
      }
    }
    return this.powerDec;
  }

  powerKw(): number | undefined {
    return this.powerKwDec()?.toNumber();
  }

  durationMs(): number {
    return this.session.end.getTime() - this.session.start.getTime();
  }

  durationMinutes(): number {
    return this.durationMs() / 60_000;
  }

  /** Parking time in ms: the periods' parking time, else the reported total; undefined when neither is given. */
  parkingMillis(): number | undefined {
    if (this.parkingMs === NOT_COMPUTED) {
      let total: Duration | undefined;
      for (const p of this.session.chargingPeriods) {
        const t = p.dimensions.parkingTime;
        if (t) total = total === undefined ? t : total.plus(t);
      }
      total ??= this.session.reportedTotals?.parkingTime;
      this.parkingMs = total?.millis;
    }
    return this.parkingMs;
  }

  parkingMinutes(): number {
    return (this.parkingMillis() ?? 0) / 60_000;
  }

  /** Charging time in seconds when the source reports it per period. */
  chargingSeconds(): number | undefined {
    let total: Duration | undefined;
    for (const p of this.session.chargingPeriods) {
      const t = p.dimensions.time;
      if (t) total = total === undefined ? t : total.plus(t);
    }
    return total === undefined ? undefined : total.millis / 1000;
  }

  /** The IANA zone of the location (session zone, else the country's only zone); undefined when unknown. */
  timeZone(): string | undefined {
    if (this.zone === NOT_COMPUTED) {
      try {
        this.zone = resolveTimeZone(undefined, this.session.timeZone, this.country()).zone;
      } catch (error) {
        if (!(error instanceof PricingError)) throw error;
        this.zone = undefined;
        this.zoneProblem = error.message;
      }
    }
    return this.zone;
  }

  /** Why local times are not known (after `timeZone()` returned undefined). */
  timeZoneProblem(): string | undefined {
    this.timeZone();
    return this.zoneProblem;
  }

  private local(ms: number): { minute: number; weekday: number; date: number } | undefined {
    const zone = this.timeZone();
    if (zone === undefined) return undefined;
    const l = ZoneClock.of(zone).local(ms);
    return { minute: l.minuteOfDay, weekday: l.weekday, date: l.dateNumber };
  }

  startLocalParts() {
    if (this.startLocal === NOT_COMPUTED) this.startLocal = this.local(this.session.start.getTime());
    return this.startLocal;
  }

  endLocalParts() {
    if (this.endLocal === NOT_COMPUTED) this.endLocal = this.local(this.session.end.getTime());
    return this.endLocal;
  }

  custom(key: string): string | number | boolean | undefined {
    const v = this.facts.custom?.[key];
    return v === null ? undefined : v;
  }

  /** The session as a rate outcome prices it: its own charging periods' tariff ids removed (the rule's tariff applies). */
  sessionForRate(): ChargeSession {
    if (this.untagged) return this.untagged;
    const s = this.session;
    const tagged = s.chargingPeriods.some((p) => p.tariffId !== undefined);
    let out: ChargeSession = tagged
      ? {
          ...s,
          chargingPeriods: s.chargingPeriods.map((p) =>
            p.tariffId === undefined ? p : { start: p.start, dimensions: p.dimensions },
          ),
        }
      : s;
    const country = this.country();
    if (out.timeZone === undefined && out.countryCode === undefined && country !== undefined) {
      out = { ...out, countryCode: country };
    }
    this.untagged = out;
    return out;
  }

  /** The purchase cost excl. VAT, exact; undefined when not given. */
  purchaseCostExcl(): Dec | undefined {
    const c = this.input.purchaseCost;
    return c === undefined ? undefined : dec(c.exclVat);
  }
}

/** Reads a catalogued property as conditions compare it. */
export type PropertyReader = (view: SessionView) => PropertyValue;

export const READERS: Readonly<Record<CataloguedPropertyName, PropertyReader>> = {
  cpo: (v) => v.cpo(),
  cpoTariffCode: (v) => v.cpoTariffCode(),
  country: (v) => v.country(),
  powerType: (v) => v.facts.powerType,
  powerKw: (v) => v.powerKw(),
  durationMinutes: (v) => v.durationMinutes(),
  energyKwh: (v) => v.energyKwh(),
  parkingMinutes: (v) => v.parkingMinutes(),
  startTime: (v) => v.startLocalParts()?.minute,
  endTime: (v) => v.endLocalParts()?.minute,
  startDay: (v) => v.startLocalParts()?.weekday,
  startDate: (v) => v.startLocalParts()?.date,
  tokenType: (v) => v.facts.token?.type,
  contractId: (v) => v.facts.token?.contractId,
  product: (v) => v.facts.product,
  subscription: (v) => v.facts.subscription,
  locationId: (v) => v.facts.locationId,
  evseId: (v) => v.facts.evseId,
};

/** Minutes of the day as "HH:MM". */
export function minuteText(m: number): string {
  return `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
}

/** yyyymmdd as "YYYY-MM-DD". */
export function dateText(n: number): string {
  const y = Math.floor(n / 10_000);
  const m = Math.floor(n / 100) % 100;
  const d = n % 100;
  return `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

/** A JS number as short decimal text (at most 4 decimals, no trailing zeros): 90.5, 1.6667. */
export function numberText(n: number): string {
  return String(Math.round(n * 10_000) / 10_000);
}

/** A property's value as the trace shows it; undefined when the session has none. */
export function propertyText(name: string, view: SessionView): string | boolean | undefined {
  switch (name) {
    case "energyKwh":
      return view.energyKwhDec().toString();
    case "powerKw":
      return view.powerKwDec()?.toString();
    case "durationMinutes":
      return numberText(view.durationMinutes());
    case "parkingMinutes":
      return numberText(view.parkingMinutes());
    case "startTime":
    case "endTime": {
      const m = READERS[name](view);
      return m === undefined ? undefined : minuteText(m as number);
    }
    case "startDay": {
      const d = READERS.startDay(view);
      return d === undefined ? undefined : DAYS_OF_WEEK[d as number];
    }
    case "startDate": {
      const d = READERS.startDate(view);
      return d === undefined ? undefined : dateText(d as number);
    }
  }
  if (name.startsWith("custom.")) {
    const v = view.custom(name.slice("custom.".length));
    return v === undefined ? undefined : typeof v === "number" ? String(v) : v;
  }
  const v = READERS[name as CataloguedPropertyName]?.(view);
  return v === undefined ? undefined : typeof v === "number" ? String(v) : v;
}

/** Whether a property's value depends on local time (and so on a known time zone). */
export function isLocalTimeProperty(name: string): boolean {
  return name === "startTime" || name === "endTime" || name === "startDay" || name === "startDate";
}
