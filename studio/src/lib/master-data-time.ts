// Validity dates as people enter them — a wall-clock date and time in a named time zone — and as the runtime wants
// them: ISO 8601 instants with their offset ("2026-12-01T00:00:00+01:00"). The offset is the zone's at that moment,
// so a date in summer gets +02:00 in Amsterdam and one in winter +01:00.

const LOCAL_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/** The zone's offset from UTC at `instant`, in minutes (Amsterdam in winter: 60). */
export function zoneOffsetMinutes(zone: string, instant: Date): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: zone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

function offsetText(minutes: number): string {
  if (minutes === 0) return "Z";
  const sign = minutes < 0 ? "-" : "+";
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}

/**
 * The instant of a wall-clock time ("2026-12-01T00:00", as an `<input type="datetime-local">` gives it) in `zone`,
 * as ISO 8601 with the zone's offset; undefined when the text is not a date-time. A time skipped by a DST change
 * moves forward by the gap, like clocks do.
 */
export function localToInstant(local: string, zone: string): string | undefined {
  const m = LOCAL_PATTERN.exec(local);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map((v) => Number(v ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  // Two rounds: the offset at the first guess may differ from the offset at the answer near a DST change.
  let offset = zoneOffsetMinutes(zone, new Date(wall));
  offset = zoneOffsetMinutes(zone, new Date(wall - offset * 60_000));
  const instant = wall - offset * 60_000;
  const actual = zoneOffsetMinutes(zone, new Date(instant));
  return `${new Date(instant + actual * 60_000).toISOString().slice(0, 19)}${offsetText(actual)}`;
}

/** The wall-clock time of `iso` in `zone`, as `<input type="datetime-local">` wants it ("2026-12-01T00:00"). */
export function instantToLocal(iso: string, zone: string): string {
  const instant = new Date(iso);
  const offset = zoneOffsetMinutes(zone, instant);
  return new Date(instant.getTime() + offset * 60_000).toISOString().slice(0, 16);
}

/** The browser's own time zone (falls back to UTC). */
export function browserZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

const COMMON_ZONES = [
  "UTC",
  "Europe/Amsterdam",
  "Europe/Berlin",
  "Europe/Brussels",
  "Europe/Paris",
  "Europe/London",
  "Europe/Madrid",
  "Europe/Rome",
  "Europe/Vienna",
  "Europe/Copenhagen",
  "Europe/Stockholm",
  "Europe/Oslo",
  "Europe/Helsinki",
  "Europe/Warsaw",
  "Europe/Zurich",
  "Europe/Lisbon",
  "Europe/Dublin",
];

/** Zones offered in the pickers: the browser's, the common European ones, then every zone the browser knows. */
export function zoneChoices(): string[] {
  const all = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return [...new Set([browserZone(), ...COMMON_ZONES, ...all])];
}

const dateTimeInZone = (zone: string) =>
  new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: zone });

/** "1 Dec 2026, 00:00 Europe/Amsterdam" — an instant as read in a zone; "open-ended" for null. */
export function formatInZone(iso: string | null | undefined, zone: string): string {
  if (!iso) return "open-ended";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${dateTimeInZone(zone).format(d)} ${zone}`;
}
