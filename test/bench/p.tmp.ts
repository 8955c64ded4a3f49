import { priceSession } from "../../runtime/src/pricing/index.ts";
import * as mod from "./suites/pricing.bench.ts";
const { sessions, tariff } = (mod as any).__fixtures;
let i = 0; const trace = process.argv[2] === "1";
for (let k = 0; k < 300000; k++) priceSession(sessions[i++ % sessions.length], [tariff], { trace });
