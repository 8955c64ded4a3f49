// OCPI tariff pricer throughput: CDRs priced per second on one core. Each CDR has 3 charging periods (one of them
// crossing a tariff boundary, so it is split) and is priced against a 4-element tariff with time-of-day restrictions
// (one window across midnight). The CDRs start on 2,000 different days so that local-time conversion is exercised
// over many dates and DST states.
import { type ChargeSession, currency, Dec, Duration, Energy, Power, type Tariff } from "@voltrate/sdk";
import { priceSession } from "../../../runtime/src/pricing/index.ts";
import { type BenchSuite, opsPerSecond } from "../harness.ts";

const d = (s: string) => new Dec(s);

const tariff: Tariff = {
  id: "BENCH-TOU",
  currency: currency("EUR"),
  elements: [
    {
      components: [
        { dimension: "ENERGY", price: d("0.35"), vatPercent: d("21"), stepSize: 1 },
        { dimension: "TIME", price: d("1.00"), vatPercent: d("21"), stepSize: 60 },
      ],
      restrictions: {
        startTime: "07:00",
        endTime: "19:00",
        daysOfWeek: ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY"],
      },
    },
    {
      components: [
        { dimension: "ENERGY", price: d("0.28"), vatPercent: d("21"), stepSize: 1 },
        { dimension: "TIME", price: d("0.50"), vatPercent: d("21"), stepSize: 60 },
      ],
      restrictions: { startTime: "19:00", endTime: "23:00" },
    },
    {
      components: [{ dimension: "ENERGY", price: d("0.22"), vatPercent: d("21"), stepSize: 1 }],
      restrictions: { startTime: "23:00", endTime: "07:00", maxPower: Power.kw("50") },
    },
    {
      components: [
        { dimension: "FLAT", price: d("0.50"), vatPercent: d("21"), stepSize: 1 },
        { dimension: "ENERGY", price: d("0.30"), vatPercent: d("21"), stepSize: 1 },
        { dimension: "PARKING_TIME", price: d("2.00"), vatPercent: d("21"), stepSize: 300 },
      ],
    },
  ],
};

const DAY = 86_400_000;
const base = Date.parse("2019-01-07T16:30:00Z");
const sessions: ChargeSession[] = [];
for (let i = 0; i < 2000; i++) {
  const t0 = base + i * DAY + (i % 7) * 600_000;
  sessions.push({
    id: `cdr-${i}`,
    start: new Date(t0),
    end: new Date(t0 + 4.5 * 3_600_000),
    timeZone: "Europe/Amsterdam",
    chargingPeriods: [
      { start: new Date(t0), dimensions: { energy: Energy.kwh(`${20 + (i % 13)}.125`), maxPower: Power.kw("22") } },
      { start: new Date(t0 + 2 * 3_600_000), dimensions: { energy: Energy.kwh("6.5"), maxPower: Power.kw("11") } },
      { start: new Date(t0 + 3.25 * 3_600_000), dimensions: { parkingTime: Duration.hours("1.25") } },
    ],
  });
}

/**
 * CDRs per second of CPU time used by the whole process (all threads, GC helpers included): the throughput of one
 * core, unaffected by other processes competing for the machine's cores.
 */
function perCpuSecond(fn: () => void, seconds: number): number {
  for (let i = 0; i < 20_000; i++) fn();
  const cpu0 = process.cpuUsage();
  const until = performance.now() + seconds * 1000;
  let count = 0;
  while (performance.now() < until) {
    for (let i = 0; i < 100; i++) fn();
    count += 100;
  }
  const cpu = process.cpuUsage(cpu0);
  return count / ((cpu.user + cpu.system) / 1e6);
}

function run(trace: boolean): () => void {
  let i = 0;
  return () => {
    const session = sessions[i++ % sessions.length] as ChargeSession;
    priceSession(session, [tariff], { trace });
  };
}

const suite: BenchSuite = {
  name: "pricing",
  async run() {
    const note = "3-period CDR, 4-element time-of-day tariff, 1 core";
    const withTrace = await opsPerSecond(run(true), 3);
    const withoutTrace = await opsPerSecond(run(false), 3);
    const cpu = perCpuSecond(run(true), 3);
    return [
      { name: "price CDR (with trace), wall clock", value: withTrace, unit: "CDRs/s", target: ">= 50,000/s", note },
      { name: "price CDR (no trace), wall clock", value: withoutTrace, unit: "CDRs/s", target: ">= 50,000/s", note },
      {
        name: "price CDR (with trace), CPU time",
        value: cpu,
        unit: "CDRs/CPU-s",
        target: ">= 50,000/s",
        note: `${note}; per second of process CPU time`,
      },
    ];
  },
};
export default suite;
