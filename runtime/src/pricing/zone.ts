// Local time for tariff restrictions. Offsets come from the platform's IANA database (Intl) and are cached per
// zone in 15-minute buckets (every UTC offset in use is a multiple of 15 minutes, so a transition always falls on
// a bucket edge); a session therefore costs a handful of Intl calls at most, and none once its zone is warm.
import { getTimezonesForCountry } from "countries-and-timezones";
import { PricingError } from "./errors.ts";

const MINUTE = 60_000;
const DAY = 86_400_000;
const BUCKET = 15 * MINUTE;
const MAX_CACHE = 200_000;

/** Where the time zone of a pricing came from. */
export type TimeZoneSource = "option" | "session" | "country";

export interface ResolvedTimeZone {
  zone: string;
  source: TimeZoneSource;
}

/**
 * The time zone for local-time restrictions: the explicit option, else the location's zone (session.timeZone), else
 * the zone of the country when it has exactly one, else an error naming what is missing.
 */
export function resolveTimeZone(option: string | undefined, session: string | undefined, country: string | undefined) {
  if (option) return { zone: validZone(option, "option timeZone"), source: "option" } satisfies ResolvedTimeZone;
  if (session) return { zone: validZone(session, "session timeZone"), source: "session" } satisfies ResolvedTimeZone;
  if (country) {
    const zones = getTimezonesForCountry(country.toUpperCase()) ?? [];
    const names = zones.map((z) => z.name);
    if (names.length === 1) return { zone: names[0] as string, source: "country" } satisfies ResolvedTimeZone;
    throw new PricingError(
      "TIME_ZONE_UNKNOWN",
      names.length === 0
        ? `no time zone: no timeZone option, no session time zone, and country "${country}" is unknown`
        : `no time zone: no timeZone option, no session time zone, and country "${country}" has ${names.length} zones (${names.join(", ")})`,
    );
  }
  throw new PricingError(
    "TIME_ZONE_UNKNOWN",
    "no time zone: the tariff has local-time restrictions but neither a timeZone option, nor the session's time zone, nor its country is given",
  );
}

const validZones = new Map<string, string>();

function validZone(zone: string, what: string): string {
  const known = validZones.get(zone);
  if (known) return known;
  try {
    const canonical = new Intl.DateTimeFormat("en-US", { timeZone: zone }).resolvedOptions().timeZone;
    if (validZones.size > 10_000) validZones.clear();
    validZones.set(zone, canonical);
    return canonical;
  } catch {
    throw new PricingError("TIME_ZONE_INVALID", `${what}: unknown IANA time zone "${zone}"`);
  }
}

/** Local calendar fields of an instant. */
export interface LocalParts {
  /** Minutes since local midnight, 0..1439. */
  minuteOfDay: number;
  /** ISO weekday index: 0 = Monday … 6 = Sunday. */
  weekday: number;
  /** The local date as a number yyyymmdd (e.g. 20240315), for comparisons with start_date/end_date. */
  dateNumber: number;
  /** The local wall-clock time as milliseconds of a UTC epoch ("local epoch"). */
  localMs: number;
}

/** Offset lookups and local↔UTC conversion for one zone. */
export class ZoneClock {
  readonly zone: string;
  private readonly format: Intl.DateTimeFormat | undefined;
  private readonly cache = new Map<number, number>();

  private constructor(zone: string) {
    this.zone = zone;
    this.format =
      zone === "UTC" || zone === "Etc/UTC"
        ? undefined
        : new Intl.DateTimeFormat("en-US", {
            timeZone: zone,
            hourCycle: "h23",
            year: "numeric",
            month: "numeric",
            day: "numeric",
            hour: "numeric",
            minute: "numeric",
          });
  }

  private static readonly clocks = new Map<string, ZoneClock>();

  /** The shared clock of a (validated) zone. */
  static of(zone: string): ZoneClock {
    let clock = ZoneClock.clocks.get(zone);
    if (!clock) {
      clock = new ZoneClock(zone);
      ZoneClock.clocks.set(zone, clock);
    }
    return clock;
  }

  /** UTC offset in milliseconds at the instant `utcMs` (local = utc + offset). */
  offsetAt(utcMs: number): number {
    if (!this.format) return 0;
    const bucket = Math.floor(utcMs / BUCKET);
    const hit = this.cache.get(bucket);
    if (hit !== undefined) return hit;
    const at = bucket * BUCKET;
    let y = 0;
    let mo = 0;
    let d = 0;
    let h = 0;
    let mi = 0;
    for (const part of this.format.formatToParts(at)) {
      switch (part.type) {
        case "year":
          y = Number(part.value);
          break;
        case "month":
          mo = Number(part.value);
          break;
        case "day":
          d = Number(part.value);
          break;
        case "hour":
          h = Number(part.value);
          break;
        case "minute":
          mi = Number(part.value);
          break;
      }
    }
    const offset = Date.UTC(y, mo - 1, d, h, mi) - at;
    if (this.cache.size >= MAX_CACHE) this.cache.clear();
    this.cache.set(bucket, offset);
    return offset;
  }

  /** Local calendar fields of the instant `utcMs`. */
  local(utcMs: number): LocalParts {
    const localMs = utcMs + this.offsetAt(utcMs);
    const dayIndex = Math.floor(localMs / DAY);
    const minuteOfDay = Math.floor((localMs - dayIndex * DAY) / MINUTE);
    // 1970-01-01 was a Thursday (ISO index 3).
    const weekday = (((dayIndex + 3) % 7) + 7) % 7;
    return { minuteOfDay, weekday, dateNumber: civilDate(dayIndex), localMs };
  }

  /**
   * The instant at which the local wall clock shows `localMs` (a "local epoch" value). A wall time skipped by a
   * DST gap resolves to the instant the clock jumps (the first existing local time after it); a repeated wall time
   * resolves to its first occurrence.
   */
  toUtc(localMs: number): number {
    if (!this.format) return localMs;
    const o1 = this.offsetAt(localMs - this.offsetAt(localMs));
    const utc = localMs - o1;
    const o2 = this.offsetAt(utc);
    if (o2 === o1) {
      // Prefer the earlier occurrence of an ambiguous wall time.
      const earlier = localMs - this.offsetAt(utc - 3_600_000);
      if (earlier < utc && this.offsetAt(earlier) + earlier === localMs) return earlier;
      return utc;
    }
    // In a gap: the wall time does not exist; return the transition instant.
    const lo = Math.min(utc, localMs - o2);
    const hi = Math.max(utc, localMs - o2);
    let a = Math.floor(lo / BUCKET) * BUCKET;
    while (a < hi && this.offsetAt(a) === this.offsetAt(lo)) a += BUCKET;
    return a;
  }

  /** The local-epoch milliseconds of local midnight of the day containing `localMs`. */
  static dayStart(localMs: number): number {
    return Math.floor(localMs / DAY) * DAY;
  }
}

/** yyyymmdd of the day `days` after 1970-01-01 (proleptic Gregorian; H. Hinnant's civil_from_days). */
export function civilDate(days: number): number {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return year * 10_000 + month * 100 + day;
}

export const MS_PER_DAY = DAY;
export const MS_PER_MINUTE = MINUTE;
