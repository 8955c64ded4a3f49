// The calendar date (YYYY-MM-DD) an instant has on the wall clock of an IANA time zone: the VAT rate of a supply
// and the ECB reference rate both go by it, once or twice per priced session.

// How an instant becomes a calendar date, remembered per UTC hour. Intl.DateTimeFormat#formatToParts takes
// microseconds, and a stream of sessions keeps asking about the same few hours. An hour is remembered when its first
// and its last millisecond have the same date and the wall clock ran the whole hour without a jump (3,599 s from the
// first to the last whole second): then the wall clock moved straight through the hour and every instant in it has
// that date. Otherwise (a local midnight inside the hour, as with offsets of :30 or :45, or a clock change inside it,
// like America/St_Johns going from 00:01 back to 23:01 until 2010) every instant in that hour is formatted on its own.
// This relies on no time zone changing its offset twice within one hour (none does in the tz database of 2025).

const HOUR_MS = 3_600_000;
/** Hours beyond this one end after the last valid Date (8.64e15 ms), so they are never remembered. */
const LAST_HOUR = 8.64e15 / HOUR_MS;
/** Hours remembered per time zone (a power of two, about a year); an hour takes the slot `hour % SLOTS`. */
const SLOTS = 8192;

interface ZoneDates {
  readonly timeZone: string;
  /** year, month and day: what the date is read from */
  readonly date: Intl.DateTimeFormat;
  /** hour, minute and second: to see that the wall clock did not jump within an hour (made when first needed) */
  clock: Intl.DateTimeFormat | undefined;
  /** by slot: the UTC hour (hours since 1970) it holds, NaN when empty */
  hours: Float64Array | undefined;
  /** by slot: the date every instant of that hour has, or null when the instants must be formatted one by one */
  dates: (string | null)[] | undefined;
}

function zoneDates(timeZone: string): ZoneDates {
  const date = new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
  return { timeZone, date, clock: undefined, hours: undefined, dates: undefined };
}

function formatDate(formatter: Intl.DateTimeFormat, t: number): string {
  const parts = formatter.formatToParts(t);
  const get = (type: string): string => parts.find((p) => p.type === type)?.value ?? "";
  return `${get("year").padStart(4, "0")}-${get("month")}-${get("day")}`;
}

function secondOfDay(formatter: Intl.DateTimeFormat, t: number): number {
  const parts = formatter.formatToParts(t);
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
  return get("hour") * 3600 + get("minute") * 60 + get("second");
}

/** The date of every instant of UTC hour `hour`, or null when they may not all have the same date. */
function wholeHourDate(zone: ZoneDates, hour: number): string | null {
  const first = hour * HOUR_MS;
  const last = first + HOUR_MS - 1;
  const date = formatDate(zone.date, first);
  if (formatDate(zone.date, last) !== date) return null;
  zone.clock ??= new Intl.DateTimeFormat("en-US", {
    timeZone: zone.timeZone,
    hourCycle: "h23",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
  return secondOfDay(zone.clock, last) - secondOfDay(zone.clock, first) === 3599 ? date : null;
}

/** The calendar date (YYYY-MM-DD) of the instant `t` (ms since 1970) on the wall clock of the zone. */
function dateAt(zone: ZoneDates, t: number): string {
  const hour = Math.floor(t / HOUR_MS);
  if (!(hour < LAST_HOUR)) return formatDate(zone.date, t); // also NaN: formatToParts throws for it as before
  if (zone.hours === undefined || zone.dates === undefined) {
    zone.hours = new Float64Array(SLOTS).fill(Number.NaN);
    zone.dates = new Array<string | null>(SLOTS).fill(null);
  }
  const slot = hour & (SLOTS - 1);
  let date: string | null;
  if (zone.hours[slot] === hour) {
    date = zone.dates[slot] ?? null;
  } else {
    date = wholeHourDate(zone, hour);
    zone.hours[slot] = hour;
    zone.dates[slot] = date;
  }
  return date ?? formatDate(zone.date, t);
}

const zones = new Map<string, ZoneDates>();

function zoneFor(timeZone: string): ZoneDates {
  let zone = zones.get(timeZone);
  if (!zone) {
    zone = zoneDates(timeZone);
    zones.set(timeZone, zone);
  }
  return zone;
}

/** True when the runtime knows the IANA time zone. */
export function isTimeZone(timeZone: string): boolean {
  try {
    zoneFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The calendar date (YYYY-MM-DD) of an instant on the wall clock of `timeZone`. */
export function calendarDateIn(instant: Date, timeZone: string): string {
  const t = instant.getTime();
  if (Number.isNaN(t)) throw new RangeError("invalid Date");
  return dateAt(zoneFor(timeZone), t);
}
