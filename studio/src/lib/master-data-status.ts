// What comes next for a record: a scheduled change or its end, read from its valid-time line. Lists and the
// detail page show it as a badge ("Change scheduled from 1 Dec 2026", "Ends 1 Oct 2026").
import type { History, TimelineSegment } from "@voltrate/sdk/master-data";
import { formatDateTime } from "./format.ts";

export type NextStep = { kind: "change" | "end"; at: string; version: number };
export type Badge = { text: string; tone: "ok" | "warn" | "muted" | "info" | "danger" };

const same = (a: string, b: string) => new Date(a).getTime() === new Date(b).getTime();

/** The segment of `timeline` in effect at `at` (or undefined). */
export function segmentAt(timeline: readonly TimelineSegment[], at: Date): TimelineSegment | undefined {
  const t = at.getTime();
  return timeline.find(
    (s) => new Date(s.validFrom).getTime() <= t && (s.validTo === null || t < new Date(s.validTo).getTime()),
  );
}

/** What follows the period ending at `validTo`: the next version's change, or the end of the record. */
export function nextStep(history: History, validTo: string | null): NextStep | null {
  if (validTo === null) return null;
  const next = history.timeline.find((s) => same(s.validFrom, validTo));
  if (next === undefined) return { kind: "end", at: validTo, version: 0 };
  return { kind: next.state === "active" ? "change" : "end", at: validTo, version: next.version };
}

/** The badge for what comes next, seen from `now`: scheduled (future) or done (past). */
export function nextBadge(step: NextStep | null, now = new Date()): Badge {
  if (step === null) return { text: "Open-ended", tone: "muted" };
  const future = new Date(step.at).getTime() > now.getTime();
  const when = formatDateTime(step.at);
  if (step.kind === "change") {
    return future
      ? { text: `Change scheduled from ${when}`, tone: "warn" }
      : { text: `Changed on ${when}`, tone: "info" };
  }
  return future ? { text: `Ends ${when}`, tone: "warn" } : { text: `Ended ${when}`, tone: "muted" };
}

/** Whether a segment lies in the future: a scheduled period. */
export const isScheduled = (segment: TimelineSegment, now = new Date()): boolean =>
  new Date(segment.validFrom).getTime() > now.getTime();
