// Backtest runs on the real runtime (createRuntime, embedded store, its scheduler) over real HTTP: a run started,
// followed with Server-Sent Events to its end, with the figures of the synchronous backtest worked out by hand; a run
// cancelled half-way; a run put back in the queue by a graceful stop; runs left "running" by a stopped process,
// handled at the next start.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Ruleset } from "@voltrate/sdk/rules";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../http/app.ts";
import { backtestRoutes } from "../http/routes/backtest.ts";
import { masterDataPort } from "../pipeline/index.ts";
import { cdr221, salesRuleset, seedWorld, WORLD } from "../pipeline/test-support.ts";
import type { Runtime } from "../runtime.ts";
import { createScheduler, type Scheduler } from "../scheduler/index.ts";
import { BACKTEST_RUNS_COLLECTION, type BacktestRunDoc, BacktestRuns, type BacktestRunView } from "./index.ts";
import { startTestRuntime, storedRun } from "./test-runtime.ts";

const EDITOR = { id: "test", name: "backtest run tests", via: "api" as const };

let dataDir: string;
let runtime: Runtime;
let url: string;
let editorKey: string;
let viewerKey: string;

const start = async () => {
  ({ runtime, url } = await startTestRuntime(dataDir));
};

const call = (pathname: string, init: { method?: string; json?: unknown; key?: string } = {}) =>
  fetch(`${url}${pathname}`, {
    method: init.method ?? (init.json === undefined ? "GET" : "POST"),
    headers: {
      Authorization: `Bearer ${init.key ?? editorKey}`,
      ...(init.json === undefined ? {} : { "Content-Type": "application/json" }),
    },
    ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
  });

/** Reads a Server-Sent Events stream to its end: the events in order, with their data parsed. */
async function readEvents(response: Response): Promise<{ event: string; id: string; data: BacktestRunView }[]> {
  const text = await response.text();
  return text
    .split("\n\n")
    .filter((block) => block.includes("data:"))
    .map((block) => {
      const field = (name: string) =>
        block
          .split("\n")
          .find((line) => line.startsWith(`${name}:`))
          ?.slice(name.length + 1)
          .trim() ?? "";
      return { event: field("event"), id: field("id"), data: JSON.parse(field("data")) as BacktestRunView };
    });
}

async function waitForRun(id: string, done: (run: BacktestRunView) => boolean, timeoutMs = 15_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const run = (await (await call(`/api/v1/backtests/${id}`)).json()) as BacktestRunView;
    if (done(run)) return run;
    if (Date.now() > until) throw new Error(`run ${id} is still ${run.status} (${JSON.stringify(run.progress)})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), "voltrate-backtest-runs-"));
  await start();
  editorKey = (await runtime.apiKeys.create("backtest editor", "editor")).key;
  viewerKey = (await runtime.apiKeys.create("backtest viewer", "viewer")).key;
  await seedWorld({ md: runtime.masterData, rules: runtime.rules });
  // Two AllBright sessions, 20 kWh and 10 kWh, billed with version 1 of the sales rule set (as in backtest.test.ts).
  for (const [id, begin, end, kwh] of [
    ["BTR-1", "2025-03-05T10:00:00Z", "2025-03-05T11:00:00Z", 20],
    ["BTR-2", "2025-03-06T10:00:00Z", "2025-03-06T11:00:00Z", 10],
  ] as const) {
    const payload = cdr221({ id, start: begin, end, kwh, totalCost: { excl_vat: 0.3 + 0.3 * kwh } });
    const result = await runtime.pipeline.process({
      format: "ocpi-2.2.1",
      payload,
      sourceParty: WORLD.abc,
      sessionId: id,
    });
    expect(result.revision.outcome).toBe("priced");
  }
  // A draft with the markup factor raised from 1.05 to 1.10.
  const draft = structuredClone(salesRuleset) as Ruleset & { rules: { id: string; outcome: unknown }[] };
  const rule = draft.rules.find((r) => r.id === "roaming-abc");
  if (!rule) throw new Error("no rule roaming-abc");
  rule.outcome = { type: "markup", factor: "1.10", fixed: "0.25" };
  await runtime.rules.saveDraft(WORLD.salesRuleset, { content: draft }, EDITOR);
}, 60_000);

afterAll(async () => {
  await runtime?.shutdown();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("backtest runs over HTTP", () => {
  const body = { draft: true, last: 10 };

  it("starts a run (202 + Location), streams its progress to the end, and keeps the synchronous figures", async () => {
    const started = await call(`/api/v1/rulesets/${WORLD.salesRuleset}/backtests`, { json: body });
    expect(started.status).toBe(202);
    const run = (await started.json()) as BacktestRunView;
    expect(run.id).toMatch(/^btr_[a-f0-9]{20}$/);
    expect(started.headers.get("Location")).toBe(`/api/v1/backtests/${run.id}`);
    expect(run.status).toBe("queued");
    expect(run.requestedBy).toBe("backtest editor");

    const stream = await call(`/api/v1/backtests/${run.id}/events`);
    expect(stream.status).toBe(200);
    expect(stream.headers.get("Content-Type")).toMatch(/^text\/event-stream/);
    const events = await readEvents(stream);
    // At least the state at connection, then the end; ids count up; the counts never go back.
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(events.slice(0, -1).every((e) => e.event === "progress" && e.data.result === undefined)).toBe(true);
    expect(events.map((e) => Number(e.id))).toEqual(events.map((_, i) => i + 1));
    const counts = events.map((e) => e.data.progress.done);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    const end = events.at(-1);
    expect(end?.event).toBe("end");
    expect(end?.data.status).toBe("done");
    expect(end?.data.progress).toEqual({ done: 2, total: 2, percent: 100 });

    // ×1.10 + 0.25 instead of ×1.05 + 0.25: 6.30 → 7.18 (billed 6.87, +0.31) and 3.30 → 3.88 (billed 3.72, +0.16).
    const result = end?.data.result;
    expect(result).toMatchObject({
      sessions: 2,
      billedTotal: "10.59",
      newTotal: "11.06",
      difference: "0.47",
      billedMargin: "0.99",
      newMargin: "1.46",
      failed: [],
    });
    expect(result?.changed.map((c) => c.difference)).toEqual(["0.31", "0.16"]);
    // The synchronous route answers the same for the same request.
    const sync = await call(`/api/v1/rulesets/${WORLD.salesRuleset}/backtest`, { json: body });
    expect(sync.status).toBe(200);
    expect(await sync.json()).toEqual(result);
    // The finished run can be read again, by a viewer too.
    const again = (await (await call(`/api/v1/backtests/${run.id}`, { key: viewerKey })).json()) as BacktestRunView;
    expect(again).toMatchObject({ status: "done", result });
    // A stream opened after the end answers `end` at once.
    const late = await readEvents(await call(`/api/v1/backtests/${run.id}/events`));
    expect(late.map((e) => [e.event, e.data.status])).toEqual([["end", "done"]]);
  });

  it("refuses what it cannot run, with problem JSON", async () => {
    const post = (json: unknown, id: string = WORLD.salesRuleset, key = editorKey) =>
      call(`/api/v1/rulesets/${id}/backtests`, { json, key });
    expect((await post(body, WORLD.salesRuleset, viewerKey)).status).toBe(403);
    expect((await post({ last: 10 })).status).toBe(400);
    const unknown = await post(body, "no-such-ruleset");
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get("Content-Type")).toMatch(/^application\/problem\+json/);
    expect((await post({ version: 99, last: 10 })).status).toBe(404);
    // A purchase rule set: backtests compare sales.
    expect((await post({ version: 1, last: 10 }, WORLD.purchaseRuleset)).status).toBe(400);
    expect((await call("/api/v1/backtests/btr_00000000000000000000")).status).toBe(404);
    expect((await call("/api/v1/backtests/btr_00000000000000000000/events")).status).toBe(404);
    expect((await call("/api/v1/backtests/not-a-run")).status).toBe(400);
    expect((await call("/api/v1/backtests/btr_00000000000000000000/cancel", { method: "POST" })).status).toBe(404);
  });
});

describe("cancelling a run", () => {
  let scheduler: Scheduler;
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  let paced: BacktestRuns;

  beforeAll(async () => {
    // A second worker on the same store (its own jobs collection) whose runs wait after their first session.
    scheduler = createScheduler({
      store: runtime.store,
      logger: pino({ level: "silent" }),
      collection: "test_backtest_jobs",
      processEvery: 100,
    });
    await scheduler.start();
    paced = new BacktestRuns({
      store: runtime.store,
      scheduler,
      progressEveryMs: 0,
      backtest: {
        rules: runtime.rules,
        records: runtime.pipeline.records,
        masterData: masterDataPort(runtime.masterData),
      },
      afterSession: async (_runId, done) => {
        if (done === 1) await held;
      },
    });
    await paced.init();
  });
  afterAll(async () => {
    release();
    await scheduler?.stop();
  });

  it("stops after the session in hand and keeps no result", async () => {
    const app = createApp({
      logger: pino({ level: "silent" }),
      routes: [
        backtestRoutes({
          rules: runtime.rules,
          records: runtime.pipeline.records,
          apiKeys: runtime.apiKeys,
          runs: paced,
        }),
      ],
    });
    const request = (pathname: string, method = "GET", json?: unknown) =>
      app.request(pathname, {
        method,
        headers: { Authorization: `Bearer ${editorKey}`, "Content-Type": "application/json" },
        ...(json === undefined ? {} : { body: JSON.stringify(json) }),
      });
    const started = await request(`/api/v1/rulesets/${WORLD.salesRuleset}/backtests`, "POST", {
      draft: true,
      last: 10,
    });
    expect(started.status).toBe(202);
    const { id } = (await started.json()) as BacktestRunView;
    const read = async () => (await (await request(`/api/v1/backtests/${id}`)).json()) as BacktestRunView;
    // Held after its first session: running, 1 of 2.
    const until = Date.now() + 10_000;
    let seen = await read();
    while (!(seen.status === "running" && seen.progress.done === 1) && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      seen = await read();
    }
    expect(seen.progress).toEqual({ done: 1, total: 2, percent: 50 });

    // The event stream opened now says so at once, and ends when the run does.
    const stream = await request(`/api/v1/backtests/${id}/events`);
    expect(stream.status).toBe(200);
    const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = "";
    while (!text.includes("\n\n")) {
      const chunk = await reader.read();
      if (chunk.done) break;
      text += decoder.decode(chunk.value, { stream: true });
    }
    const [first] = await readEvents(new Response(text));
    expect(first?.event).toBe("progress");
    expect(first?.data).toMatchObject({ status: "running", progress: { done: 1, total: 2, percent: 50 } });

    const cancelled = await request(`/api/v1/backtests/${id}/cancel`, "POST");
    expect(cancelled.status).toBe(200);
    expect(await cancelled.json()).toMatchObject({ status: "cancelled", cancelledBy: "backtest editor" });
    release();
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) break;
      text += decoder.decode(chunk.value, { stream: true });
    }
    const events = await readEvents(new Response(text));
    expect(events.map((e) => [e.event, e.data.status])).toEqual([
      ["progress", "running"],
      ["end", "cancelled"],
    ]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const after = await read();
    expect(after.status).toBe("cancelled");
    expect(after.result).toBeUndefined();
    expect(after.progress.done).toBe(1);
    expect((await request(`/api/v1/backtests/${id}/cancel`, "POST")).status).toBe(409);
  });
});

describe("a graceful stop during a run", () => {
  it("puts the run back in the queue, not counted as an interruption", async () => {
    const scheduler = createScheduler({
      store: runtime.store,
      logger: pino({ level: "silent" }),
      collection: "test_backtest_jobs_stop",
      processEvery: 100,
    });
    await scheduler.start();
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const runs = new BacktestRuns({
      store: runtime.store,
      scheduler,
      progressEveryMs: 0,
      backtest: { rules: runtime.rules, records: runtime.pipeline.records },
      afterSession: async (_runId, done) => {
        if (done === 1) await held;
      },
    });
    await runs.init();
    const { id } = await runs.start({
      rulesetId: WORLD.salesRuleset,
      target: { draft: true },
      scope: { last: 10 },
      requestedBy: "backtest editor",
    });
    const until = Date.now() + 10_000;
    while ((await runs.get(id))?.progress.done !== 1 && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect((await runs.get(id))?.status).toBe("running");
    const stopped = scheduler.stop({ timeoutMs: 5_000 });
    release();
    await stopped;
    const doc = await runs.runs.findOne({ _id: id });
    expect(doc).toMatchObject({ status: "queued", attempts: 0, lease: null, result: null });
    // Left for the runtime's own worker, as after a restart: it runs it to the end.
    await runtime.scheduler.now("backtest:run", { runId: id });
    const done = await waitForRun(id, (r) => r.status === "done");
    expect(done.result).toMatchObject({ sessions: 2, difference: "0.47" });
  }, 30_000);
});

describe("runs left running by a stopped runtime", () => {
  it("are started again from their first session, or given up after three interruptions", async () => {
    const longAgo = new Date(Date.now() - 3_600_000);
    const left = (id: string, attempts: number): BacktestRunDoc =>
      storedRun(id, longAgo, {
        rulesetId: WORLD.salesRuleset,
        status: "running",
        done: 1,
        total: 2,
        attempts,
        lease: "a lease of a process that is gone",
        leaseAt: longAgo,
        startedAt: longAgo,
      });
    const before = runtime.store.collection<BacktestRunDoc>(BACKTEST_RUNS_COLLECTION);
    await before.insertOne(left("btr_0000000000000000000a", 1));
    await before.insertOne(left("btr_0000000000000000000b", 3));
    await runtime.shutdown();

    await start();
    const resumed = await waitForRun("btr_0000000000000000000a", (r) => r.status === "done");
    expect(resumed.progress).toEqual({ done: 2, total: 2, percent: 100 });
    expect(resumed.result).toMatchObject({ sessions: 2, difference: "0.47" });
    const runs = runtime.store.collection<BacktestRunDoc>(BACKTEST_RUNS_COLLECTION);
    expect((await runs.findOne({ _id: "btr_0000000000000000000a" }))?.attempts).toBe(2);
    const givenUp = await waitForRun("btr_0000000000000000000b", (r) => r.status === "failed");
    expect(givenUp.failure).toMatch(/interrupted 3 times/);
    expect(givenUp.result).toBeUndefined();
  }, 30_000);
});

describe("an event stream open while the runtime shuts down", () => {
  it("ends with a closing event that tells the client when to reconnect, and does not hold the shutdown", async () => {
    const now = new Date();
    // A queued run nothing picks up (no job is queued for it), so its stream would otherwise stay open for good.
    await runtime.store
      .collection<BacktestRunDoc>(BACKTEST_RUNS_COLLECTION)
      .insertOne(storedRun("btr_0000000000000000000c", now, { rulesetId: WORLD.salesRuleset }));
    const stream = await call("/api/v1/backtests/btr_0000000000000000000c/events");
    expect(stream.status).toBe(200);
    const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = "";
    while (!text.includes("\n\n")) {
      const chunk = await reader.read();
      if (chunk.done) break;
      text += decoder.decode(chunk.value, { stream: true });
    }
    const stopping = performance.now();
    const shutdown = runtime.shutdown();
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) break;
      text += decoder.decode(chunk.value, { stream: true });
    }
    const streamEnded = performance.now() - stopping;
    await shutdown;
    // Well inside the shutdown timeout (10 s by default), which an open stream would otherwise run into, and the
    // keep-alive timeout (5 s) the connection would wait for once its stream ended.
    expect(streamEnded).toBeLessThan(1_000);
    expect(performance.now() - stopping).toBeLessThan(3_000);
    const events = await readEvents(new Response(text));
    expect(events.map((e) => [e.event, e.data.status])).toEqual([
      ["progress", "queued"],
      ["closing", "queued"],
    ]);
    expect(text).toMatch(/\nretry: 3000\n/);
    await start();
  }, 30_000);
});
