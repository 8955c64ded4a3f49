// Properties of the bitemporal repository under random sequences of changes, terminations, corrections and
// withdrawals (on the real embedded store):
// - what a lookup answered at some moment is answered again, unchanged, when asked later "as known" at that moment;
// - every version is in effect in at most one period, and the periods of the line never overlap;
// - version numbers are 1, 2, 3, … without gaps.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MasterDataError } from "./errors.ts";
import { administration } from "./fixtures.ts";
import { testActor as by, type MasterDataTestContext, openTestMasterData } from "./test-support.ts";

let ctx: MasterDataTestContext;
let run = 0;

beforeAll(async () => {
  ctx = await openTestMasterData();
  await ctx.md.administrations.create({ id: "adm", data: administration, validFrom: "2025-01-01T00:00:00Z" }, by);
});
afterAll(async () => {
  await ctx.close();
});

const MONTHS = Array.from({ length: 12 }, (_, i) => `2026-${String(i + 1).padStart(2, "0")}-01T00:00:00Z`);
const month = fc.constantFrom(...MONTHS);
const probes = MONTHS.map((m) => m.replace("-01T", "-15T"));

type Op =
  | { kind: "change"; at: string; field: "name" | "email"; value: number }
  | { kind: "terminate"; at: string }
  | { kind: "correct"; version: number; value?: number; at?: string }
  | { kind: "withdraw"; version: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("change" as const),
      at: month,
      field: fc.constantFrom("name" as const, "email" as const),
      value: fc.nat(9),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("terminate" as const), at: month }) },
  {
    weight: 2,
    arbitrary: fc.record(
      { kind: fc.constant("correct" as const), version: fc.integer({ min: 1, max: 5 }), value: fc.nat(9), at: month },
      { requiredKeys: ["kind", "version"] },
    ),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant("withdraw" as const), version: fc.integer({ min: 1, max: 5 }) }),
  },
);

async function apply(id: string, o: Op): Promise<void> {
  const customers = ctx.md.customers;
  try {
    switch (o.kind) {
      case "change": {
        const data = o.field === "name" ? { name: `Name ${o.value}` } : { email: `a${o.value}@example.nl` };
        await customers.change(id, { effectiveFrom: o.at, data }, by);
        return;
      }
      case "terminate":
        await customers.terminate(id, { effectiveFrom: o.at }, by);
        return;
      case "correct":
        await customers.correct(
          id,
          {
            version: o.version,
            ...(o.value !== undefined ? { data: { name: `Fixed ${o.value}` } } : {}),
            ...(o.at !== undefined ? { validFrom: o.at } : {}),
            reason: "property",
          },
          by,
        );
        return;
      case "withdraw":
        await customers.withdraw(id, { version: o.version, reason: "property" }, by);
        return;
    }
  } catch (error) {
    // Refusals (a change before the start, a version no longer in effect, …) are part of the game.
    if (!(error instanceof MasterDataError)) throw error;
  }
}

/** What the lookups answer now, at every probe instant: version and data, or null. */
async function snapshot(id: string, knownAt?: Date): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const validAt of probes) {
    const found = await ctx.md.customers.get(id, knownAt ? { validAt, knownAt } : validAt);
    out.push(found && { version: found.version, validFrom: found.validFrom, validTo: found.validTo, data: found.data });
  }
  return out;
}

describe("bitemporal properties", () => {
  it("answers as known at T never change; periods never overlap; versions have no gaps", async () => {
    await fc.assert(
      fc.asyncProperty(month, fc.array(op, { minLength: 1, maxLength: 10 }), async (start, ops) => {
        const id = `cus-p${++run}`;
        await ctx.md.customers.create(
          { id, data: { kind: "person", administrationId: "adm", name: "Start" }, validFrom: start },
          by,
        );
        const seen: { at: Date; answers: unknown[] }[] = [{ at: ctx.clock.now(), answers: await snapshot(id) }];
        for (const o of ops) {
          ctx.clock.advance(1000);
          await apply(id, o);
          seen.push({ at: ctx.clock.now(), answers: await snapshot(id) });
        }
        ctx.clock.advance(1000);

        for (const { at, answers } of seen) expect(await snapshot(id, at)).toEqual(answers);

        const history = await ctx.md.customers.history(id);
        expect(history.versions.map((v) => v.version)).toEqual(history.versions.map((_, i) => i + 1));
        const versions = history.timeline.map((s) => s.version);
        expect(new Set(versions).size).toBe(versions.length);
        for (let i = 1; i < history.timeline.length; i++) {
          expect(history.timeline[i]?.validFrom).toBe(history.timeline[i - 1]?.validTo);
        }
      }),
      { numRuns: 100 },
    );
  });
});
