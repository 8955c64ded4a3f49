// Shared by the script tests: a session to evaluate, compiling that must succeed, and the normal script that every
// hostile-script test evaluates right after, to prove the sandbox keeps serving.
import type { ScriptSession } from "@voltrate/sdk/script";
import { expect } from "vitest";
import { type CompiledScript, compileScript } from "./compile.ts";
import type { ScriptSandbox } from "./sandbox.ts";
import type { ScriptOutcome } from "./types.ts";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** A two-hour AC session with 90 minutes idle; `overrides` replace top-level fields. */
export function session(overrides: Partial<Mutable<ScriptSession>> = {}): ScriptSession {
  return {
    id: "SESSION-1",
    start: "2025-03-01T08:00:00Z",
    end: "2025-03-01T10:00:00Z",
    durationSeconds: 7200,
    energyKwh: "22.5",
    chargingSeconds: 1800,
    parkingSeconds: 5400,
    idleSeconds: 5400,
    currency: "EUR",
    country: "NL",
    timeZone: "Europe/Amsterdam",
    cpo: { countryCode: "NL", partyId: "ABC" },
    evse: { powerType: "AC", maxPowerKw: "11" },
    token: { type: "RFID", contractId: "NL-XYZ-C12345678-9" },
    properties: { fleet: "acme" },
    params: {},
    ...overrides,
  };
}

/** Compiles `source`, failing the test with the diagnostics when it does not compile. */
export async function compiled(source: string): Promise<CompiledScript> {
  const result = await compileScript(source);
  if (!result.ok) throw new Error(`expected the script to compile:\n${JSON.stringify(result.diagnostics, null, 2)}`);
  return result.compiled;
}

/** A script with a known answer: 2.5 × the energy in kWh, as one line. */
export const NORMAL_SOURCE = `import { defineScript } from "voltrate:script";
export default defineScript((s, h) => ({
  lines: [h.line({ code: "ENERGY", description: "energy", amount: h.dec(s.energyKwh).times("2.5").round(2) })],
}));
`;

/** Evaluates the normal script and checks its answer (22.5 kWh × 2.5 = 56.25). */
export async function expectStillServing(sandbox: ScriptSandbox): Promise<void> {
  const outcome = await sandbox.evaluate(await compiled(NORMAL_SOURCE), session());
  expect(outcome).toEqual({
    ok: true,
    result: { lines: [{ code: "ENERGY", description: "energy", amount: "56.25" }] },
    logs: [],
  });
}

/** The error of a failed outcome (fails the test when it succeeded). */
export function errorOf(outcome: ScriptOutcome): { code: string; message: string; issues?: readonly string[] } {
  if (outcome.ok) throw new Error(`expected the evaluation to fail, got ${JSON.stringify(outcome.result)}`);
  return outcome.error;
}
