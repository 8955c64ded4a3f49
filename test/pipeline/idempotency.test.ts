// Idempotent ingestion by (source party, session id): a repeat returns the existing result, a changed repeat becomes
// a correction revision linked to the previous one, concurrent duplicates create exactly one record. And malformed
// input: problem JSON naming the field, per-item results in a batch, and a process that keeps serving.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionRevision, SessionSummary } from "../../runtime/src/pipeline/index.ts";
import { REVISIONS_COLLECTION, SESSIONS_COLLECTION } from "../../runtime/src/pipeline/records.ts";
import {
  cdr221,
  normalized,
  type PipelineHarness,
  seedWorld,
  startPipelineHarness,
} from "../../runtime/src/pipeline/test-support.ts";

let h: PipelineHarness;

beforeAll(async () => {
  h = await startPipelineHarness();
  await seedWorld(h);
});
afterAll(async () => {
  await h?.close();
});

type Posted = { outcome: string; session: SessionSummary; revision: SessionRevision };
type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: { path: string; message: string }[];
};

async function post(body: unknown, query = ""): Promise<{ status: number; json: unknown; type: string | null }> {
  const res = await h.request(`/api/v1/sessions${query}`, { role: "editor", json: body });
  return { status: res.status, json: await res.json(), type: res.headers.get("Content-Type") };
}

describe("idempotency", () => {
  it("returns the existing result for a repeat, whatever the field order", async () => {
    const cdr = cdr221({ id: "IDEM-1", start: "2025-03-05T08:00:00Z", end: "2025-03-05T09:00:00Z" });
    const first = await post(cdr);
    expect(first.status).toBe(201);
    const reordered = Object.fromEntries(Object.entries(cdr).reverse());
    const again = await post(reordered);
    expect(again.status).toBe(200);
    const a = first.json as Posted;
    const b = again.json as Posted;
    expect(b.outcome).toBe("repeat");
    expect(b.revision.id).toBe(a.revision.id);
    expect(b.session.currentRevision).toBe(1);
    expect(await h.host.store.collection(REVISIONS_COLLECTION).countDocuments({ sessionId: a.session.id })).toBe(1);
    // Priced once: one session.priced event for it.
    expect(h.priced.filter((e) => e.sessionId === a.session.id)).toHaveLength(1);
  });

  it("turns a changed repeat into a correction revision linked to the previous one", async () => {
    const original = cdr221({ id: "IDEM-2", start: "2025-03-05T10:00:00Z", end: "2025-03-05T11:00:00Z" });
    const first = (await post(original)).json as Posted;
    expect(first.revision.priced?.totals.salesExclVat).toBe("6.87");
    // The CPO corrects the energy: 10 kWh → purchase 0.30 + 3.00 = 3.30; sales 3.30 × 1.05 + 0.25 = 3.715 → 3.72.
    const corrected = cdr221({
      id: "IDEM-2",
      start: "2025-03-05T10:00:00Z",
      end: "2025-03-05T11:00:00Z",
      kwh: 10,
      totalCost: { excl_vat: 3.3, incl_vat: 3.99 },
    });
    const second = await post(corrected);
    expect(second.status).toBe(201);
    const c = second.json as Posted;
    expect(c.outcome).toBe("correction");
    expect(c.session.id).toBe(first.session.id);
    expect(c.revision).toMatchObject({ revision: 2, kind: "correction", previousRevisionId: first.revision.id });
    expect(c.revision.priced?.totals.purchaseExclVat).toBe("3.30");
    expect(c.revision.priced?.totals.salesExclVat).toBe("3.72");
    // The first revision is untouched.
    const detail = (await (await h.request(`/api/v1/sessions/${c.session.id}`, { role: "viewer" })).json()) as {
      revisions: SessionRevision[];
    };
    expect(detail.revisions.map((r) => [r.revision, r.kind, r.priced?.totals.salesExclVat])).toEqual([
      [1, "original", "6.87"],
      [2, "correction", "3.72"],
    ]);
    const { trace: _trace, input, ...firstWithoutTrace } = detail.revisions[0]!;
    const { payload: _payload, ...snapshot } = input;
    expect({ ...firstWithoutTrace, input: snapshot }).toEqual(first.revision);
    expect(detail.revisions[0]?.input.payload).toEqual(original);
    // Sending the correction again is a repeat of revision 2.
    const third = await post(corrected);
    expect(third.status).toBe(200);
    expect((third.json as Posted).revision.revision).toBe(2);
  });

  it("creates exactly one record for 20 concurrent identical posts", async () => {
    const cdr = cdr221({ id: "IDEM-CONC", start: "2025-03-05T12:00:00Z", end: "2025-03-05T13:00:00Z" });
    const results = await Promise.all(Array.from({ length: 20 }, () => post(cdr)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(19);
    const ids = new Set(results.map((r) => (r.json as Posted).revision.id));
    expect(ids.size).toBe(1);
    const sessions = await h.host.store.collection(SESSIONS_COLLECTION).find({ sessionId: "IDEM-CONC" });
    expect(sessions).toHaveLength(1);
    expect(await h.host.store.collection(REVISIONS_COLLECTION).countDocuments({ sessionId: sessions[0]?._id })).toBe(1);
    expect(h.priced.filter((e) => e.sessionId === sessions[0]?._id)).toHaveLength(1);
  });

  it("serializes concurrent changed posts into consecutive revisions", async () => {
    const variants = [10, 11, 12, 13, 14].map((kwh) =>
      cdr221({
        id: "IDEM-VAR",
        start: "2025-03-05T14:00:00Z",
        end: "2025-03-05T15:00:00Z",
        kwh,
        totalCost: { excl_vat: 0.3 + kwh * 0.3 },
      }),
    );
    const results = await Promise.all(variants.map((v) => post(v)));
    expect(results.every((r) => r.status === 201)).toBe(true);
    const id = (results[0]!.json as Posted).session.id;
    const detail = (await (await h.request(`/api/v1/sessions/${id}`, { role: "viewer" })).json()) as {
      revisions: SessionRevision[];
    };
    expect(detail.revisions.map((r) => r.revision)).toEqual([1, 2, 3, 4, 5]);
    for (let i = 1; i < 5; i++) expect(detail.revisions[i]?.previousRevisionId).toBe(detail.revisions[i - 1]?.id);
  });

  it("accepts a batch of mixed forms with per-item results", async () => {
    const res = await post([
      cdr221({ id: "BATCH-1", start: "2025-03-06T00:00:00Z", end: "2025-03-06T01:00:00Z" }),
      normalized({ id: "BATCH-2", start: "2025-03-06T02:00:00Z", end: "2025-03-06T03:00:00Z" }),
      { ...cdr221({ id: "BATCH-3" }), start_date_time: "yesterday" },
      cdr221({ id: "BATCH-1", start: "2025-03-06T00:00:00Z", end: "2025-03-06T01:00:00Z" }),
    ]);
    expect(res.status).toBe(200);
    const body = res.json as {
      counts: Record<string, number>;
      results: { index: number; status: number; outcome?: string; problem?: Problem }[];
    };
    // Items 0 and 3 are the same CDR: processed concurrently, one creates the record and the other is a repeat.
    expect(body.counts).toEqual({ created: 2, corrections: 0, repeats: 1, failed: 1 });
    expect(body.results.map((r) => r.status).sort()).toEqual([200, 201, 201, 400]);
    const bad = body.results[2];
    expect(bad?.problem?.errors?.[0]?.path).toBe("body[2].start_date_time");
  });
});

describe("malformed input", () => {
  it("answers problem JSON that names the field", async () => {
    const r = await post({ ...cdr221({ id: "BAD-1" }), currency: "EURO" });
    expect(r.status).toBe(400);
    expect(r.type).toBe("application/problem+json");
    const p = r.json as Problem;
    expect(p.type).toBe("urn:voltrate:problem:validation");
    expect(p.errors?.[0]?.path).toBe("body.currency");
    expect(p.detail).toContain("body.currency");
  });

  it("names a missing identity field", async () => {
    const { country_code: _drop, ...cdr } = cdr221({ id: "BAD-2" });
    const r = await post(cdr);
    expect(r.status).toBe(400);
    expect((r.json as Problem).errors?.[0]?.path).toBe("body.country_code");
  });

  it("refuses a body that is no session form", async () => {
    const r = await post({ hello: "world" });
    expect(r.status).toBe(400);
    expect((r.json as Problem).type).toBe("urn:voltrate:problem:unknown-session-form");
    const n = await post(42);
    expect(n.status).toBe(400);
  });

  it("refuses field names the store cannot keep", async () => {
    const r = await post({ ...normalized({ id: "BAD-3" }), location: { id: "LOC-AMS", $where: "1" } });
    expect(r.status).toBe(400);
    expect((r.json as Problem).errors?.[0]?.path).toBe("body.location.$where");
  });

  it("answers broken JSON with 400 and keeps serving", async () => {
    const res = await h.request("/api/v1/sessions", { role: "editor", method: "POST", body: '{"id": "x", ' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as Problem).type).toBe("urn:voltrate:problem:malformed-json");
    for (const garbage of ["[1,2,", "null", '"text"', "{}", "[{}]", `[${"[".repeat(200)}${"]".repeat(200)}]`]) {
      const g = await h.request("/api/v1/sessions", { role: "editor", method: "POST", body: garbage });
      expect(g.status).toBeGreaterThanOrEqual(200);
      expect(g.status).toBeLessThan(500);
    }
    const ok = await post(cdr221({ id: "AFTER-GARBAGE", start: "2025-03-06T04:00:00Z", end: "2025-03-06T05:00:00Z" }));
    expect(ok.status).toBe(201);
  });

  it("needs an editor key to ingest", async () => {
    const anonymous = await h.request("/api/v1/sessions", { json: cdr221({ id: "AUTH-1" }) });
    expect(anonymous.status).toBe(401);
    const viewer = await h.request("/api/v1/sessions", { role: "viewer", json: cdr221({ id: "AUTH-1" }) });
    expect(viewer.status).toBe(403);
    const admin = await h.request("/api/v1/sessions", {
      role: "admin",
      json: cdr221({ id: "AUTH-1", start: "2025-03-06T06:00:00Z", end: "2025-03-06T07:00:00Z" }),
    });
    expect(admin.status).toBe(201);
  });
});
