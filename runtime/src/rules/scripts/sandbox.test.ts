import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CompiledScript, SCRIPT_ABI } from "./compile.ts";
import { createScriptSandbox, type ScriptSandbox } from "./sandbox.ts";
import { compiled, errorOf, NORMAL_SOURCE, session } from "./test-support.ts";

const HEADER = `import { defineScript } from "voltrate:script";\n`;

/** A script returning `notes` computed by `body` (an expression over `s` and `h`), to look at values. */
function notesScript(body: string): string {
  return `${HEADER}export default defineScript((s, h) => ({ lines: [], notes: ${body} }));\n`;
}

describe("script sandbox", () => {
  let sandbox: ScriptSandbox;

  beforeAll(() => {
    sandbox = createScriptSandbox();
  });
  afterAll(async () => {
    await sandbox.dispose();
  });

  async function notes(body: string, input = session()): Promise<readonly string[] | undefined> {
    const outcome = await sandbox.evaluate(await compiled(notesScript(body)), input);
    if (!outcome.ok) throw new Error(`${outcome.error.code}: ${outcome.error.message}`);
    return outcome.result.notes;
  }

  it("evaluates a script on a session: lines and logs", async () => {
    const script = await compiled(`${HEADER}export default defineScript<{ rate: string }>((s, h) => {
  const idle = h.seconds(s.idleSeconds ?? 0);
  h.log("idle", idle, "as hours", idle.hours, { fleet: s.properties.fleet });
  return { lines: [h.line({ code: "IDLE", description: "idle time", amount: idle.hours.times(s.params.rate).round(2), quantity: idle.minutes, unit: "min", vatPercent: 21 })] };
});`);
    const outcome = await sandbox.evaluate(script, session({ params: { rate: "0.80" } }));
    // 5400 s = 1.5 h; 1.5 × 0.80 = 1.20
    expect(outcome).toEqual({
      ok: true,
      result: {
        lines: [
          { code: "IDLE", description: "idle time", amount: "1.2", quantity: "90", unit: "min", vatPercent: "21" },
        ],
      },
      logs: ['idle 5400 s as hours 1.5 {"fleet":"acme"}'],
    });
  });

  it("decimals are exact and round as told", async () => {
    expect(
      await notes(`[
        h.dec("0.1").plus("0.2").toString(),
        h.dec(1).div(3).toFixed(4),
        h.dec("2.345").round(2).toFixed(2),
        h.dec("2.345").round(2, "HALF_EVEN").toFixed(2),
        h.dec("2.341").round(2, "UP").toFixed(2),
        h.dec("-2.349").round(2, "DOWN").toFixed(2),
        h.dec("1.5").toFixed(2),
        h.dec("12.5").min("3").toString() + " " + h.dec("12.5").max(20).toString(),
        String(h.dec("1.50").eq("1.5")) + String(h.dec(2).gt(1)) + String(h.dec(2).lte(1)),
        h.sum(["1.10", 2, h.dec("0.05")]).toString(),
        h.dec("1.2").ceil().toString() + h.dec("1.8").floor().toString(),
        h.dec("1e-7").toString(),
        JSON.stringify({ amount: h.dec("3.10") }),
      ]`),
    ).toEqual([
      "0.3",
      "0.3333",
      "2.35",
      "2.34",
      "2.35",
      "-2.34",
      "1.50",
      "3 20",
      "truetruefalse",
      "3.15",
      "21",
      "0.0000001",
      '{"amount":"3.1"}',
    ]);
  });

  it("units convert and combine like with like", async () => {
    expect(
      await notes(`[
        h.hours("1.5").minutes.toString(),
        h.minutes(90).plus(h.seconds(30)).seconds.toString(),
        h.hours(2).minus(h.minutes(30)).hours.toString(),
        h.kwh("22.5").wh.toString(),
        h.wh(500).plus(h.kwh(1)).kwh.toString(),
        h.hours(1).max(h.minutes(90)).toString(),
        String(h.minutes(60).eq(h.hours(1))),
        JSON.stringify([h.hours(1), h.kwh(2)]),
      ]`),
    ).toEqual(["90", "5430", "1.5", "22500", "1.5", "5400 s", "true", '[{"seconds":"3600"},{"kwh":"2"}]']);
  });

  it("a Dec placed in a result serializes as a decimal string", async () => {
    const script = await compiled(
      `${HEADER}export default defineScript((s, h) => ({ lines: [{ code: "A", description: "a", amount: h.dec("1.25") as unknown as string }] }));`,
    );
    expect(await sandbox.evaluate(script, session())).toMatchObject({
      ok: true,
      result: { lines: [{ amount: "1.25" }] },
    });
  });

  it("helpers reject what is not a decimal, and division by zero", async () => {
    const bad = await compiled(
      `${HEADER}export default defineScript((s, h) => ({ lines: [h.line({ code: "A", description: "a", amount: h.dec(s.properties.fleet as string) })] }));`,
    );
    expect(errorOf(await sandbox.evaluate(bad, session()))).toEqual({
      code: "SCRIPT_THREW",
      message: 'RangeError: not a decimal number: "acme"',
    });
    const zero = await compiled(notesScript(`[h.dec(1).div(0).toString()]`));
    expect(errorOf(await sandbox.evaluate(zero, session()))).toEqual({
      code: "SCRIPT_THREW",
      message: "RangeError: division by zero",
    });
    const nan = await compiled(notesScript(`[h.dec(Number.NaN).toString()]`));
    expect(errorOf(await sandbox.evaluate(nan, session())).message).toBe("RangeError: not a finite number: NaN");
    const overflow = await compiled(notesScript(`[h.dec("1e99").times("1e10").toString()]`));
    expect(errorOf(await sandbox.evaluate(overflow, session())).message).toContain("decimal overflow");
  });

  it("helper instances cannot be forged", async () => {
    const script = await compiled(
      notesScript(
        `[(() => { const C = (h.dec(1) as any).constructor; try { new C(5); return "made"; } catch (e) { return String(e); } })()]`,
      ),
    );
    expect(await sandbox.evaluate(script, session())).toMatchObject({
      ok: true,
      result: { notes: ["TypeError: Dec cannot be constructed directly; use the helpers (dec, hours, kwh, …)"] },
    });
    const fake = await compiled(notesScript(`[h.dec({ toString: () => "5" } as any).toString()]`));
    expect(errorOf(await sandbox.evaluate(fake, session())).message).toBe(
      "TypeError: expected a decimal (a Dec, a decimal string or a number), got an object",
    );
  });

  it("scripts are pure: module state does not outlive an evaluation", async () => {
    const script = await compiled(`${HEADER}let calls = 0;
export default defineScript(() => { calls++; return { lines: [], notes: [String(calls)] }; });`);
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => sandbox.evaluate(script, session())));
    for (const outcome of outcomes) expect(outcome).toMatchObject({ ok: true, result: { notes: ["1"] } });
  });

  it("scripts are deterministic: no clock, no randomness; dates from values work", async () => {
    const cases: [string, string][] = [
      [
        "String(Date.now())",
        "TypeError: Date.now() is not available in scripts: a script is a pure function of the session",
      ],
      ["new Date().toISOString()", "TypeError: new Date() without arguments (the current time) is not available"],
      ["String(Date())", "TypeError: Date() (the current time) is not available"],
      ["String(Math.random())", "TypeError: Math.random() is not available"],
      ["new Intl.DateTimeFormat('en').format()", "TypeError: Intl.DateTimeFormat#format() without a date"],
      ["String(new (new Date(0).constructor as any)())", "TypeError: new Date() without arguments"],
    ];
    for (const [expression, message] of cases) {
      const outcome = await sandbox.evaluate(await compiled(notesScript(`[${expression}]`)), session());
      expect(errorOf(outcome).code, expression).toBe("SCRIPT_THREW");
      expect(errorOf(outcome).message, expression).toContain(message);
    }
    expect(
      await notes(`[
        new Date(s.start).toISOString(),
        String(new Date(s.end).getTime() - new Date(s.start).getTime()),
        new Intl.DateTimeFormat("en-GB", { timeZone: s.timeZone, hour: "2-digit", minute: "2-digit" }).format(new Date(s.start)),
        String(Date.UTC(2025, 0, 1)),
      ]`),
    ).toEqual(["2025-03-01T08:00:00.000Z", "7200000", "09:00", "1735689600000"]);
  });

  it("built-ins and globals are frozen: nothing is left behind for the next evaluation", async () => {
    for (const attempt of [
      "(Array.prototype as any).push = () => 0",
      "(globalThis as any).leak = 1",
      "(Object.prototype as any).polluted = true",
      "(JSON as any).stringify = () => '{}'",
      "(h as any).dec = () => 0",
      "(Object.getPrototypeOf([][Symbol.iterator]()) as any).next = () => ({ done: true })",
      "(Object.getPrototypeOf(h.dec(1)) as any).plus = () => 0",
      "(Object.getPrototypeOf(h.hours(1)) as any).stash = {}",
      "(h.line({ code: 'A', description: 'a', amount: 1 }).constructor as any).extra = 1",
    ]) {
      const outcome = await sandbox.evaluate(await compiled(notesScript(`[String(${attempt})]`)), session());
      expect(errorOf(outcome).code, attempt).toBe("SCRIPT_THREW");
      expect(errorOf(outcome).message, attempt).toMatch(
        /^TypeError: (Cannot (assign|add)|.*read[- ]only|.*not extensible)/,
      );
    }
    expect(
      await notes(`[String(({} as any).polluted), String((globalThis as any).leak), String([1, 2].length)]`),
    ).toEqual(["undefined", "undefined", "2"]);
  });

  it("keeps what the script logged when it fails, and bounds the log", async () => {
    const script = await compiled(`${HEADER}export default defineScript((s, h) => {
  for (let i = 0; i < 60; i++) h.log("step", i, "x".repeat(i === 0 ? 1000 : 1));
  throw new Error("gave up");
});`);
    const outcome = await sandbox.evaluate(script, session());
    expect(errorOf(outcome)).toEqual({ code: "SCRIPT_THREW", message: "Error: gave up" });
    expect(outcome.logs).toHaveLength(51);
    expect(outcome.logs[0]).toHaveLength(500);
    expect(outcome.logs[1]).toBe("step 1 x");
    expect(outcome.logs[50]).toBe("… 10 more log entries dropped");
  });

  it("refuses a script compiled for another ABI", async () => {
    const script = await compiled(NORMAL_SOURCE);
    const stale: CompiledScript = { ...script, abi: "0.9.0+0000000000000000.cjs1" };
    expect(errorOf(await sandbox.evaluate(stale, session()))).toEqual({
      code: "SCRIPT_LOAD_FAILED",
      message: `the script was compiled for script ABI 0.9.0+0000000000000000.cjs1; this runtime runs ${SCRIPT_ABI}: compile it again`,
    });
  });

  it("refuses input that cannot be serialized or is too large", async () => {
    const script = await compiled(NORMAL_SOURCE);
    const withBigint = session({ properties: { big: 1n as unknown as number } });
    expect(errorOf(await sandbox.evaluate(script, withBigint)).code).toBe("SCRIPT_INPUT_INVALID");
    const huge = session({ properties: { blob: "x".repeat(300_000) } });
    expect(errorOf(await sandbox.evaluate(script, huge))).toEqual({
      code: "SCRIPT_INPUT_INVALID",
      message: expect.stringMatching(/^the serialized session has \d+ characters; at most 262144$/),
    });
  });

  it("serves many concurrent evaluations of several scripts, each with its own answer", async () => {
    const scripts = await Promise.all(
      ["1", "2", "3"].map((factor) =>
        compiled(
          `${HEADER}export default defineScript((s, h) => ({ lines: [h.line({ code: "F${factor}", description: "f", amount: h.dec(s.energyKwh).times(${factor}) })] }));`,
        ),
      ),
    );
    const jobs = Array.from({ length: 300 }, (_, i) => ({ script: i % 3, kwh: String(i) }));
    const outcomes = await Promise.all(
      jobs.map((job) => sandbox.evaluate(scripts[job.script] as CompiledScript, session({ energyKwh: job.kwh }))),
    );
    outcomes.forEach((outcome, i) => {
      const job = jobs[i] as (typeof jobs)[number];
      expect(outcome).toEqual({
        ok: true,
        result: {
          lines: [{ code: `F${job.script + 1}`, description: "f", amount: String(Number(job.kwh) * (job.script + 1)) }],
        },
        logs: [],
      });
    });
  });

  it("unloads least recently used scripts and loads them again when needed", async () => {
    const small = createScriptSandbox({ poolSize: 1, maxScriptsPerIsolate: 2 });
    try {
      const scripts = await Promise.all([1, 2, 3, 4].map((n) => compiled(notesScript(`["script ${n}"]`))));
      for (let round = 0; round < 3; round++) {
        for (const [i, script] of scripts.entries()) {
          expect(await small.evaluate(script, session())).toMatchObject({
            ok: true,
            result: { notes: [`script ${i + 1}`] },
          });
        }
      }
    } finally {
      await small.dispose();
    }
  });

  it("rejects evaluations after dispose, and validates its options", async () => {
    const short = createScriptSandbox({ poolSize: 1 });
    await short.dispose();
    await expect(short.evaluate(await compiled(NORMAL_SOURCE), session())).rejects.toThrow("disposed");
    expect(() => createScriptSandbox({ poolSize: 0 })).toThrow("poolSize must be an integer ≥ 1, got 0");
    expect(() => createScriptSandbox({ memoryLimitMb: 4 })).toThrow("memoryLimitMb must be an integer ≥ 8, got 4");
    expect(() => createScriptSandbox({ limits: { maxAbsAmount: "-1" } })).toThrow("maxAbsAmount");
  });

  it("reports its state", async () => {
    const stats = sandbox.stats();
    expect(stats).toMatchObject({ isolates: 2, inFlight: 0, queued: 0 });
    expect(stats.evaluations).toBeGreaterThan(300);
  });
});
