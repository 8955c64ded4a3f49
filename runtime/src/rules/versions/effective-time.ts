// Effective date-times of publications: an instant written either with its offset ("2025-03-01T00:00:00+01:00",
// "…Z") or as a local date-time plus an IANA time zone ("2025-03-01T00:00" in "Europe/Amsterdam").
import { DateTime, IANAZone } from "luxon";

export interface EffectiveInstant {
  /** The instant the publication takes effect. */
  at: Date;
  /** The time zone the date-time was given in (kept to show it back as the publisher wrote it); "UTC" by default. */
  timeZone: string;
}

/** A problem with an effective date-time, naming the field it concerns. */
export interface EffectiveTimeProblem {
  field: "effectiveFrom" | "timeZone";
  message: string;
}

const LOCAL_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/;
const OFFSET_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

export function isIanaZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

/**
 * Reads an effective date-time. With an offset, the time zone is optional (it only says how to show the instant).
 * Without one, the time zone is required; a local time that does not exist in that zone (skipped by a daylight saving
 * change) or that occurs twice (when the clocks go back) is refused: the publisher then gives the offset.
 */
export function parseEffectiveFrom(
  text: string,
  timeZone: string | undefined,
): { ok: true; value: EffectiveInstant } | { ok: false; problem: EffectiveTimeProblem } {
  if (timeZone !== undefined && !isIanaZone(timeZone)) {
    return { ok: false, problem: { field: "timeZone", message: `"${timeZone}" is not an IANA time zone` } };
  }
  if (OFFSET_PATTERN.test(text)) {
    const parsed = DateTime.fromISO(text, { setZone: true });
    if (!parsed.isValid) {
      return { ok: false, problem: { field: "effectiveFrom", message: `"${text}" is not a valid date-time` } };
    }
    return { ok: true, value: { at: parsed.toJSDate(), timeZone: timeZone ?? "UTC" } };
  }
  if (!LOCAL_PATTERN.test(text)) {
    return {
      ok: false,
      problem: {
        field: "effectiveFrom",
        message:
          'expected an ISO 8601 date-time: "2025-03-01T00:00" with a timeZone, or with an offset ("…Z", "…+01:00")',
      },
    };
  }
  if (timeZone === undefined) {
    return {
      ok: false,
      problem: {
        field: "timeZone",
        message: `"${text}" has no offset: give the time zone it is meant in (e.g. "Europe/Amsterdam")`,
      },
    };
  }
  const local = DateTime.fromISO(text, { zone: timeZone });
  if (!local.isValid) {
    return { ok: false, problem: { field: "effectiveFrom", message: `"${text}" is not a valid date-time` } };
  }
  // Luxon moves a local time inside a DST gap forward; that shift shows as a different wall-clock reading.
  const wall = text.length === 16 ? `${text}:00` : text.slice(0, 19);
  if (local.toFormat("yyyy-MM-dd'T'HH:mm:ss") !== wall) {
    return {
      ok: false,
      problem: {
        field: "effectiveFrom",
        message: `${text} does not exist in ${timeZone} (the clocks skip it for daylight saving time)`,
      },
    };
  }
  const offsets = new Set(local.getPossibleOffsets().map((d) => d.offset));
  if (offsets.size > 1) {
    return {
      ok: false,
      problem: {
        field: "effectiveFrom",
        message: `${text} occurs twice in ${timeZone} (the clocks go back); give the offset, e.g. "${local.toISO({ suppressMilliseconds: true })}"`,
      },
    };
  }
  return { ok: true, value: { at: local.toJSDate(), timeZone } };
}

/** An instant as the zone's local date-time with its offset, e.g. "2025-03-01T00:00:00+01:00". */
export function formatInZone(at: Date, timeZone: string): string {
  return DateTime.fromJSDate(at, { zone: timeZone }).toISO({ suppressMilliseconds: true }) ?? at.toISOString();
}
