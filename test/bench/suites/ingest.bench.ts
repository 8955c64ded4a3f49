// Ingestion end to end on the embedded store: POST /api/v1/sessions (an OCPI 2.2.1 CDR) → all six stages → the
// priced revision and the session durably written (journal fsync) → the response. Real components: the plugin host
// with the VAT and FX plugins, master data and published rule versions, API-key authentication.
//
// Measured in-process through the Hono app (`app.request`: routing, auth, JSON, problem handling — no sockets):
// 1. sustained throughput, closed loop with 64 requests in flight;
// 2. latency at an offered 1,000 sessions/s (the target) and at 250/s, open loop: each request is sent at its
//    scheduled time and its latency counted from that time (a saturated server is not hidden by a client that waits).
// 3. sessions per second of process CPU time, which other load on the machine does not change;
// 4. sustained throughput when the sessions come in batches (a JSON array of 50 CDRs per request, 4 requests in
//    flight), as a hub or a bulk import sends them.
import {
  ACTOR,
  cdr221,
  type PipelineHarness,
  seedWorld,
  startPipelineHarness,
  WORLD,
} from "../../../runtime/src/pipeline/test-support.ts";
import { type BenchRow, type BenchSuite, quantile } from "../harness.ts";

const TOKENS = 200;
const EVSES = ["EVSE-1", "EVSE-2"];

interface Session {
  body: string;
}

/** Distinct sessions: token × EVSE × start, so that none is a fingerprint duplicate of another. */
function makeSessions(prefix: string, count: number, offset: number): Session[] {
  const out: Session[] = [];
  const base = Date.parse("2025-03-03T00:00:00Z");
  for (let i = 0; i < count; i++) {
    const k = offset + i;
    const token = `B${String(k % TOKENS).padStart(7, "0")}`;
    const evse = EVSES[Math.floor(k / TOKENS) % EVSES.length]!;
    const slot = Math.floor(k / (TOKENS * EVSES.length));
    const start = new Date(base + slot * 120_000);
    const end = new Date(start.getTime() + 3_600_000);
    const kwh = 10 + (k % 10);
    out.push({
      body: JSON.stringify(
        cdr221({
          id: `${prefix}-${k}`,
          start: start.toISOString(),
          end: end.toISOString(),
          tokenUid: token,
          evseUid: evse,
          kwh,
          totalCost: { excl_vat: Number((0.3 + kwh * 0.3).toFixed(2)) },
        }),
      ),
    });
  }
  return out;
}

async function setUp(): Promise<{ h: PipelineHarness; key: string }> {
  const h = await startPipelineHarness();
  await seedWorld(h);
  for (let t = 0; t < TOKENS; t++) {
    await h.md.tokens.create(
      {
        data: { uid: `B${String(t).padStart(7, "0")}`, type: "RFID", contractId: WORLD.contract },
        validFrom: "2025-01-01T00:00:00Z",
      },
      ACTOR,
    );
  }
  const key = await h.host.keyFor("editor");
  return { h, key };
}

/** The headers of a JSON POST as an HTTP client sends them: with the body's length. */
function postHeaders(key: string, body: string): Record<string, string> {
  return {
    Authorization: `Bearer ${key}`,
    "Content-Type": "application/json",
    "Content-Length": String(Buffer.byteLength(body)),
  };
}

async function send(h: PipelineHarness, key: string, s: Session): Promise<number> {
  const res = await h.app.request("/api/v1/sessions", {
    method: "POST",
    headers: postHeaders(key, s.body),
    body: s.body,
  });
  await res.arrayBuffer();
  return res.status;
}

async function batchThroughput(
  h: PipelineHarness,
  key: string,
  sessions: Session[],
  batchSize: number,
  inFlight: number,
): Promise<{ rate: number; failed: number }> {
  const batches: string[] = [];
  for (let i = 0; i < sessions.length; i += batchSize)
    batches.push(
      `[${sessions
        .slice(i, i + batchSize)
        .map((s) => s.body)
        .join(",")}]`,
    );
  let next = 0;
  let failed = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      for (let i = next++; i < batches.length; i = next++) {
        const body = batches[i] as string;
        const res = await h.app.request("/api/v1/sessions", { method: "POST", headers: postHeaders(key, body), body });
        const answer = (await res.json()) as { counts?: { created: number } };
        failed += Math.min(batchSize, sessions.length - i * batchSize) - (answer.counts?.created ?? 0);
      }
    }),
  );
  return { rate: sessions.length / ((performance.now() - started) / 1000), failed };
}

async function throughput(
  h: PipelineHarness,
  key: string,
  sessions: Session[],
  inFlight: number,
): Promise<{ rate: number; perCpuSecond: number; failed: number }> {
  let next = 0;
  let failed = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      for (let i = next++; i < sessions.length; i = next++) if ((await send(h, key, sessions[i]!)) !== 201) failed++;
    }),
  );
  const used = process.cpuUsage(cpu);
  return {
    rate: sessions.length / ((performance.now() - started) / 1000),
    perCpuSecond: sessions.length / ((used.user + used.system) / 1e6),
    failed,
  };
}

async function openLoop(
  h: PipelineHarness,
  key: string,
  sessions: Session[],
  perSecond: number,
): Promise<{ latencies: number[]; achieved: number; failed: number }> {
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  let failed = 0;
  const started = performance.now();
  const interval = 1000 / perSecond;
  let sent = 0;
  while (sent < sessions.length) {
    const due = Math.min(sessions.length, Math.floor((performance.now() - started) / interval) + 1);
    for (; sent < due; sent++) {
      const scheduled = started + sent * interval;
      const s = sessions[sent]!;
      pending.push(
        send(h, key, s).then((status) => {
          if (status !== 201) failed++;
          latencies.push(performance.now() - scheduled);
        }),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await Promise.all(pending);
  return { latencies, achieved: sessions.length / ((performance.now() - started) / 1000), failed };
}

const suite: BenchSuite = {
  name: "ingest",
  async run(): Promise<BenchRow[]> {
    const rows: BenchRow[] = [];
    const { h, key } = await setUp();
    try {
      // Warm-up: compile rulesets, fill caches, let the JIT settle.
      await throughput(h, key, makeSessions("warm", 1_000, 0), 32);

      const sustainedCount = 12_000;
      const sustained = await throughput(h, key, makeSessions("tp", sustainedCount, 1_000), 64);
      rows.push({
        name: "ingest: OCPI CDR → priced → durable, sustained",
        value: sustained.rate,
        unit: "sessions/s",
        target: ">= 2,000/s",
        note: `${sustainedCount.toLocaleString("en-US")} sessions, 64 in flight, in-process app.request${sustained.failed ? `, ${sustained.failed} not 201` : ""}`,
      });
      rows.push({
        name: "ingest: per second of process CPU time",
        value: sustained.perCpuSecond,
        unit: "sessions/CPU-s",
        note: "user + system time of this process (includes the fsync'ing journal writer, the client side of app.request, GC); unaffected by other load on the machine",
      });

      let offset = 1_000 + sustainedCount;
      for (const offered of [1_000, 250]) {
        const seconds = 10;
        const open = await openLoop(h, key, makeSessions(`lat${offered}`, offered * seconds, offset), offered);
        offset += offered * seconds;
        rows.push({
          name: `ingest at ${offered.toLocaleString("en-US")}/s offered: p99 latency`,
          value: quantile(open.latencies, 0.99),
          unit: "ms (p99)",
          ...(offered === 1_000 ? { target: "< 25 ms" } : {}),
          note:
            `p50 ${quantile(open.latencies, 0.5).toFixed(2)} ms, max ${Math.max(...open.latencies).toFixed(1)} ms, ` +
            `${open.latencies.length.toLocaleString("en-US")} sessions over ${seconds} s (achieved ${Math.round(open.achieved)}/s)` +
            `${open.failed ? `, ${open.failed} not 201` : ""}`,
        });
      }
      const batchedCount = 10_000;
      const batched = await batchThroughput(h, key, makeSessions("batch", batchedCount, offset), 50, 4);
      rows.push({
        name: "ingest: batches of 50 CDRs, sustained",
        value: batched.rate,
        unit: "sessions/s",
        note: `${batchedCount.toLocaleString("en-US")} sessions in 200 requests, 4 in flight${batched.failed ? `, ${batched.failed} not created` : ""}`,
      });
    } finally {
      await h.close();
    }
    return rows;
  },
};
export default suite;
