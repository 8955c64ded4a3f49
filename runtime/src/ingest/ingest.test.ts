import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cdr221, normalized, type PipelineHarness, seedWorld, startPipelineHarness } from "../pipeline/test-support.ts";
import { Ingestor, MAX_BATCH } from "./ingest.ts";

let h: PipelineHarness;
let ingestor: Ingestor;

beforeAll(async () => {
  h = await startPipelineHarness();
  await seedWorld(h);
  ingestor = new Ingestor(h.pipeline);
});
afterAll(async () => {
  await h?.close();
});

describe("Ingestor.split", () => {
  it("reads one item, an array and an OCPI envelope", () => {
    expect(new Ingestor(h.pipeline).split({ id: 1 })).toEqual({
      ok: true,
      single: true,
      items: [{ path: "body", json: { id: 1 } }],
    });
    expect(ingestor.split([{ a: 1 }, { b: 2 }])).toMatchObject({
      ok: true,
      single: false,
      items: [{ path: "body[0]" }, { path: "body[1]" }],
    });
    expect(ingestor.split({ data: [{ a: 1 }], status_code: 1000 })).toMatchObject({
      ok: true,
      single: false,
      items: [{ path: "body.data[0]" }],
    });
    expect(ingestor.split({ data: { a: 1 }, status_code: 1000 })).toMatchObject({
      ok: true,
      single: true,
      items: [{ path: "body.data" }],
    });
    expect(ingestor.split({ data: [], status_code: 2001 })).toMatchObject({
      ok: false,
      problem: { status: 400, errors: [{ path: "body.status_code" }] },
    });
    expect(ingestor.split("text")).toMatchObject({ ok: false, problem: { status: 400 } });
  });

  it("refuses batches above the limit", async () => {
    const r = await ingestor.ingest(Array.from({ length: MAX_BATCH + 1 }, () => ({})));
    expect(r).toMatchObject({ ok: false, problem: { status: 413, type: "urn:voltrate:problem:batch-too-large" } });
  });
});

describe("Ingestor.one", () => {
  it("validates before anything is stored", async () => {
    const before = await h.pipeline.list({});
    const deep: Record<string, unknown> = {};
    let cursor = deep;
    for (let i = 0; i < 80; i++) {
      cursor.x = {};
      cursor = cursor.x as Record<string, unknown>;
    }
    const r = await ingestor.one(0, "body", { ...normalized({ id: "DEEP" }), location: { id: "LOC-AMS", deep } });
    expect(r).toMatchObject({ ok: false, status: 400 });
    if (!r.ok) expect(r.problem.detail).toContain("nested more than 64 levels");
    const proto = await ingestor.one(0, "body", JSON.parse('{"sourceParty":"NL*ABC","id":"P","__proto__":{"x":1}}'));
    expect(proto).toMatchObject({ ok: false, status: 400 });
    expect((await h.pipeline.list({})).total).toBe(before.total);
  });

  it("processes a normalized session and an OCPI CDR given the form explicitly", async () => {
    const n = await ingestor.one(
      0,
      "body",
      normalized({ id: "ONE-N", start: "2025-03-09T08:00:00Z", end: "2025-03-09T09:00:00Z" }),
    );
    expect(n).toMatchObject({ ok: true, status: 201, outcome: "created" });
    const c = await ingestor.one(
      0,
      "body",
      cdr221({ id: "ONE-C", start: "2025-03-09T10:00:00Z", end: "2025-03-09T11:00:00Z" }),
      {
        format: "ocpi-2.2.1",
      },
    );
    expect(c).toMatchObject({ ok: true, status: 201 });
    if (c.ok) expect(c.revision.priced?.totals.salesInclVat).toBe("8.31");
    const wrongForm = await ingestor.one(0, "body", cdr221({ id: "ONE-W" }), { format: "normalized" });
    expect(wrongForm).toMatchObject({ ok: false, status: 400 });
  });
});
