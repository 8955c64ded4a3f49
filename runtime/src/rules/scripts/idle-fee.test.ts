// The shipped example rulesets/examples/idle-fee.ts: €1/h after a free first hour, per started minute, rounded to
// cents at the end, at most €8. Every expected amount is worked out by hand next to its case.
import { readFileSync } from "node:fs";
import type { ScriptSession } from "@voltrate/sdk/script";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CompiledScript } from "./compile.ts";
import { createScriptSandbox, type ScriptSandbox } from "./sandbox.ts";
import { compiled, session } from "./test-support.ts";

const SOURCE = readFileSync(new URL("../../../../rulesets/examples/idle-fee.ts", import.meta.url), "utf8");

describe("example: idle fee", () => {
  let sandbox: ScriptSandbox;
  let script: CompiledScript;

  beforeAll(async () => {
    sandbox = createScriptSandbox({ poolSize: 1 });
    script = await compiled(SOURCE);
  });
  afterAll(async () => {
    await sandbox.dispose();
  });

  /** The fee charged for `idleSeconds` of idle time: the line's amount, or "0.00" when there is no line. */
  async function fee(idleSeconds: number | undefined, overrides: Partial<ScriptSession> = {}): Promise<string> {
    const outcome = await sandbox.evaluate(script, session({ idleSeconds, parkingSeconds: undefined, ...overrides }));
    if (!outcome.ok) throw new Error(`${outcome.error.code}: ${outcome.error.message}`);
    expect(outcome.result.lines.length).toBeLessThanOrEqual(1);
    return outcome.result.lines[0]?.amount ?? "0.00";
  }

  it.each([
    // [idle time, seconds, fee] — billable = idle − 60 min, per started minute at €1/60, rounded to cents, max €8
    ["none", 0, "0.00"], // within the free hour
    ["45 min", 45 * 60, "0.00"], // within the free hour
    ["exactly 1 h", 3600, "0.00"], // 0 billable minutes
    ["1 h 0 min 0.5 s", 3600.5, "0.02"], // 0.5 s billable → 1 started minute → 1/60 = 0.01666… → 0.02
    ["1 h 0 min 1 s", 3601, "0.02"], // 1 s billable → 1 started minute → 0.02
    ["1 h 1 min", 3660, "0.02"], // 1 minute → 0.01666… → 0.02
    ["1 h 20 min", 4800, "0.33"], // 20 minutes → 20/60 = 0.333… → 0.33
    ["1 h 59 min 30 s", 7170, "1.00"], // 59 min 30 s → 60 started minutes → 1.00
    ["2 h 30 min", 9000, "1.50"], // 90 minutes → 90/60 = 1.50
    ["9 h", 9 * 3600, "8.00"], // 480 minutes → 8.00, exactly the cap
    ["9 h 1 min", 9 * 3600 + 60, "8.00"], // 481 minutes → 8.0166… → 8.02 → capped at 8.00
    ["12 h", 12 * 3600, "8.00"], // 660 minutes → 11.00 → capped at 8.00
  ])("%s idle (%s s) → €%s", async (_label, seconds, expected) => {
    expect(await fee(seconds)).toBe(expected as string);
  });

  it("charges one explained line: started minutes, rate, and whether the cap applied", async () => {
    const outcome = await sandbox.evaluate(script, session({ idleSeconds: 9000 }));
    expect(outcome).toEqual({
      ok: true,
      result: {
        lines: [
          {
            code: "IDLE_FEE",
            description: "Idle fee: 90 min after 60 free min at 1.00 EUR/h",
            amount: "1.50",
            quantity: "90",
            unit: "min",
          },
        ],
      },
      logs: ["idle 9000 s billable 5400 s started minutes 90 fee 1.5 charged 1.5"],
    });
    const capped = await sandbox.evaluate(script, session({ idleSeconds: 12 * 3600 }));
    expect(capped).toMatchObject({
      ok: true,
      result: {
        lines: [
          {
            description: "Idle fee: 660 min after 60 free min at 1.00 EUR/h (capped at 8.00)",
            amount: "8.00",
            quantity: "660",
          },
        ],
      },
    });
  });

  it("says why there is no fee", async () => {
    const outcome = await sandbox.evaluate(script, session({ idleSeconds: 2700 }));
    expect(outcome).toEqual({
      ok: true,
      result: { lines: [], notes: ["idle 45.0 min: within the 60 free minutes"] },
      logs: [],
    });
  });

  it("falls back to parking time when the source has no idle time", async () => {
    expect(await fee(undefined, { parkingSeconds: 9000 })).toBe("1.50"); // 90 minutes → 1.50
    expect(await fee(undefined)).toBe("0.00"); // neither: nothing known, nothing charged
  });

  it("takes its rate, free time and cap from the rule's parameters", async () => {
    const params = { ratePerHour: "2.40", freeMinutes: 30, maxFee: "5" };
    expect(await fee(7200, { params })).toBe("3.60"); // 120 − 30 = 90 minutes × 2.40/60 = 3.60
    expect(await fee(4 * 3600, { params })).toBe("5.00"); // 210 minutes × 0.04 = 8.40 → capped at 5.00
  });
});
