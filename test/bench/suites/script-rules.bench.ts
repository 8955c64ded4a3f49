// Script rule evaluations on the isolate pool: the shipped idle-fee example on sessions with varying idle times.
// "per CPU-second" divides by the CPU time of the whole process (main thread and isolate threads), i.e. what one
// core sustains; the other rows are wall-clock rates.
import { readFileSync } from "node:fs";
import path from "node:path";
import { compileScript, createScriptSandbox, type ScriptSession } from "../../../runtime/src/rules/scripts/index.ts";
import type { BenchRow, BenchSuite } from "../harness.ts";

const root = path.resolve(import.meta.dirname, "../../..");
const SECONDS = 3;

function sessionWithIdle(idleSeconds: number): ScriptSession {
  return {
    id: `S-${idleSeconds}`,
    start: "2025-03-01T08:00:00Z",
    end: "2025-03-01T20:00:00Z",
    durationSeconds: 43_200,
    energyKwh: "22.5",
    idleSeconds,
    currency: "EUR",
    country: "NL",
    cpo: { countryCode: "NL", partyId: "ABC" },
    evse: { powerType: "AC", maxPowerKw: "11" },
    token: { type: "RFID", contractId: "NL-XYZ-C12345678-9" },
    properties: {},
    params: {},
  };
}

interface Measured {
  perSecond: number;
  perCpuSecond: number;
  cores: number;
  count: number;
}

/** Keeps `concurrency` evaluations in flight for `seconds`; counts the finished ones and the CPU they took. */
async function measure(
  evaluate: (i: number) => Promise<unknown>,
  concurrency: number,
  seconds: number,
): Promise<Measured> {
  const warmUntil = performance.now() + 500;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      for (let i = w; performance.now() < warmUntil; i += concurrency) await evaluate(i);
    }),
  );
  let count = 0;
  const started = performance.now();
  const end = started + seconds * 1000;
  const cpuBefore = process.cpuUsage();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      for (let i = w; performance.now() < end; i += concurrency) {
        await evaluate(i);
        count++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return { perSecond: count / elapsed, perCpuSecond: count / cpuSeconds, cores: cpuSeconds / elapsed, count };
}

const suite: BenchSuite = {
  name: "script-rules",
  async run() {
    const source = readFileSync(path.join(root, "rulesets/examples/idle-fee.ts"), "utf8");
    const compiled = await compileScript(source);
    if (!compiled.ok) throw new Error(`the idle-fee example does not compile: ${JSON.stringify(compiled.diagnostics)}`);
    // 0 to 12 h of idle time: no fee, prorated fees and capped fees.
    const sessions = Array.from({ length: 97 }, (_, i) => sessionWithIdle(i * 450));
    const rows: BenchRow[] = [];

    const sandbox = createScriptSandbox();
    try {
      const evaluate = async (i: number) => {
        const outcome = await sandbox.evaluate(compiled.compiled, sessions[i % sessions.length] as ScriptSession);
        if (!outcome.ok) throw new Error(`${outcome.error.code}: ${outcome.error.message}`);
      };
      const loaded = await measure(evaluate, 256, SECONDS);
      rows.push({
        name: "script rules: idle-fee evaluations, 256 in flight",
        value: loaded.perCpuSecond,
        unit: "evals per CPU-second",
        target: ">= 20,000 on one core",
        note: `${Math.round(loaded.perSecond).toLocaleString("en-US")}/s wall on ${loaded.cores.toFixed(2)} cores; pool of 2 isolates, 50 ms limit`,
      });
      rows.push({
        name: "script rules: idle-fee evaluations, 256 in flight",
        value: loaded.perSecond,
        unit: "evals/s (wall)",
        note: `${loaded.count.toLocaleString("en-US")} evaluations in ${SECONDS} s`,
      });
      const sequential = await measure(evaluate, 1, SECONDS);
      rows.push({
        name: "script rules: idle-fee evaluations, one at a time",
        value: sequential.perSecond,
        unit: "evals/s (wall)",
        note: `latency-bound: each evaluation hands over to an isolate thread and back; ${sequential.cores.toFixed(2)} cores`,
      });
    } finally {
      await sandbox.dispose();
    }
    return rows;
  },
};
export default suite;
