// From OCPI CDR JSON over HTTP to a priced session, on real components: the embedded store, the real VAT and FX
// plugins, master data and published rule versions. Expected amounts are worked out by hand next to each assertion.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionRevision, SessionSummary } from "../../runtime/src/pipeline/index.ts";
import {
  cdr221,
  type PipelineHarness,
  seedWorld,
  startPipelineHarness,
  swissCdr221,
  WORLD,
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

async function post(body: unknown): Promise<{ status: number; json: Posted }> {
  const res = await h.request("/api/v1/sessions", { role: "editor", json: body });
  return { status: res.status, json: (await res.json()) as Posted };
}

describe("OCPI 2.2.1 CDR → priced session", () => {
  it("prices both sides of a Dutch session with Dutch VAT", async () => {
    const { status, json } = await post(cdr221({ id: "E2E-NL-1" }));
    expect(status).toBe(201);
    expect(json.outcome).toBe("created");
    const r = json.revision;
    expect(r.outcome).toBe("priced");
    expect(r.stages.map((s) => `${s.stage}:${s.status}`)).toEqual([
      "basicChecks:passed",
      "lookups:passed",
      "advancedChecks:passed",
      "rateDetermination:passed",
      "calculations:passed",
      "pricedSession:passed",
    ]);
    const p = r.priced!;
    // Purchase (ruleset purchase-abc): start fee 0.30 + 20 kWh × 0.30 = 6.00 → 6.30 EUR excl. VAT.
    expect(p.purchase.source).toBe("ruleset");
    expect(p.purchase.lines.map((l) => [l.code, l.amountExclVat])).toEqual([
      ["START_FEE", "0.30"],
      ["ENERGY", "6.00"],
    ]);
    // Purchase VAT: the CPO (NL) supplies us (NL) at a Dutch charge point → domestic NL 21 %: 6.30 × 0.21 = 1.323 → 1.32.
    expect(p.purchase.amounts).toEqual({
      currency: "EUR",
      exclVat: "6.30",
      vatPercent: "21",
      vat: "1.32",
      inclVat: "7.62",
      reverseCharge: false,
    });
    // Sales (sales-nl, rule roaming-abc): 6.30 × 1.05 + 0.25 = 6.615 + 0.25 = 6.865 → 6.87 EUR (half up).
    expect(p.sales.matchedRuleIds).toEqual(["roaming-abc"]);
    // Sales VAT: we supply a consumer at a Dutch charge point → NL 21 %: 6.87 × 0.21 = 1.4427 → 1.44; 6.87 + 1.44 = 8.31.
    expect(p.sales.amounts).toEqual({
      currency: "EUR",
      exclVat: "6.87",
      vatPercent: "21",
      vat: "1.44",
      inclVat: "8.31",
      reverseCharge: false,
    });
    // Margin: 6.87 − 6.30 = 0.57.
    expect(p.totals).toEqual({
      currency: "EUR",
      purchaseExclVat: "6.30",
      purchaseInclVat: "7.62",
      salesExclVat: "6.87",
      salesVat: "1.44",
      salesInclVat: "8.31",
      marginExclVat: "0.57",
    });
    // Versions used: both rulesets at version 1, and every master-data entity with its version.
    expect(p.versions.rulesets.map((v) => `${v.side}:${v.rulesetId}@${v.version}`)).toEqual([
      "sales:sales-nl@1",
      "purchase:purchase-abc@1",
    ]);
    expect(p.versions.masterData.map((m) => m.entityType).sort()).toEqual(
      ["administration", "agreement", "contract", "customer", "location", "party", "token"].sort(),
    );
    expect(p.rates.vat.map((v) => `${v.side}:${v.placeOfSupply}:${v.ratePercent}`)).toEqual([
      "purchase:NL:21",
      "sales:NL:21",
    ]);
    expect(p.rates.fx).toEqual([]);
    expect(h.priced.some((e) => e.sessionId === json.session.id && e.totals.inclVat === "8.31")).toBe(true);
  });

  it("converts a Swiss CPO's CHF price at the ECB rate of the session date", async () => {
    const { status, json } = await post(
      // 10 kWh × 0.50 = 5.00 CHF; × 1.081 = 5.405 → 5.41.
      swissCdr221({ id: "E2E-CH-1" }),
    );
    expect(status).toBe(201);
    const r = json.revision;
    expect(r.dropOut).toBeUndefined();
    const p = r.priced!;
    // Purchase with the CPO's own tariff (agreement agr-swc: ocpi-tariffs): 10 kWh × 0.50 = 5.00 CHF.
    expect(p.purchase.source).toBe("cpo-tariffs");
    expect(p.purchase.currency).toBe("CHF");
    expect(p.purchase.exclVat).toBe("5.00");
    // ECB fixture 2025-03-07: 0.9500 CHF per EUR → CHF→EUR = 1 / 0.95 = 1.0526315789… → 1.052631579 (10 significant).
    expect(p.purchase.fx?.rate).toBe("1.052631579");
    expect(p.purchase.fx?.publishedOn).toBe("2025-03-07");
    // 5.00 × 1.052631579 = 5.263157895 → 5.26 EUR. Place of supply CH (the charge point); the CPO is established
    // there, so it charges Swiss VAT 8.1 %: 5.26 × 0.081 = 0.42606 → 0.43; incl. 5.69.
    expect(p.purchase.amounts).toEqual({
      currency: "EUR",
      exclVat: "5.26",
      vatPercent: "8.1",
      vat: "0.43",
      inclVat: "5.69",
      reverseCharge: false,
    });
    // Sales: the sales ruleset (EUR) sees the purchase cost in EUR, 5.26; rule roaming-default:
    // 5.26 × 1.15 + 0.35 = 6.049 + 0.35 = 6.399 → 6.40 EUR. A consumer at a Swiss charge point: CH 8.1 %:
    // 6.40 × 0.081 = 0.5184 → 0.52; incl. 6.92. Margin 6.40 − 5.26 = 1.14.
    expect(p.sales.matchedRuleIds).toEqual(["roaming-default"]);
    expect(p.totals).toEqual({
      currency: "EUR",
      purchaseExclVat: "5.26",
      purchaseInclVat: "5.69",
      salesExclVat: "6.40",
      salesVat: "0.52",
      salesInclVat: "6.92",
      marginExclVat: "1.14",
    });
    expect(p.rates.fx.map((f) => `${f.from}→${f.to} ${f.rate} ${f.publishedOn}`)).toEqual([
      "CHF→EUR 1.052631579 2025-03-07",
      "CHF→EUR 1.052631579 2025-03-07",
    ]);
  });

  it("prices an OCPI 2.1.1 CDR, its CPO read from the EVSE id, and a CDR in an OCPI envelope", async () => {
    const cdr211 = {
      id: "E2E-211-1",
      start_date_time: "2025-03-07T12:00:00Z",
      stop_date_time: "2025-03-07T13:00:00Z",
      auth_id: WORLD.token,
      auth_method: "WHITELIST",
      location: {
        id: WORLD.locationNl,
        type: "ON_STREET",
        address: "Damrak 1",
        city: "Amsterdam",
        postal_code: "1012 LG",
        country: "NLD",
        coordinates: { latitude: "52.37403", longitude: "4.88969" },
        evses: [
          {
            uid: "EVSE-1",
            evse_id: "NL*ABC*E1",
            status: "AVAILABLE",
            connectors: [
              {
                id: "1",
                standard: "IEC_62196_T2",
                format: "SOCKET",
                power_type: "AC_3_PHASE",
                voltage: 230,
                amperage: 32,
                last_updated: "2025-01-01T00:00:00Z",
              },
            ],
            last_updated: "2025-01-01T00:00:00Z",
          },
        ],
        time_zone: "Europe/Amsterdam",
        last_updated: "2025-01-01T00:00:00Z",
      },
      currency: "EUR",
      tariffs: [
        {
          id: "ABC-OCPI-211",
          currency: "EUR",
          elements: [
            {
              price_components: [
                { type: "FLAT", price: 0.3, step_size: 1 },
                { type: "ENERGY", price: 0.3, step_size: 1 },
              ],
            },
          ],
          last_updated: "2025-01-01T00:00:00Z",
        },
      ],
      charging_periods: [{ start_date_time: "2025-03-07T12:00:00Z", dimensions: [{ type: "ENERGY", volume: 20 }] }],
      total_cost: 6.3,
      total_energy: 20,
      total_time: 1,
      total_parking_time: 0,
      last_updated: "2025-03-07T13:00:00Z",
    };
    const { status, json } = await post(cdr211);
    expect(status).toBe(201);
    expect(json.session).toMatchObject({ sourceParty: "NL*ABC", sessionId: "E2E-211-1", format: "ocpi-2.1.1" });
    // The same prices as the 2.2.1 CDR: 6.30 purchase, 6.87 sales, 8.31 incl. VAT.
    expect(json.revision.priced?.totals).toMatchObject({ purchaseExclVat: "6.30", salesInclVat: "8.31" });

    // An OCPI response envelope holding a batch of one.
    const enveloped = await h.request("/api/v1/sessions", {
      role: "editor",
      json: {
        data: [cdr221({ id: "E2E-ENV-1", start: "2025-03-07T14:00:00Z", end: "2025-03-07T15:00:00Z" })],
        status_code: 1000,
        timestamp: "2025-03-07T15:00:01Z",
      },
    });
    expect(enveloped.status).toBe(200);
    const batch = (await enveloped.json()) as { results: { status: number; outcome: string }[] };
    expect(batch.results).toEqual([expect.objectContaining({ status: 201, outcome: "created" })]);

    // Without an EVSE id the 2.1.1 CDR's CPO must be given.
    const anonymous = { ...cdr211, id: "E2E-211-2", location: { ...cdr211.location, evses: [] } };
    const refused = await h.request("/api/v1/sessions", { role: "editor", json: anonymous });
    expect(refused.status).toBe(400);
    const given = await h.request("/api/v1/sessions?party=NL*ABC", { role: "editor", json: anonymous });
    expect(given.status).toBe(201);
  });

  it("shows the session with its revisions, stages and trace", async () => {
    const list = await h.request("/api/v1/sessions?status=priced&party=NL*ABC", { role: "viewer" });
    expect(list.status).toBe(200);
    const body = (await list.json()) as { items: SessionSummary[]; total: number };
    const nl = body.items.find((s) => s.sessionId === "E2E-NL-1");
    expect(nl?.totals?.salesInclVat).toBe("8.31");
    const res = await h.request(`/api/v1/sessions/${nl?.id}`, { role: "viewer" });
    const detail = (await res.json()) as { session: SessionSummary; revisions: SessionRevision[] };
    expect(detail.revisions).toHaveLength(1);
    expect(detail.revisions[0]?.trace.map((t) => t.stage)).toContain("calculations");
    expect(detail.revisions[0]?.input.format).toBe("ocpi-2.2.1");
  });
});
