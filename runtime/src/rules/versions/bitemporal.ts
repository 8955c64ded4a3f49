// The bitemporal model of rule set versions, as pure functions over the versions' time stamps.
//
// Valid time: a version applies to sessions from its `effectiveFrom` until the next later effective date among the
// versions in force; two versions with the same effective date — the later published one (higher number) wins.
// Transaction time: a version is known from its `recordedAt`; a cancelled one is unknown again from `cancelledAt`.
// "What applied at validAt, as we knew it at knownAt" only looks at the versions known at knownAt; so a version
// published later with an earlier effective date never changes an answer given for an earlier knownAt, and a
// session billed at time T is re-explained exactly by asking with knownAt = T.

/** The time stamps the model needs. */
export interface VersionTimes {
  version: number;
  effectiveFrom: Date;
  recordedAt: Date;
  cancelledAt: Date | null;
}

/** Whether the version was known (recorded and not cancelled) at `knownAt`. */
export function knownAt(v: VersionTimes, at: Date): boolean {
  return v.recordedAt.getTime() <= at.getTime() && (v.cancelledAt === null || v.cancelledAt.getTime() > at.getTime());
}

/** Later effective date first; at the same effective date the higher version first. */
function byPrecedence(a: VersionTimes, b: VersionTimes): number {
  return b.effectiveFrom.getTime() - a.effectiveFrom.getTime() || b.version - a.version;
}

/** The version in effect at `validAt` according to what was known at `known` (default: the same instant as now). */
export function resolveAsOf<V extends VersionTimes>(versions: readonly V[], validAt: Date, known: Date): V | undefined {
  let best: V | undefined;
  for (const v of versions) {
    if (!knownAt(v, known) || v.effectiveFrom.getTime() > validAt.getTime()) continue;
    if (best === undefined || byPrecedence(v, best) < 0) best = v;
  }
  return best;
}

/** One version on the valid-time line as known at some instant. */
export interface TimelineEntry<V extends VersionTimes = VersionTimes> {
  version: V;
  effectiveFrom: Date;
  /** Exclusive end: the next later effective date, or null (open-ended). */
  effectiveTo: Date | null;
  /** True when another version with the same effective date, published later, applies instead (never in effect). */
  shadowed: boolean;
}

/** The valid-time line as known at `known`: the known versions by effective date, each with its end. */
export function timeline<V extends VersionTimes>(versions: readonly V[], known: Date): TimelineEntry<V>[] {
  const ordered = versions.filter((v) => knownAt(v, known)).sort((a, b) => -byPrecedence(a, b));
  return ordered.map((v, i) => {
    let next: V | undefined;
    for (let j = i + 1; j < ordered.length; j++) {
      const candidate = ordered[j] as V;
      if (candidate.effectiveFrom.getTime() > v.effectiveFrom.getTime()) {
        next = candidate;
        break;
      }
    }
    const following = ordered[i + 1];
    const shadowed = following !== undefined && following.effectiveFrom.getTime() === v.effectiveFrom.getTime();
    return { version: v, effectiveFrom: v.effectiveFrom, effectiveTo: next ? next.effectiveFrom : null, shadowed };
  });
}
