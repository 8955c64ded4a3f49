// Every advanced check raising its reason code, through the HTTP API on real components; and the per-administration
// configuration switching a check off.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionRevision, SessionSummary } from "../../runtime/src/pipeline/index.ts";
import {
  cdr221,
  normalized,
  type PipelineHarness,
  seedWorld,
  startPipelineHarness,
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

async function ingest(body: unknown): Promise<{ session: SessionSummary; revision: SessionRevision }> {
  const res = await h.request("/api/v1/sessions", { role: "editor", json: body });
  expect(res.status).toBe(201);
  return (await res.json()) as { session: SessionSummary; revision: SessionRevision };
}

const dropOutOf = (r: { revision: SessionRevision }) => {
  expect(r.revision.outcome).toBe("dropped-out");
  expect(r.revision.dropOut?.stage).toBe("advancedChecks");
  return r.revision.dropOut!;
};

describe("advanced checks", () => {
  it("energy above duration × max power × margin", async () => {
    // EVSE-1 delivers at most 22 kW: 1 h × 22 kW × 1.1 = 24.2 kWh < 30 kWh.
    const d = dropOutOf(
      await ingest(
        cdr221({
          id: "CHK-CAP",
          start: "2025-03-03T08:00:00Z",
          end: "2025-03-03T09:00:00Z",
          kwh: 30,
          totalCost: { excl_vat: 9.3 },
        }),
      ),
    );
    expect(d.code).toBe("ENERGY_EXCEEDS_CAPACITY");
    expect(d.data).toMatchObject({ energyKwh: "30", maxPowerKw: "22", limitKwh: "24.200" });
    expect(d.message).toContain("EVSE master data");
  });

  it("a session longer than 24 hours", async () => {
    const d = dropOutOf(
      await ingest(cdr221({ id: "CHK-LONG", start: "2025-03-03T10:00:00Z", end: "2025-03-04T11:00:00Z", kwh: 20 })),
    );
    expect(d.code).toBe("DURATION_TOO_LONG");
    expect(d.data).toMatchObject({ durationHours: "25.0000", maxHours: 24 });
  });

  it("zero energy", async () => {
    const d = dropOutOf(
      await ingest(
        cdr221({
          id: "CHK-ZERO",
          start: "2025-03-03T12:00:00Z",
          end: "2025-03-03T13:00:00Z",
          kwh: 0,
          totalCost: { excl_vat: 0.3 },
        }),
      ),
    );
    expect(d.code).toBe("ZERO_ENERGY");
  });

  it("negative energy", async () => {
    const d = dropOutOf(
      await ingest(
        normalized({ id: "CHK-NEG", start: "2025-03-03T14:00:00Z", end: "2025-03-03T15:00:00Z", kwh: "-5" }),
      ),
    );
    expect(d.code).toBe("NEGATIVE_ENERGY");
    expect(d.data).toMatchObject({ energyKwh: "-5" });
  });

  it("a start in the future", async () => {
    const start = new Date(Date.now() + 2 * 86_400_000);
    start.setUTCMinutes(0, 0, 0);
    const end = new Date(start.getTime() + 3_600_000);
    const d = dropOutOf(await ingest(cdr221({ id: "CHK-FUTURE", start: start.toISOString(), end: end.toISOString() })));
    expect(d.code).toBe("START_IN_FUTURE");
  });

  it("a duplicate by session id: a second CDR of the same CPO session", async () => {
    const first = await ingest(
      cdr221({ id: "DUP-A", sessionId: "SESS-X", start: "2025-03-03T16:00:00Z", end: "2025-03-03T17:00:00Z" }),
    );
    expect(first.revision.outcome).toBe("priced");
    const d = dropOutOf(
      await ingest(
        cdr221({ id: "DUP-B", sessionId: "SESS-X", start: "2025-03-03T18:00:00Z", end: "2025-03-03T19:00:00Z" }),
      ),
    );
    expect(d.code).toBe("DUPLICATE_SESSION_ID");
    expect(d.data).toMatchObject({ duplicateOf: first.session.id, cpoSessionId: "SESS-X" });
  });

  it("a duplicate by fingerprint: same EVSE and token, start within a minute", async () => {
    const first = await ingest(cdr221({ id: "FP-A", start: "2025-03-04T08:00:00Z", end: "2025-03-04T09:00:00Z" }));
    expect(first.revision.outcome).toBe("priced");
    const d = dropOutOf(
      await ingest(cdr221({ id: "FP-B", start: "2025-03-04T08:00:30Z", end: "2025-03-04T09:00:30Z" })),
    );
    expect(d.code).toBe("DUPLICATE_FINGERPRINT");
    expect(d.data).toMatchObject({
      duplicateOf: first.session.id,
      fingerprint: "NL*ABC|EVSE-1|04AA11BB22",
      windowSeconds: 60,
    });
    // Another EVSE at the same moment is not a duplicate.
    const other = await ingest(
      cdr221({ id: "FP-C", evseUid: "EVSE-2", start: "2025-03-04T08:00:10Z", end: "2025-03-04T09:00:10Z" }),
    );
    expect(other.revision.outcome).toBe("priced");
  });

  it("a token that was not valid at the session start", async () => {
    // Token 04EE55FF66 is valid from 2025-04-01; the session is in March.
    const d = dropOutOf(
      await ingest(
        cdr221({
          id: "CHK-TOKEN",
          tokenUid: WORLD.lateToken,
          start: "2025-03-04T12:00:00Z",
          end: "2025-03-04T13:00:00Z",
        }),
      ),
    );
    expect(d.code).toBe("TOKEN_NOT_VALID_AT_START");
    expect(d.message).toContain("04EE55FF66");
  });

  it("the CPO's total_cost differs from its own tariff, with the reconciliation's classification", async () => {
    // Tariff: 2.00 EUR/h charging time, step 300 s. 14:00:00–15:58:23 is 7,103 s; by 5-minute steps 7,200 s = 2 h
    // → 4.00 EUR. The CPO billed 1.97305… h × 2.00 = 3.946 → 3.95, i.e. without the step size: −0.05 EUR.
    const tariff = {
      country_code: "NL",
      party_id: "ABC",
      id: "ABC-TIME",
      currency: "EUR",
      elements: [{ price_components: [{ type: "TIME", price: 2.0, vat: 10, step_size: 300 }] }],
      last_updated: "2025-01-01T00:00:00Z",
    };
    const d = dropOutOf(
      await ingest(
        cdr221({
          id: "CHK-TOTAL",
          start: "2025-03-04T14:00:00Z",
          end: "2025-03-04T15:58:23Z",
          kwh: 15,
          tariffs: [tariff],
          totalCost: { excl_vat: 3.95 },
        }),
      ),
    );
    expect(d.code).toBe("CPO_TOTAL_MISMATCH");
    expect(d.data).toMatchObject({ classification: "step-size", reported: "3.95", computed: "4", difference: "-0.05" });
    expect(d.message).toContain("classification: step-size");
  });

  it("collects every failing check: the first is the reason, the others are in the data", async () => {
    // 30 h and 0 kWh: zero energy (checked first) and too long.
    const d = dropOutOf(
      await ingest(
        cdr221({
          id: "CHK-TWO",
          start: "2025-03-05T00:00:00Z",
          end: "2025-03-06T06:00:00Z",
          kwh: 0,
          totalCost: { excl_vat: 0.3 },
        }),
      ),
    );
    expect(d.code).toBe("ZERO_ENERGY");
    expect(d.data?.otherFailures).toEqual([expect.objectContaining({ code: "DURATION_TOO_LONG" })]);
  });

  it("is configured per administration", async () => {
    const forbidden = await h.request(`/api/v1/pipeline/checks/${WORLD.administration}`, {
      role: "editor",
      method: "PUT",
      json: { maxDuration: { hours: 30 } },
    });
    expect(forbidden.status).toBe(403);
    const put = await h.request(`/api/v1/pipeline/checks/${WORLD.administration}`, {
      role: "admin",
      method: "PUT",
      json: { maxDuration: { hours: 30 }, zeroEnergy: { enabled: false } },
    });
    expect(put.status).toBe(200);
    const got = (await (
      await h.request(`/api/v1/pipeline/checks/${WORLD.administration}`, { role: "viewer" })
    ).json()) as {
      effective: { maxDuration: { enabled: boolean; hours: number }; zeroEnergy: { enabled: boolean } };
    };
    expect(got.effective.maxDuration).toEqual({ enabled: true, hours: 30 });
    expect(got.effective.zeroEnergy).toEqual({ enabled: false });
    // 25 hours now passes.
    const ok = await ingest(
      cdr221({ id: "CHK-LONG-OK", start: "2025-03-06T10:00:00Z", end: "2025-03-07T11:00:00Z", kwh: 20 }),
    );
    expect(ok.revision.outcome).toBe("priced");
    const bad = await h.request(`/api/v1/pipeline/checks/${WORLD.administration}`, {
      role: "admin",
      method: "PUT",
      json: { maxDuration: { hours: -1 } },
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: { path: string }[] }).errors[0]?.path).toBe("body.maxDuration.hours");
    await h.request(`/api/v1/pipeline/checks/${WORLD.administration}`, { role: "admin", method: "PUT", json: {} });
  });
});
