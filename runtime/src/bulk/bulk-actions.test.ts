// Bulk actions on real components: the embedded store in a temporary folder, the real scheduler (every 100 ms), the
// pipeline with the real VAT and FX plugins, master data and published rule versions, and the REST API through
// app.request. Covers a case reprocessed after fixing master data, every instruction kind, selections by case, ids
// and filter, cancelling, validation, and a restart in the middle of a run.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import fxPlugin from "@voltrate/plugin-fx";
import vatPlugin from "@voltrate/plugin-vat";
import type { Role } from "@voltrate/sdk";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, createApp } from "../http/app.ts";
import { bulkRoutes } from "../http/routes/bulk.ts";
import { dropOutRoutes } from "../http/routes/dropouts.ts";
import { sessionRoutes } from "../http/routes/sessions.ts";
import { createMasterData, type MasterData } from "../master-data/index.ts";
import { createPipeline, masterDataPort, type Pipeline } from "../pipeline/index.ts";
import {
  ACTOR,
  cdr221,
  ECB_FIXTURE,
  FROM,
  publishRuleset,
  salesRuleset,
  seedWorld,
  WORLD,
} from "../pipeline/test-support.ts";
import type { SessionRevision, SessionSummary } from "../pipeline/vocabulary.ts";
import { createRulesService, type RulesService } from "../rules/versions/index.ts";
import { type PluginTestHost, startPluginTestHost } from "../testing/index.ts";
import { type BulkActions, type BulkActionView, type BulkItemDoc, createBulkActions } from "./index.ts";

interface Harness {
  host: PluginTestHost;
  md: MasterData;
  rules: RulesService;
  pipeline: Pipeline;
  bulk: BulkActions;
  app: App;
  request(pathname: string, init?: { method?: string; role?: Role; json?: unknown }): Promise<Response>;
  close(): Promise<void>;
}

interface BootOptions {
  chunkSize?: number;
  leaseMs?: number;
  beforeSession?: (bulkId: string, sessionId: string) => Promise<void> | void;
  /** Runs after the store is open and before the bulk job is defined (a restart's "crash" state). */
  beforeBulk?: (h: Omit<Harness, "bulk" | "app" | "request">) => Promise<void>;
}

/** One process lifetime on `dataDir`: store, scheduler, plugins, master data, rules, pipeline, bulk actions, HTTP. */
async function boot(dataDir: string, options: BootOptions = {}): Promise<Harness> {
  const host = await startPluginTestHost({
    plugins: [{ plugin: vatPlugin }, { plugin: fxPlugin, config: { importFile: ECB_FIXTURE } }],
    dataDir,
    processEveryMs: 100,
  });
  try {
    const md = createMasterData(host.store);
    await md.ensureIndexes();
    const rules = createRulesService({ store: host.store, events: host.events });
    await rules.init();
    const pipeline = await createPipeline({
      store: host.store,
      masterData: masterDataPort(md),
      rules,
      hooks: host.hooks,
      events: host.events,
      plugins: host.host,
    });
    const close = () => host.close();
    await options.beforeBulk?.({ host, md, rules, pipeline, close });
    const bulk = await createBulkActions({
      store: host.store,
      pipeline,
      scheduler: host.scheduler,
      chunkSize: options.chunkSize ?? 5,
      leaseMs: options.leaseMs ?? 5_000,
      ...(options.beforeSession ? { beforeSession: options.beforeSession } : {}),
    });
    const app = createApp({
      logger: pino({ level: "silent" }),
      routes: [
        sessionRoutes({ pipeline, apiKeys: host.apiKeys }),
        dropOutRoutes({ cases: pipeline.cases, apiKeys: host.apiKeys }),
        bulkRoutes({ bulk, apiKeys: host.apiKeys }),
      ],
    });
    return {
      host,
      md,
      rules,
      pipeline,
      bulk,
      app,
      async request(pathname, init = {}) {
        const headers = new Headers();
        if (init.role) headers.set("Authorization", `Bearer ${await host.keyFor(init.role)}`);
        let body: string | undefined;
        if (init.json !== undefined) {
          headers.set("Content-Type", "application/json");
          body = JSON.stringify(init.json);
        }
        return app.request(pathname, {
          method: init.method ?? (body === undefined ? "GET" : "POST"),
          headers,
          ...(body === undefined ? {} : { body }),
        });
      },
      close,
    };
  } catch (error) {
    await host.close();
    throw error;
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

type Posted = { outcome: string; session: SessionSummary; revision: SessionRevision };

async function ingest(h: Harness, body: unknown): Promise<Posted> {
  const res = await h.request("/api/v1/sessions", { role: "editor", json: body });
  expect(res.status).toBe(201);
  return (await res.json()) as Posted;
}

async function startBulk(h: Harness, json: unknown): Promise<BulkActionView> {
  const res = await h.request("/api/v1/bulk-actions", { role: "editor", json });
  expect(res.status).toBe(202);
  const view = (await res.json()) as BulkActionView;
  expect(res.headers.get("Location")).toBe(`/api/v1/bulk-actions/${view.id}`);
  expect(view.status).toBe("queued");
  return view;
}

async function progressOf(h: Harness, id: string): Promise<BulkActionView> {
  const res = await h.request(`/api/v1/bulk-actions/${id}`, { role: "viewer" });
  expect(res.status).toBe(200);
  return (await res.json()) as BulkActionView;
}

/** Polls the action until it is no longer queued or running; returns every distinct progress seen. */
async function finished(h: Harness, id: string, timeoutMs = 20_000): Promise<{ view: BulkActionView; seen: number[] }> {
  const deadline = Date.now() + timeoutMs;
  const seen: number[] = [];
  for (;;) {
    const view = await progressOf(h, id);
    if (!seen.includes(view.progress)) seen.push(view.progress);
    if (view.status !== "queued" && view.status !== "running") return { view, seen };
    if (Date.now() > deadline)
      throw new Error(`bulk action ${id} still ${view.status} (${view.processed}/${view.total})`);
    await sleep(20);
  }
}

async function sessionDetail(h: Harness, id: string) {
  const res = await h.request(`/api/v1/sessions/${id}`, { role: "viewer" });
  return (await res.json()) as { session: SessionSummary; revisions: SessionRevision[] };
}

const at = (day: number, hh: number, mm = 0) => {
  const start = new Date(Date.UTC(2025, 2, day, hh, mm));
  return { start: start.toISOString(), end: new Date(start.getTime() + 3_600_000).toISOString() };
};

describe("bulk actions", () => {
  let dir: string;
  let h: Harness;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "voltrate-bulk-"));
    h = await boot(dir);
    await seedWorld(h);
  });
  afterAll(async () => {
    await h?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("reprocesses a drop-out case after the master data is fixed, with progress up to 100 %", async () => {
    // Twelve sessions with a card the master data does not know: one case (lookups, TOKEN_UNKNOWN, NL*ABC).
    const posted: Posted[] = [];
    for (let i = 0; i < 12; i++)
      posted.push(await ingest(h, cdr221({ id: `B-FIX-${i}`, tokenUid: "CAFE1001", ...at(3, 6, i * 3) })));
    const caseId = posted[0]!.revision.dropOut!.caseId;
    expect(
      posted.every((p) => p.revision.dropOut?.caseId === caseId && p.revision.dropOut.code === "TOKEN_UNKNOWN"),
    ).toBe(true);

    await h.md.tokens.create(
      {
        data: { uid: "CAFE1001", type: "RFID", contractId: WORLD.contract },
        validFrom: FROM,
        reason: "card was missing",
      },
      ACTOR,
    );
    const created = await startBulk(h, { selection: { caseId }, action: "reprocess", reason: "card CAFE1001 added" });
    const { view, seen } = await finished(h, created.id);
    // 12 sessions in chunks of 5: progress is persisted after each chunk.
    expect(view).toMatchObject({
      status: "done",
      total: 12,
      processed: 12,
      succeeded: 12,
      stillFailing: 0,
      skipped: 0,
      errorCount: 0,
      errors: [],
      progress: 100,
      reason: "card CAFE1001 added",
      requestedBy: "test editor",
    });
    expect(seen.at(-1)).toBe(100);
    expect(view.startedAt).toBeDefined();
    expect(view.finishedAt).toBeDefined();

    // Every session is priced by a second revision that names the action and who asked for it.
    for (const p of posted) {
      const detail = await sessionDetail(h, p.session.id);
      expect(detail.session.status).toBe("priced");
      expect(detail.revisions.map((r) => r.kind)).toEqual(["original", "reprocess"]);
      expect(detail.revisions[1]?.reason).toBe(
        `card CAFE1001 added (bulk action ${created.id}, requested by test editor)`,
      );
      // 20 kWh at AllBright: 0.30 + 20 × 0.30 = 6.30; × 1.05 + 0.25 = 6.865 → 6.87 excl. VAT.
      expect(detail.revisions[1]?.priced?.totals.salesExclVat).toBe("6.87");
    }
    const c = (await (await h.request(`/api/v1/dropouts/${caseId}`, { role: "viewer" })).json()) as {
      openSessions: number;
      status: string;
    };
    expect(c).toMatchObject({ openSessions: 0, status: "resolved" });

    // Run again: nothing is in the case any more.
    const again = await startBulk(h, { selection: { caseId }, reason: "once more" });
    expect((await finished(h, again.id)).view).toMatchObject({ status: "done", total: 0, processed: 0, progress: 100 });
  });

  it("accepts the CPO's price for a case, and shows the instruction in each session's trace", async () => {
    // The CDR says 7.00 while its tariff gives 6.30: CPO_TOTAL_MISMATCH.
    const posted: Posted[] = [];
    for (let i = 0; i < 3; i++) {
      posted.push(await ingest(h, cdr221({ id: `B-ACC-${i}`, ...at(4, 6 + i), totalCost: { excl_vat: 7.0 } })));
    }
    const caseId = posted[0]!.revision.dropOut!.caseId;
    expect(posted[0]!.revision.dropOut?.code).toBe("CPO_TOTAL_MISMATCH");
    const created = await startBulk(h, {
      selection: { caseId },
      instruction: { type: "acceptCpoPrice", comment: "agreed with AllBright" },
      reason: "dispute settled",
    });
    expect(created.instructionText).toBe("accept the CPO's price (its total_cost is the purchase cost)");
    const { view } = await finished(h, created.id);
    expect(view).toMatchObject({ status: "done", total: 3, succeeded: 3, stillFailing: 0, progress: 100 });
    expect(view.instruction).toEqual({ type: "acceptCpoPrice", comment: "agreed with AllBright" });
    for (const p of posted) {
      const last = (await sessionDetail(h, p.session.id)).revisions.at(-1)!;
      expect(last.instruction).toEqual({ type: "acceptCpoPrice", comment: "agreed with AllBright" });
      // Purchase = the CDR's 7.00; sales 7.00 × 1.05 + 0.25 = 7.60.
      expect(last.priced?.purchase.source).toBe("cpo-reported");
      expect(last.priced?.totals).toMatchObject({ purchaseExclVat: "7.00", salesExclVat: "7.60" });
      expect(last.trace.filter((t) => t.kind === "instruction").map((t) => t.message)[0]).toBe(
        "instruction: accept the CPO's price (its total_cost is the purchase cost)",
      );
    }
  });

  it("writes off explicit sessions and reports an unknown id as an error", async () => {
    const a = await ingest(h, cdr221({ id: "B-WO-1", tokenUid: "CAFE2002", ...at(5, 6) }));
    const b = await ingest(h, cdr221({ id: "B-WO-2", tokenUid: "CAFE2002", ...at(5, 8) }));
    const created = await startBulk(h, {
      selection: { sessionIds: [a.session.id, b.session.id, "ses_nope"] },
      instruction: { type: "writeOff", comment: "not worth chasing" },
      reason: "small amounts",
    });
    const { view } = await finished(h, created.id);
    expect(view).toMatchObject({ status: "done", total: 3, processed: 3, succeeded: 2, errorCount: 1, progress: 100 });
    expect(view.errors).toEqual([{ sessionId: "ses_nope", message: "no session ses_nope" }]);
    for (const s of [a, b]) {
      const detail = await sessionDetail(h, s.session.id);
      expect(detail.session.status).toBe("written-off");
      expect(detail.revisions.at(-1)?.instruction).toEqual({ type: "writeOff", comment: "not worth chasing" });
      expect(detail.revisions.at(-1)?.priced).toBeUndefined();
    }
  });

  it("rejects the sessions a filter selects", async () => {
    const a = await ingest(h, cdr221({ id: "B-RJ-1", tokenUid: "CAFE3003", ...at(6, 6) }));
    const b = await ingest(h, cdr221({ id: "B-RJ-2", tokenUid: "CAFE3003", ...at(6, 8) }));
    const caseId = a.revision.dropOut!.caseId;
    const created = await startBulk(h, {
      selection: { filter: { status: "dropped-out", caseId, from: "2025-03-06", to: "2025-03-07" } },
      instruction: { type: "reject" },
      reason: "disputed with the CPO",
    });
    const { view } = await finished(h, created.id);
    expect(view).toMatchObject({ status: "done", total: 2, succeeded: 2 });
    for (const s of [a, b]) {
      const detail = await sessionDetail(h, s.session.id);
      expect(detail.session.status).toBe("rejected");
      expect(detail.revisions.at(-1)?.stages.every((st) => st.status === "skipped")).toBe(true);
    }
  });

  it("reprices with another ruleset (useRuleset) and treats an unknown token as a known one", async () => {
    await publishRuleset(h.rules, {
      ...salesRuleset,
      id: "sales-bulk-special",
      name: "Special",
      rules: [
        {
          id: "all",
          name: "All",
          enabled: true,
          condition: { op: "exists", property: "cpo" },
          outcome: { type: "markup", factor: "1.10" },
        },
      ],
    } as typeof salesRuleset);
    const priced = [
      await ingest(h, cdr221({ id: "B-RS-1", ...at(14, 6) })),
      await ingest(h, cdr221({ id: "B-RS-2", ...at(14, 8) })),
    ];
    expect(priced.every((p) => p.revision.outcome === "priced")).toBe(true);
    const ruleset = await startBulk(h, {
      selection: { filter: { party: "NL*ABC", from: "2025-03-14", to: "2025-03-15" } },
      instruction: { type: "useRuleset", side: "sales", rulesetId: "sales-bulk-special" },
      reason: "special price agreed for the 14th",
    });
    expect((await finished(h, ruleset.id)).view).toMatchObject({ status: "done", total: 2, succeeded: 2 });
    for (const p of priced) {
      const last = (await sessionDetail(h, p.session.id)).revisions.at(-1)!;
      // 6.30 × 1.10 = 6.93.
      expect(last.priced?.totals.salesExclVat).toBe("6.93");
      expect(last.priced?.versions.rulesets).toContainEqual(
        expect.objectContaining({ side: "sales", rulesetId: "sales-bulk-special", byInstruction: true }),
      );
    }

    const unknown = await ingest(h, cdr221({ id: "B-TT-1", tokenUid: "CAFE4004", ...at(15, 6) }));
    const treated = await startBulk(h, {
      selection: { caseId: unknown.revision.dropOut!.caseId },
      instruction: { type: "treatTokenAs", tokenUid: WORLD.token },
      reason: "Anna's replacement card",
    });
    expect((await finished(h, treated.id)).view).toMatchObject({ status: "done", total: 1, succeeded: 1 });
    const last = (await sessionDetail(h, unknown.session.id)).revisions.at(-1)!;
    expect(last.outcome).toBe("priced");
    expect(last.trace.filter((t) => t.kind === "instruction").map((t) => t.message)).toContain(
      `token CAFE4004 treated as ${WORLD.token}`,
    );
  });

  it("counts sessions that still fail", async () => {
    const a = await ingest(h, cdr221({ id: "B-SF-1", tokenUid: "CAFE5005", ...at(16, 6) }));
    const created = await startBulk(h, { selection: { caseId: a.revision.dropOut!.caseId }, reason: "try again" });
    const { view } = await finished(h, created.id);
    expect(view).toMatchObject({
      status: "done",
      total: 1,
      processed: 1,
      succeeded: 0,
      stillFailing: 1,
      progress: 100,
    });
    expect((await sessionDetail(h, a.session.id)).revisions.map((r) => r.outcome)).toEqual([
      "dropped-out",
      "dropped-out",
    ]);
  });

  it("lists, cancels and validates", async () => {
    const list = (await (await h.request("/api/v1/bulk-actions?limit=3", { role: "viewer" })).json()) as {
      items: BulkActionView[];
      total: number;
    };
    expect(list.items).toHaveLength(3);
    expect(list.total).toBeGreaterThanOrEqual(8);
    const done = list.items[0]!;
    const filtered = (await (await h.request("/api/v1/bulk-actions?status=done", { role: "viewer" })).json()) as {
      items: BulkActionView[];
    };
    expect(filtered.items.every((i) => i.status === "done")).toBe(true);

    // Cancel a running action: the runner stops after the session in hand and the rest is left alone.
    const slow: Posted[] = [];
    for (let i = 0; i < 6; i++)
      slow.push(await ingest(h, cdr221({ id: `B-CN-${i}`, tokenUid: "CAFE6006", ...at(17, 6 + i) })));
    const created = await startBulk(h, {
      selection: { sessionIds: slow.map((s) => s.session.id) },
      instruction: { type: "writeOff" },
      reason: "to be cancelled",
    });
    const cancelled = await h.request(`/api/v1/bulk-actions/${created.id}/cancel`, { role: "editor", method: "POST" });
    expect(cancelled.status).toBe(200);
    expect(((await cancelled.json()) as BulkActionView).status).toBe("cancelled");
    await sleep(400);
    const after = await progressOf(h, created.id);
    expect(after).toMatchObject({ status: "cancelled", cancelledBy: "test editor" });
    expect(after.processed).toBeLessThan(6);

    const twice = await h.request(`/api/v1/bulk-actions/${done.id}/cancel`, { role: "editor", method: "POST" });
    expect(twice.status).toBe(409);
    expect(twice.headers.get("Content-Type")).toContain("application/problem+json");
    const missing = await h.request("/api/v1/bulk-actions/bulk_nope", { role: "viewer" });
    expect(missing.status).toBe(404);
    const missingCancel = await h.request("/api/v1/bulk-actions/bulk_nope/cancel", { role: "editor", method: "POST" });
    expect(missingCancel.status).toBe(404);

    const bad = async (json: unknown, path: string) => {
      const res = await h.request("/api/v1/bulk-actions", { role: "editor", json });
      expect(res.status).toBe(400);
      const problem = (await res.json()) as { type: string; errors: { path: string }[] };
      expect(problem.type).toBe("urn:voltrate:problem:validation");
      expect(problem.errors.map((e) => e.path)).toContain(path);
    };
    await bad({ selection: { caseId: "case_x" } }, "body.reason");
    await bad({ selection: { caseId: "case_x" }, reason: "x", instruction: { type: "pray" } }, "body.instruction.type");
    await bad({ selection: { everything: true }, reason: "x" }, "body.selection");
    await bad({ selection: { caseId: "case_x" }, reason: "x", action: "delete" }, "body.action");
    const viewer = await h.request("/api/v1/bulk-actions", {
      role: "viewer",
      json: { selection: { caseId: "case_x" }, reason: "x" },
    });
    expect(viewer.status).toBe(403);
  });
});

describe("bulk actions across a restart", () => {
  it("resumes after the scheduler and store were closed mid-run, losing nothing and processing no session twice", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "voltrate-bulk-restart-"));
    let h: Harness | undefined;
    try {
      let reprocessed = 0;
      const slow = async () => {
        reprocessed++;
        await sleep(25);
      };
      h = await boot(dir, { chunkSize: 4, beforeSession: slow });
      await seedWorld(h);
      const ids: string[] = [];
      for (let i = 0; i < 30; i++) {
        const p = await ingest(
          h,
          cdr221({ id: `R-${i}`, tokenUid: "CAFE7007", ...at(20 + Math.floor(i / 10), 1 + (i % 10)) }),
        );
        ids.push(p.session.id);
      }
      await h.md.tokens.create(
        { data: { uid: "CAFE7007", type: "RFID", contractId: WORLD.contract }, validFrom: FROM },
        ACTOR,
      );
      const created = await startBulk(h, { selection: { sessionIds: ids }, reason: "card added" });
      // Let it work through a few chunks, then stop the process: scheduler and store.
      const deadline = Date.now() + 15_000;
      while ((await progressOf(h, created.id)).processed < 8) {
        if (Date.now() > deadline) throw new Error("the bulk action did not start");
        await sleep(20);
      }
      await h.close();
      h = undefined;
      const before = reprocessed;
      expect(before).toBeGreaterThanOrEqual(8);
      expect(before).toBeLessThan(30);

      // Restart on the same folder. Before the job is defined, recreate the two windows a crash can leave: a session
      // whose revision was recorded but whose item was not marked done, and an item marked running whose session was
      // never reprocessed.
      let crashDone: string | undefined;
      let crashPending: string | undefined;
      let after = 0;
      h = await boot(dir, {
        chunkSize: 4,
        leaseMs: 1_000,
        beforeSession: () => {
          after++;
        },
        beforeBulk: async (x) => {
          const items = x.host.store.collection<BulkItemDoc>("bulk_action_items");
          const done = await items.find({ bulkId: created.id, status: "done" }, { sort: { _id: 1 } });
          const pending = await items.find({ bulkId: created.id, status: "pending" }, { sort: { _id: 1 } });
          expect(done.length).toBe(before);
          expect(done.length + pending.length).toBe(30);
          const d = done[0]!;
          crashDone = d.sessionId;
          await items.updateOne(
            { _id: d._id },
            { $set: { status: "running", revisionBefore: 1, outcome: null, revisionId: null, sessionStatus: null } },
          );
          const p = pending.at(-1)!;
          crashPending = p.sessionId;
          await items.updateOne({ _id: p._id }, { $set: { status: "running", revisionBefore: 1 } });
          // And a lease still held by a runner that died: taken over once it is stale (1 s here).
          await x.host.store
            .collection("bulk_actions")
            .updateOne({ _id: created.id }, { $set: { lease: "dead-runner", leaseAt: new Date() } });
        },
      });
      const { view } = await finished(h, created.id);
      expect(view).toMatchObject({
        status: "done",
        total: 30,
        processed: 30,
        succeeded: 30,
        stillFailing: 0,
        errorCount: 0,
        progress: 100,
      });
      // Nothing twice: the sessions not reprocessed before the restart, and no other.
      expect(after).toBe(30 - before);
      for (const id of ids) {
        const detail = await sessionDetail(h, id);
        expect(detail.revisions.map((r) => `${r.kind}:${r.outcome}`)).toEqual([
          "original:dropped-out",
          "reprocess:priced",
        ]);
      }
      const items = await h.host.store.collection<BulkItemDoc>("bulk_action_items").find({ bulkId: created.id });
      expect(items).toHaveLength(30);
      expect(
        items.every((i) => i.status === "done" && i.outcome === "succeeded" && i.revisionId?.endsWith(".r2")),
      ).toBe(true);
      expect(items.find((i) => i.sessionId === crashDone)?.revisionId).toBe(`${crashDone}.r2`);
      expect(items.find((i) => i.sessionId === crashPending)?.revisionId).toBe(`${crashPending}.r2`);
    } finally {
      await h?.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
