// Margin reports on real components (the pipeline harness: embedded store, real VAT and FX plugins, master data,
// published rules) through the REST API: JSON and CSV, per partner and per period in the administration's time zone,
// with a correction replacing (not adding to) its original.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reportRoutes } from "../http/routes/reports.ts";
import { masterDataPort } from "../pipeline/master-data-port.ts";
import { cdr221, type PipelineHarness, startPipelineHarness, swissCdr221, WORLD } from "../pipeline/test-support.ts";
import type { SessionRevision } from "../pipeline/vocabulary.ts";
import { csvField, localMidnight, type MarginReport, MarginReports, periodOf } from "./margins.ts";

let h: PipelineHarness;

beforeAll(async () => {
  h = await startPipelineHarness({
    world: true,
    routes: ({ host, md, pipeline }) => [
      reportRoutes({
        reports: new MarginReports({ records: pipeline.records, masterData: masterDataPort(md) }),
        apiKeys: host.apiKeys,
      }),
    ],
  });
});
afterAll(async () => {
  await h?.close();
});

async function ingest(body: unknown): Promise<SessionRevision> {
  const res = await h.request("/api/v1/sessions", { role: "editor", json: body });
  expect([200, 201]).toContain(res.status);
  return ((await res.json()) as { revision: SessionRevision }).revision;
}

async function report(query: string, headers: Record<string, string> = {}): Promise<Response> {
  return h.request(`/api/v1/reports/margins?${query}`, { role: "viewer", headers });
}

const swissCdr = (id: string) => swissCdr221({ id });

describe("margin reports", () => {
  beforeAll(async () => {
    // AllBright (NL*ABC), 20 kWh: cost 0.30 + 20 × 0.30 = 6.30; revenue 6.30 × 1.05 + 0.25 = 6.865 → 6.87; margin 0.57.
    // AllBright, 10 kWh: cost 0.30 + 10 × 0.30 = 3.30; revenue 3.30 × 1.05 + 0.25 = 3.715 → 3.72; margin 0.42.
    // SwissCharge (CH*SWC), 10 kWh × 0.50 CHF = 5.00 CHF → 5.26 EUR; revenue 5.26 × 1.15 + 0.35 = 6.399 → 6.40;
    // margin 1.14. The administration adm-nl is Dutch: days and months are those of Europe/Amsterdam (UTC+1 in March).
    const revisions = [
      // A: Friday 7 March 11:00 local, 20 kWh.
      await ingest(cdr221({ id: "M-A", start: "2025-03-07T10:00:00Z", end: "2025-03-07T11:00:00Z" })),
      // B: 23:30 UTC on the 7th is 00:30 on the 8th in Amsterdam; 10 kWh.
      await ingest(
        cdr221({
          id: "M-B",
          start: "2025-03-07T23:30:00Z",
          end: "2025-03-08T00:30:00Z",
          kwh: 10,
          totalCost: { excl_vat: 3.3 },
        }),
      ),
      // C: the Swiss session on the 7th.
      await ingest(swissCdr("M-C")),
      // D: 23:30 UTC on 28 February is 00:30 on 1 March in Amsterdam: a March session; 20 kWh.
      await ingest(cdr221({ id: "M-D", start: "2025-02-28T23:30:00Z", end: "2025-03-01T00:30:00Z" })),
      // E: 27 February, 20 kWh: February.
      await ingest(cdr221({ id: "M-E", start: "2025-02-27T10:00:00Z", end: "2025-02-27T11:00:00Z" })),
      // F: 10 March, first sent with 20 kWh …
      await ingest(cdr221({ id: "M-F", start: "2025-03-10T10:00:00Z", end: "2025-03-10T11:00:00Z" })),
      // G: an unknown card: dropped out, never in the report.
      await ingest(
        cdr221({ id: "M-G", tokenUid: "CAFE9999", start: "2025-03-07T14:00:00Z", end: "2025-03-07T15:00:00Z" }),
      ),
    ];
    expect(revisions.map((r) => r.outcome)).toEqual([
      "priced",
      "priced",
      "priced",
      "priced",
      "priced",
      "priced",
      "dropped-out",
    ]);
    // … then corrected by the CPO to 10 kWh: a correction revision, which replaces the 20 kWh one in the report.
    const corrected = await ingest(
      cdr221({
        id: "M-F",
        start: "2025-03-10T10:00:00Z",
        end: "2025-03-10T11:00:00Z",
        kwh: 10,
        totalCost: { excl_vat: 3.3 },
      }),
    );
    expect(corrected).toMatchObject({ kind: "correction", revision: 2, outcome: "priced" });
    expect(corrected.priced?.totals).toMatchObject({ purchaseExclVat: "3.30", salesExclVat: "3.72" });
  });

  it("reports per partner and day in the administration's time zone, from current revisions only", async () => {
    const res = await report(
      `administrationId=${WORLD.administration}&from=2025-03-01&to=2025-03-31&groupBy=partner,period&period=day`,
    );
    expect(res.status).toBe(200);
    const r = (await res.json()) as MarginReport;
    expect(r).toMatchObject({
      administrationId: WORLD.administration,
      currency: "EUR",
      timeZone: "Europe/Amsterdam",
      // 1 March 00:00 in Amsterdam (UTC+1) up to 1 April 00:00 (UTC+2 after the switch to summer time on 30 March).
      from: "2025-02-28T23:00:00.000Z",
      to: "2025-03-31T22:00:00.000Z",
      groupBy: ["partner", "period"],
      period: "day",
    });
    expect(r.rows).toEqual([
      // C.
      {
        partner: "CH*SWC",
        period: "2025-03-07",
        currency: "EUR",
        sessions: 1,
        energyKwh: "10",
        revenue: "6.40",
        cost: "5.26",
        margin: "1.14",
      },
      // D: 1 March local.
      {
        partner: "NL*ABC",
        period: "2025-03-01",
        currency: "EUR",
        sessions: 1,
        energyKwh: "20",
        revenue: "6.87",
        cost: "6.30",
        margin: "0.57",
      },
      // A (the drop-out G of the same day is not counted).
      {
        partner: "NL*ABC",
        period: "2025-03-07",
        currency: "EUR",
        sessions: 1,
        energyKwh: "20",
        revenue: "6.87",
        cost: "6.30",
        margin: "0.57",
      },
      // B: 8 March local.
      {
        partner: "NL*ABC",
        period: "2025-03-08",
        currency: "EUR",
        sessions: 1,
        energyKwh: "10",
        revenue: "3.72",
        cost: "3.30",
        margin: "0.42",
      },
      // F: only its correction (10 kWh), not also the original 20 kWh.
      {
        partner: "NL*ABC",
        period: "2025-03-10",
        currency: "EUR",
        sessions: 1,
        energyKwh: "10",
        revenue: "3.72",
        cost: "3.30",
        margin: "0.42",
      },
    ]);
    // Revenue 6.40 + 6.87 + 6.87 + 3.72 + 3.72 = 27.58; cost 5.26 + 6.30 + 6.30 + 3.30 + 3.30 = 24.46;
    // margin 1.14 + 0.57 + 0.57 + 0.42 + 0.42 = 3.12 (= 27.58 − 24.46); energy 10 + 20 + 20 + 10 + 10 = 70 kWh.
    expect(r.totals).toEqual({ sessions: 5, energyKwh: "70", revenue: "27.58", cost: "24.46", margin: "3.12" });
  });

  it("reports per partner, and per month", async () => {
    const byPartner = (await (
      await report(`administrationId=${WORLD.administration}&from=2025-03-01&to=2025-03-31&groupBy=partner`)
    ).json()) as MarginReport;
    // NL*ABC in March: D, A, B, F = 4 sessions, 20 + 20 + 10 + 10 = 60 kWh, revenue 6.87 + 6.87 + 3.72 + 3.72 = 21.18,
    // cost 6.30 + 6.30 + 3.30 + 3.30 = 19.20, margin 21.18 − 19.20 = 1.98.
    expect(byPartner.rows).toEqual([
      {
        partner: "CH*SWC",
        currency: "EUR",
        sessions: 1,
        energyKwh: "10",
        revenue: "6.40",
        cost: "5.26",
        margin: "1.14",
      },
      {
        partner: "NL*ABC",
        currency: "EUR",
        sessions: 4,
        energyKwh: "60",
        revenue: "21.18",
        cost: "19.20",
        margin: "1.98",
      },
    ]);

    const byMonth = (await (
      await report(`administrationId=${WORLD.administration}&from=2025-02-01&to=2025-03-31&groupBy=period&period=month`)
    ).json()) as MarginReport;
    // February: E only (D is 1 March in Amsterdam). March: the five sessions above.
    expect(byMonth.rows).toEqual([
      {
        period: "2025-02",
        currency: "EUR",
        sessions: 1,
        energyKwh: "20",
        revenue: "6.87",
        cost: "6.30",
        margin: "0.57",
      },
      {
        period: "2025-03",
        currency: "EUR",
        sessions: 5,
        energyKwh: "70",
        revenue: "27.58",
        cost: "24.46",
        margin: "3.12",
      },
    ]);
    // February + March: revenue 6.87 + 27.58 = 34.45; cost 6.30 + 24.46 = 30.76; margin 0.57 + 3.12 = 3.69.
    expect(byMonth.totals).toEqual({ sessions: 6, energyKwh: "90", revenue: "34.45", cost: "30.76", margin: "3.69" });

    // In UTC, D falls on 28 February instead.
    const utc = (await (
      await report(
        `administrationId=${WORLD.administration}&from=2025-02-01&to=2025-03-31&groupBy=period&period=month&timeZone=UTC`,
      )
    ).json()) as MarginReport;
    expect(utc.rows.map((x) => [x.period, x.sessions])).toEqual([
      ["2025-02", 2],
      ["2025-03", 4],
    ]);
  });

  it("answers CSV for Accept: text/csv and format=csv", async () => {
    const query = `administrationId=${WORLD.administration}&from=2025-03-01&to=2025-03-31&groupBy=partner,period&period=day`;
    const expected = [
      "partner,period,currency,sessions,energy_kwh,revenue_excl_vat,cost_excl_vat,margin_excl_vat",
      "CH*SWC,2025-03-07,EUR,1,10,6.40,5.26,1.14",
      "NL*ABC,2025-03-01,EUR,1,20,6.87,6.30,0.57",
      "NL*ABC,2025-03-07,EUR,1,20,6.87,6.30,0.57",
      "NL*ABC,2025-03-08,EUR,1,10,3.72,3.30,0.42",
      "NL*ABC,2025-03-10,EUR,1,10,3.72,3.30,0.42",
      "",
    ].join("\r\n");
    const accept = await report(query, { Accept: "text/csv" });
    expect(accept.status).toBe(200);
    expect(accept.headers.get("Content-Type")).toContain("text/csv");
    expect(accept.headers.get("Content-Disposition")).toContain("attachment");
    expect(await accept.text()).toBe(expected);
    const format = await report(`${query}&format=csv`);
    expect(await format.text()).toBe(expected);

    const byPartner = await report(`administrationId=${WORLD.administration}&from=2025-03-01&to=2025-03-31&format=csv`);
    expect((await byPartner.text()).split("\r\n")[0]).toBe(
      "partner,currency,sessions,energy_kwh,revenue_excl_vat,cost_excl_vat,margin_excl_vat",
    );
    // RFC 4180 quoting.
    expect(csvField("plain")).toBe("plain");
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField("two\r\nlines")).toBe('"two\r\nlines"');
  });

  it("reads revisions recorded in the earlier forms (parts as JSON text, priced as an object), with the same figures", async () => {
    const query = `administrationId=${WORLD.administration}&from=2025-02-01&to=2025-03-31&groupBy=partner`;
    const before = (await (await report(query)).json()) as MarginReport;
    expect(before.totals.sessions).toBe(6);
    const { revisions } = h.pipeline.records;
    const docs = await revisions.find({ outcome: "priced" });
    expect(docs.length).toBeGreaterThan(1);
    const originals = new Map<string, unknown>();
    // Rewrite every priced revision into one of the earlier forms, alternately: the payload, trace and priced result
    // as JSON text fields; or, earlier still, the priced result as an object and no report fields.
    for (const [i, doc] of docs.entries()) {
      const original = await h.pipeline.records.revision(doc._id);
      originals.set(doc._id, original);
      expect(doc.body).toBeInstanceOf(Uint8Array);
      const body = JSON.parse(Buffer.from(doc.body as Uint8Array).toString("utf8")) as {
        payload: unknown;
        trace: unknown;
        priced: unknown;
      };
      const text = { "input.payloadJson": JSON.stringify(body.payload), traceJson: JSON.stringify(body.trace) };
      await revisions.updateOne(
        { _id: doc._id },
        i % 2 === 0
          ? { $set: { ...text, pricedJson: JSON.stringify(body.priced) }, $unset: { body: "" } }
          : { $set: { ...text, priced: body.priced }, $unset: { body: "", report: "" } },
      );
    }
    const after = (await (await report(query)).json()) as MarginReport;
    expect(after.rows).toEqual(before.rows);
    expect(after.totals).toEqual(before.totals);
    for (const doc of docs) {
      const stored = await revisions.findOne({ _id: doc._id });
      expect(stored?.body).toBeUndefined();
      expect(await h.pipeline.records.revision(doc._id)).toEqual(originals.get(doc._id));
    }
  });

  it("validates the query", async () => {
    const missing = await report("from=2025-03-01&to=2025-03-31");
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { errors: { path: string }[] }).errors[0]?.path).toBe("query.administrationId");
    const badGroup = await report(`administrationId=${WORLD.administration}&from=2025-03-01&to=2025-03-31&groupBy=cpo`);
    expect(badGroup.status).toBe(400);
    const reversed = await report(`administrationId=${WORLD.administration}&from=2025-03-31&to=2025-03-01T00:00:00Z`);
    expect(reversed.status).toBe(400);
    const badZone = await report(
      `administrationId=${WORLD.administration}&from=2025-03-01&to=2025-03-31&timeZone=Mars/Olympus`,
    );
    expect(badZone.status).toBe(400);
    const unknown = await report("administrationId=adm-nope&from=2025-03-01&to=2025-03-31");
    expect(unknown.status).toBe(404);
    const anonymous = await h.request("/api/v1/reports/margins?administrationId=adm-nl&from=2025-03-01&to=2025-03-31");
    expect(anonymous.status).toBe(401);
  });

  it("computes local days and midnights across daylight saving time", () => {
    expect(localMidnight("2025-03-30", "Europe/Amsterdam").toISOString()).toBe("2025-03-29T23:00:00.000Z");
    expect(localMidnight("2025-03-31", "Europe/Amsterdam").toISOString()).toBe("2025-03-30T22:00:00.000Z");
    expect(periodOf(new Date("2025-03-30T22:30:00Z"), "Europe/Amsterdam", "day")).toBe("2025-03-31");
    expect(periodOf(new Date("2025-12-31T23:30:00Z"), "Europe/Amsterdam", "month")).toBe("2026-01");
  });
});
