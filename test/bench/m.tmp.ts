import { priceSession } from "../../runtime/src/pricing/index.ts";
import * as mod from "./suites/pricing.bench.ts";
const { sessions, tariff } = (mod as any).__fixtures;
function measure(trace: boolean) {
  let i = 0; const f = () => priceSession(sessions[i++ % sessions.length], [tariff], { trace });
  for (let k = 0; k < 20000; k++) f();
  const c0 = process.cpuUsage(); const N = 100000;
  for (let k = 0; k < N; k++) f();
  const c = process.cpuUsage(c0); return N / ((c.user + c.system) / 1e6);
}
for (let r = 0; r < 3; r++) console.log(`trace ${Math.round(measure(true))}/cpu-s  no-trace ${Math.round(measure(false))}/cpu-s`);
