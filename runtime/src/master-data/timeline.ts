// The valid-time line of an entity, as pure functions over its version records.
//
// Each record covers [validFrom, validTo) (validTo null = open-ended) with its state (active with data, or absent).
// Records are laid over each other in version order: a later version takes precedence over earlier ones for the
// period it covers, and the earlier ones keep the rest. "As known at T" lays only the records with recordedAt ≤ T;
// since version numbers follow the order of recording, that is always a prefix of the versions.

/** What the timeline needs of a record. */
export interface TimedRecord {
  version: number;
  validFrom: Date;
  validTo: Date | null;
  state: "active" | "absent";
  recordedAt: Date;
}

/** One period of the line: [from, to) in epoch milliseconds; `to` Infinity = open-ended. */
export interface Segment<R extends TimedRecord = TimedRecord> {
  from: number;
  to: number;
  record: R;
}

const end = (d: Date | null): number => (d === null ? Number.POSITIVE_INFINITY : d.getTime());

/** The line with `record` laid over [from, to): overlapped segments are cut back or removed. */
export function paint<R extends TimedRecord>(
  segments: readonly Segment<R>[],
  from: number,
  to: number,
  record: R,
): Segment<R>[] {
  const out: Segment<R>[] = [];
  for (const s of segments) {
    if (s.to <= from || s.from >= to) {
      out.push(s);
      continue;
    }
    if (s.from < from) out.push({ from: s.from, to: from, record: s.record });
    if (s.to > to) out.push({ from: to, to: s.to, record: s.record });
  }
  out.push({ from, to, record });
  return out.sort((a, b) => a.from - b.from);
}

/** Whether a record was known at `knownAt` (null: everything recorded counts). */
export function isKnownAt(record: TimedRecord, knownAt: Date | null): boolean {
  return knownAt === null || record.recordedAt.getTime() <= knownAt.getTime();
}

/** The valid-time line as known at `knownAt`, from the entity's records (in any order). */
export function timelineOf<R extends TimedRecord>(records: readonly R[], knownAt: Date | null = null): Segment<R>[] {
  const known = records.filter((r) => isKnownAt(r, knownAt)).sort((a, b) => a.version - b.version);
  let segments: Segment<R>[] = [];
  for (const r of known) segments = paint(segments, r.validFrom.getTime(), end(r.validTo), r);
  return segments;
}

/** The segment covering instant `t`, if any. */
export function segmentAt<R extends TimedRecord>(segments: readonly Segment<R>[], t: number): Segment<R> | undefined {
  return segments.find((s) => s.from <= t && t < s.to);
}

/** The first segment boundary after `t` (the start of the next period), or Infinity. */
export function nextBoundaryAfter(segments: readonly Segment[], t: number): number {
  let next = Number.POSITIVE_INFINITY;
  for (const s of segments) if (s.from > t && s.from < next) next = s.from;
  return next;
}

/** The segment that ends exactly where `from` starts (the period before), if any. */
export function segmentBefore<R extends TimedRecord>(
  segments: readonly Segment<R>[],
  from: number,
): Segment<R> | undefined {
  return segments.find((s) => s.to === from);
}

/** The last active segment starting at or before `t`. */
export function lastActiveAtOrBefore<R extends TimedRecord>(
  segments: readonly Segment<R>[],
  t: number,
): Segment<R> | undefined {
  let found: Segment<R> | undefined;
  for (const s of segments) if (s.record.state === "active" && s.from <= t) found = s;
  return found;
}

/** The start of the first active segment: when the entity begins to exist. */
export function firstActiveStart(segments: readonly Segment[]): number | undefined {
  return segments.find((s) => s.record.state === "active")?.from;
}
