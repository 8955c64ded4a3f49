// The list of backtest runs over real HTTP (createRuntime, embedded store): six runs stored as a runner leaves them,
// one minute apart, then listed most recent first, filtered by rule set and status, paged, and summarised.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Runtime } from "../runtime.ts";
import type { BacktestResult } from "./backtest.ts";
import { BACKTEST_RUNS_COLLECTION, type BacktestRunDoc, type BacktestRunListItem } from "./index.ts";
import { startTestRuntime, storedRun } from "./test-runtime.ts";

let dataDir: string;
let runtime: Runtime;
let url: string;
let viewerKey: string;

const BASE = Date.parse("2026-01-01T00:00:00Z");
const at = (minutes: number) => new Date(BASE + minutes * 60_000);

/** A done run's result: 3 sessions re-priced, 2 of them differently, 1 that could not be. */
const RESULT: BacktestResult = {
  rulesetId: "sales-a",
  target: { kind: "draft", revision: 2 },
  currency: "EUR",
  sessions: 3,
  billedTotal: "10.00",
  newTotal: "10.50",
  difference: "0.50",
  billedMargin: "1.00",
  newMargin: "1.50",
  histogram: [{ from: "0.00", to: "0.40", count: 3 }],
  changed: [
    { sessionId: "S-1", billed: "4.00", new: "4.40", difference: "0.40" },
    { sessionId: "S-2", billed: "3.00", new: "3.10", difference: "0.10" },
  ],
  failed: [{ sessionId: "S-4", reason: "no tariff" }],
};
/** A done run that found nothing to re-price. */
const EMPTY: BacktestResult = {
  ...RESULT,
  sessions: 0,
  billedTotal: "0.00",
  newTotal: "0.00",
  difference: "0.00",
  billedMargin: "0.00",
  newMargin: "0.00",
  histogram: [],
  changed: [],
  failed: [],
};

const stored = (n: number, rulesetId: string, status: BacktestRunDoc["status"], extra: Partial<BacktestRunDoc> = {}) =>
  storedRun(`btr_${String(n).padStart(20, "0")}`, at(n), { rulesetId, status, ...extra });

const list = async (query = "", key = viewerKey) => {
  const response = await fetch(`${url}/api/v1/backtests${query}`, { headers: { Authorization: `Bearer ${key}` } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};
const page = async (query = "") => {
  const { status, body } = await list(query);
  expect(status).toBe(200);
  return body as { items: BacktestRunListItem[]; total: number; limit: number; offset: number };
};
const ids = (items: BacktestRunListItem[]) => items.map((r) => Number(r.id.slice(4)));

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), "voltrate-backtest-list-"));
  ({ runtime, url } = await startTestRuntime(dataDir));
  viewerKey = (await runtime.apiKeys.create("list viewer", "viewer")).key;
  // Stored after the start, so no job picks the queued or running ones up: they stay as they are.
  const runs = runtime.store.collection<BacktestRunDoc>(BACKTEST_RUNS_COLLECTION);
  await runs.insertOne(stored(1, "sales-a", "done", { done: 4, total: 4, result: RESULT }));
  await runs.insertOne(stored(2, "sales-b", "running", { done: 1, total: 4 }));
  await runs.insertOne(stored(3, "sales-a", "failed", { failure: "boom" }));
  await runs.insertOne(stored(4, "sales-a", "queued"));
  await runs.insertOne(stored(5, "sales-b", "cancelled", { cancelledBy: "someone" }));
  await runs.insertOne(stored(6, "sales-a", "done", { result: EMPTY }));
}, 60_000);

afterAll(async () => {
  await runtime?.shutdown();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("GET /api/v1/backtests", () => {
  it("lists the most recent runs first, without their results, a done one with its summary", async () => {
    const all = await page();
    // Created one minute apart, run 1 first: the newest (6) leads.
    expect(ids(all.items)).toEqual([6, 5, 4, 3, 2, 1]);
    expect(all).toMatchObject({ total: 6, limit: 20, offset: 0 });
    expect(all.items.every((r) => !("result" in r))).toBe(true);
    const first = all.items.find((r) => r.id.endsWith("1"));
    // RESULT: 3 re-priced, 2 listed as changed, 1 failed; 10.00 billed → 10.50, +0.50.
    expect(first?.resultSummary).toEqual({
      currency: "EUR",
      sessions: 3,
      changed: 2,
      failed: 1,
      billedTotal: "10.00",
      newTotal: "10.50",
      difference: "0.50",
    });
    expect(first?.progress).toEqual({ done: 4, total: 4, percent: 100 });
    const empty = all.items[0];
    expect(empty?.resultSummary).toMatchObject({ sessions: 0, changed: 0, failed: 0, difference: "0.00" });
    // Runs not done have no summary; a running one shows its progress, 1 of 4 = 25 %.
    const running = all.items.find((r) => r.status === "running");
    expect(running?.resultSummary).toBeUndefined();
    expect(running?.progress).toEqual({ done: 1, total: 4, percent: 25 });
    expect(all.items.find((r) => r.status === "failed")?.failure).toBe("boom");
  });

  it("filters by rule set and by one or several statuses", async () => {
    // sales-a: runs 1, 3, 4 and 6.
    expect(ids((await page("?rulesetId=sales-a")).items)).toEqual([6, 4, 3, 1]);
    expect((await page("?rulesetId=sales-a")).total).toBe(4);
    // Active: queued 4 and running 2, comma-separated or repeated.
    expect(ids((await page("?status=queued,running")).items)).toEqual([4, 2]);
    expect(ids((await page("?status=queued&status=running")).items)).toEqual([4, 2]);
    // Finished with an outcome: done 6 and 1, failed 3.
    expect(ids((await page("?status=done&status=failed")).items)).toEqual([6, 3, 1]);
    // Both filters: done runs of sales-a.
    const both = await page("?rulesetId=sales-a&status=done");
    expect(ids(both.items)).toEqual([6, 1]);
    expect(both.total).toBe(2);
    expect((await page("?rulesetId=no-such-ruleset")).total).toBe(0);
  });

  it("pages with limit and offset, the total counting every page", async () => {
    // Newest first: 6 5 | 4 3 | 2 1.
    const second = await page("?limit=2&offset=2");
    expect(ids(second.items)).toEqual([4, 3]);
    expect(second).toMatchObject({ total: 6, limit: 2, offset: 2 });
    expect(ids((await page("?limit=2&offset=5")).items)).toEqual([1]);
    const past = await page("?offset=6");
    expect(past.items).toEqual([]);
    expect(past.total).toBe(6);
  });

  it("refuses a bad query with problem JSON naming the parameter, and callers without a key", async () => {
    const badStatus = await list("?status=done,paused");
    expect(badStatus.status).toBe(400);
    expect((badStatus.body.errors as { path: string }[]).map((e) => e.path)).toEqual(["query.status[1]"]);
    const tooMany = await list("?limit=101");
    expect(tooMany.status).toBe(400);
    expect((tooMany.body.errors as { path: string }[]).map((e) => e.path)).toEqual(["query.limit"]);
    const negative = await list("?offset=-1");
    expect((negative.body.errors as { path: string }[]).map((e) => e.path)).toEqual(["query.offset"]);
    expect((await list("", "not-a-key")).status).toBe(401);
  });
});
