import { describe, expect, it } from "vitest";
import { resolveAsOf, timeline, type VersionTimes } from "./bitemporal.ts";

const d = (s: string) => new Date(`${s}T00:00:00Z`);
const v = (version: number, effectiveFrom: string, recordedAt: string, cancelledAt?: string): VersionTimes => ({
  version,
  effectiveFrom: d(effectiveFrom),
  recordedAt: d(recordedAt),
  cancelledAt: cancelledAt ? d(cancelledAt) : null,
});
const at = (versions: VersionTimes[], validAt: string, knownAt: string) =>
  resolveAsOf(versions, d(validAt), d(knownAt))?.version;

describe("resolveAsOf: the version in effect at validAt, as recorded by knownAt", () => {
  // v1 effective Jan 1 (recorded Dec 20), v2 effective Mar 1 (recorded Feb 10).
  const base = [v(1, "2025-01-01", "2024-12-20"), v(2, "2025-03-01", "2025-02-10")];

  it("valid time decides between versions that were all known", () => {
    // Asked today about February: v2 is known but not yet effective in February, so v1 applied.
    expect(at(base, "2025-02-15", "2025-06-01")).toBe(1);
    // Asked today about April: v2 took effect on March 1.
    expect(at(base, "2025-04-15", "2025-06-01")).toBe(2);
    // Exactly at the effective instant the new version applies (effectiveFrom is inclusive).
    expect(at(base, "2025-03-01", "2025-06-01")).toBe(2);
    // Before the first version took effect nothing applied.
    expect(at(base, "2024-12-31", "2025-06-01")).toBeUndefined();
  });

  it("transaction time hides versions that were not recorded yet", () => {
    // On Feb 1 nobody knew about v2 (recorded Feb 10): for a session on April 15 we then expected v1 to apply.
    expect(at(base, "2025-04-15", "2025-02-01")).toBe(1);
    // From Feb 10 on, v2 was known: the same question gets v2.
    expect(at(base, "2025-04-15", "2025-02-10")).toBe(2);
    // Before Dec 20 no version was known at all.
    expect(at(base, "2025-01-15", "2024-12-01")).toBeUndefined();
  });

  it("a retroactive correction does not change what was known before it was recorded", () => {
    // On May 5, v3 is published effective Feb 1 (correcting February). A session on Feb 15 was billed on Mar 3
    // with v1; asking with knownAt = Mar 3 still gives v1, so the bill is re-explained exactly as it was made.
    const versions = [...base, v(3, "2025-02-01", "2025-05-05")];
    expect(at(versions, "2025-02-15", "2025-03-03")).toBe(1);
    // Asked after the correction was recorded, February is priced with v3 …
    expect(at(versions, "2025-02-15", "2025-06-01")).toBe(3);
    // … but v3 only covers Feb 1 – Mar 1: v2's later effective date still wins from March on.
    expect(at(versions, "2025-04-15", "2025-06-01")).toBe(2);
  });

  it("the same effective date: the later publication (higher version) wins", () => {
    // v4 corrects v2 with the same effective date; once recorded it replaces v2 entirely.
    const versions = [...base, v(4, "2025-03-01", "2025-03-10")];
    expect(at(versions, "2025-04-15", "2025-06-01")).toBe(4);
    // Before v4 was recorded, April still resolved to v2.
    expect(at(versions, "2025-04-15", "2025-03-05")).toBe(2);
  });

  it("a cancelled scheduled publication is known only between its recording and its cancellation", () => {
    // v5 recorded Apr 1 to take effect Jul 1, cancelled Jun 10 before it took effect.
    const versions = [...base, v(5, "2025-07-01", "2025-04-01", "2025-06-10")];
    // Asked on May 1 about July: v5 was the plan then.
    expect(at(versions, "2025-07-15", "2025-05-01")).toBe(5);
    // Asked after the cancellation: v2 carries on.
    expect(at(versions, "2025-07-15", "2025-06-10")).toBe(2);
    expect(at(versions, "2025-07-15", "2025-08-01")).toBe(2);
  });
});

describe("timeline", () => {
  it("gives each known version its effective period; a version shadowed by a same-date publication never applies", () => {
    const versions = [
      v(1, "2025-01-01", "2024-12-20"),
      v(2, "2025-03-01", "2025-02-10"),
      v(3, "2025-03-01", "2025-02-20"),
      v(4, "2025-06-01", "2025-04-01"),
      v(5, "2025-09-01", "2025-04-02", "2025-05-01"),
    ];
    const line = timeline(versions, d("2025-05-15")).map((e) => ({
      version: e.version.version,
      from: e.effectiveFrom.toISOString().slice(0, 10),
      to: e.effectiveTo?.toISOString().slice(0, 10) ?? null,
      shadowed: e.shadowed,
    }));
    expect(line).toEqual([
      { version: 1, from: "2025-01-01", to: "2025-03-01", shadowed: false },
      { version: 2, from: "2025-03-01", to: "2025-06-01", shadowed: true },
      { version: 3, from: "2025-03-01", to: "2025-06-01", shadowed: false },
      { version: 4, from: "2025-06-01", to: null, shadowed: false },
    ]);
  });
});
