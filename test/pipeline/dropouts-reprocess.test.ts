// Drop-outs grouped into cases, and back through reprocessing: after fixing the master data, and with instructions
// (treat token as, accept the CPO's price, use ruleset, write off, reject).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DropOutCaseSummary, SessionRevision, SessionSummary } from "../../runtime/src/pipeline/index.ts";
import {
  ACTOR,
  addCpoWithLocation,
  cdr221,
  FROM,
  type PipelineHarness,
  publishRuleset,
  salesRuleset,
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

type Posted = { outcome: string; session: SessionSummary; revision: SessionRevision };

async function ingest(body: unknown): Promise<Posted> {
  const res = await h.request("/api/v1/sessions", { role: "editor", json: body });
  expect(res.status).toBe(201);
  return (await res.json()) as Posted;
}

async function reprocess(id: string, json: unknown = {}): Promise<Posted> {
  const res = await h.request(`/api/v1/sessions/${id}/reprocess`, { role: "editor", json });
  expect(res.status).toBe(201);
  return (await res.json()) as Posted;
}

async function cases(query = ""): Promise<DropOutCaseSummary[]> {
  const res = await h.request(`/api/v1/dropouts${query}`, { role: "viewer" });
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: DropOutCaseSummary[] }).items;
}

const hour = (day: number, hh: number) => ({
  start: `2025-03-${String(day).padStart(2, "0")}T${String(hh).padStart(2, "0")}:00:00Z`,
  end: `2025-03-${String(day).padStart(2, "0")}T${String(hh + 1).padStart(2, "0")}:00:00Z`,
});

describe("drop-out cases", () => {
  it("groups failed sessions by stage, reason and party, with counts and amounts at stake", async () => {
    // Three sessions with an unknown token from AllBright: one case, 3 × 6.30 = 18.90 EUR at stake.
    const failed = [];
    for (let i = 0; i < 3; i++) {
      failed.push(await ingest(cdr221({ id: `UNK-${i}`, tokenUid: "CAFE0001", ...hour(10, 8 + i) })));
    }
    for (const f of failed) {
      expect(f.revision.outcome).toBe("dropped-out");
      expect(f.revision.dropOut).toMatchObject({ stage: "lookups", code: "TOKEN_UNKNOWN", groupKey: "party:NL*ABC" });
    }
    const caseId = failed[0]!.revision.dropOut!.caseId;
    expect(new Set(failed.map((f) => f.revision.dropOut?.caseId))).toEqual(new Set([caseId]));
    expect(h.dropOuts.filter((e) => e.caseId === caseId)).toHaveLength(3);

    const list = await cases("?stage=lookups");
    const c = list.find((x) => x.id === caseId);
    expect(c).toMatchObject({
      stage: "lookups",
      code: "TOKEN_UNKNOWN",
      groupKey: "party:NL*ABC",
      openSessions: 3,
      totalSessions: 3,
      amountsAtStake: [{ currency: "EUR", exclVat: "18.90" }],
      withoutAmount: 0,
      status: "open",
    });
    const one = (await (
      await h.request(`/api/v1/dropouts/${caseId}`, { role: "viewer" })
    ).json()) as DropOutCaseSummary;
    expect(one.openSessions).toBe(3);
    const sessions = (await (
      await h.request(`/api/v1/dropouts/${caseId}/sessions?limit=2`, { role: "viewer" })
    ).json()) as {
      items: SessionSummary[];
      total: number;
    };
    expect(sessions.total).toBe(3);
    expect(sessions.items.map((s) => s.sessionId)).toEqual(["UNK-0", "UNK-1"]);
    const missing = await h.request("/api/v1/dropouts/case_nope", { role: "viewer" });
    expect(missing.status).toBe(404);
  });

  it("groups ruleset drop-outs by rule", async () => {
    // The sales ruleset drops sessions at DE*BLK (rule no-agreement). Give DE*BLK a location and an agreement.
    await addCpoWithLocation(
      h,
      { countryCode: "DE", partyId: "BLK", name: "Blocked GmbH" },
      { locationId: "LOC-BER", city: "Berlin", country: "DE", timeZone: "Europe/Berlin" },
      { uid: "B1", currentType: "AC", maxPowerKw: "22" },
    );
    const r = await ingest(
      cdr221({ id: "BLK-1", party: "DE*BLK", locationId: "LOC-BER", evseUid: "B1", country: "DEU", ...hour(11, 8) }),
    );
    expect(r.revision.dropOut).toMatchObject({
      stage: "rateDetermination",
      code: "SALES_RULES_DROPOUT",
      groupKey: "rule:sales-nl/no-agreement:NO_AGREEMENT",
    });
    expect(r.revision.dropOut?.data).toMatchObject({
      rulesetId: "sales-nl",
      ruleId: "no-agreement",
      rulesetReason: "NO_AGREEMENT",
    });
    expect(r.revision.dropOut?.amountAtStake).toEqual({ currency: "EUR", exclVat: "6.30" });
  });

  it("prices a dropped-out session after the master data is fixed, as a new linked revision", async () => {
    const first = await ingest(cdr221({ id: "FIX-1", tokenUid: "CAFE0002", ...hour(12, 8) }));
    expect(first.revision.dropOut?.code).toBe("TOKEN_UNKNOWN");
    const caseId = first.revision.dropOut!.caseId;
    const before = (await cases()).find((c) => c.id === caseId);

    await h.md.tokens.create(
      {
        data: { uid: "CAFE0002", type: "RFID", contractId: WORLD.contract },
        validFrom: FROM,
        reason: "card was missing",
      },
      ACTOR,
    );
    const again = await reprocess(first.session.id, { reason: "token added to master data" });
    expect(again.outcome).toBe("reprocessed");
    expect(again.revision).toMatchObject({
      revision: 2,
      kind: "reprocess",
      previousRevisionId: first.revision.id,
      outcome: "priced",
      reason: "token added to master data",
    });
    expect(again.revision.priced?.totals.salesInclVat).toBe("8.31");
    expect(again.session.status).toBe("priced");
    expect(again.session.dropOut).toBeUndefined();
    // The case has one session fewer.
    const after = (await cases("?status=all")).find((c) => c.id === caseId);
    expect(after?.openSessions).toBe((before?.openSessions ?? 0) - 1);
    // The first revision still says what happened then.
    const detail = (await (await h.request(`/api/v1/sessions/${first.session.id}`, { role: "viewer" })).json()) as {
      revisions: SessionRevision[];
    };
    expect(detail.revisions.map((r) => r.outcome)).toEqual(["dropped-out", "priced"]);
  });

  it("applies instructions on reprocess and shows them in the trace", async () => {
    // treat token as: an unknown card counted as Anna's.
    const unknown = await ingest(cdr221({ id: "INS-TOKEN", tokenUid: "CAFE0003", ...hour(13, 8) }));
    expect(unknown.revision.dropOut?.code).toBe("TOKEN_UNKNOWN");
    const treated = await reprocess(unknown.session.id, {
      instruction: { type: "treatTokenAs", tokenUid: WORLD.token },
    });
    expect(treated.revision.outcome).toBe("priced");
    expect(treated.revision.instruction).toEqual({ type: "treatTokenAs", tokenUid: WORLD.token });
    expect(treated.revision.trace.filter((t) => t.kind === "instruction").map((t) => t.message)).toEqual([
      `instruction: treat the token as ${WORLD.token}`,
      `token CAFE0003 treated as ${WORLD.token}`,
    ]);

    // accept the CPO's price: its total 7.00 differs from its tariff (6.30) → CPO_TOTAL_MISMATCH; accepted, the
    // purchase cost is 7.00 and the sales price 7.00 × 1.05 + 0.25 = 7.60.
    const mismatch = await ingest(cdr221({ id: "INS-ACCEPT", ...hour(13, 10), totalCost: { excl_vat: 7.0 } }));
    expect(mismatch.revision.dropOut?.code).toBe("CPO_TOTAL_MISMATCH");
    expect(mismatch.revision.dropOut?.data?.classification).toBe("unknown");
    const accepted = await reprocess(mismatch.session.id, {
      instruction: { type: "acceptCpoPrice", comment: "agreed by phone" },
    });
    expect(accepted.revision.outcome).toBe("priced");
    expect(accepted.revision.priced?.purchase.source).toBe("cpo-reported");
    expect(accepted.revision.priced?.totals).toMatchObject({ purchaseExclVat: "7.00", salesExclVat: "7.60" });

    // use ruleset: price the sales side with another ruleset (a flat 10 % markup).
    await publishRuleset(h.rules, {
      ...salesRuleset,
      id: "sales-special",
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
    const base = await ingest(cdr221({ id: "INS-RULESET", ...hour(13, 12) }));
    const special = await reprocess(base.session.id, {
      instruction: { type: "useRuleset", side: "sales", rulesetId: "sales-special" },
    });
    // 6.30 × 1.10 = 6.93.
    expect(special.revision.priced?.totals.salesExclVat).toBe("6.93");
    expect(special.revision.priced?.versions.rulesets).toContainEqual(
      expect.objectContaining({ side: "sales", rulesetId: "sales-special", version: 1, byInstruction: true }),
    );

    // write off and reject close the session without pricing.
    const w = await reprocess(mismatch.session.id, {
      instruction: { type: "writeOff", comment: "not worth disputing" },
    });
    expect(w.revision.outcome).toBe("written-off");
    expect(w.session.status).toBe("written-off");
    expect(w.revision.priced).toBeUndefined();
    const rj = await reprocess(unknown.session.id, { instruction: { type: "reject" } });
    expect(rj.session.status).toBe("rejected");
    expect(rj.revision.stages.every((s) => s.status === "skipped")).toBe(true);

    const bad = await h.request(`/api/v1/sessions/${unknown.session.id}/reprocess`, {
      role: "editor",
      json: { instruction: { type: "pray" } },
    });
    expect(bad.status).toBe(400);
    const nobody = await h.request("/api/v1/sessions/ses_nope/reprocess", { role: "editor", json: {} });
    expect(nobody.status).toBe(404);
  });

  it("lists sessions by status, party, case and date", async () => {
    const dropped = (await (
      await h.request("/api/v1/sessions?status=dropped-out&limit=500", { role: "viewer" })
    ).json()) as {
      items: SessionSummary[];
      total: number;
    };
    expect(dropped.items.every((s) => s.status === "dropped-out")).toBe(true);
    expect(dropped.total).toBeGreaterThanOrEqual(3);
    const inRange = (await (
      await h.request("/api/v1/sessions?from=2025-03-12&to=2025-03-13&party=NL*ABC", { role: "viewer" })
    ).json()) as { items: SessionSummary[] };
    expect(inRange.items.map((s) => s.sessionId)).toEqual(["FIX-1"]);
    const badQuery = await h.request("/api/v1/sessions?status=lost", { role: "viewer" });
    expect(badQuery.status).toBe(400);
    expect(((await badQuery.json()) as { errors: { path: string }[] }).errors[0]?.path).toBe("query.status");
  });

  it("lists the reason-code catalogue", async () => {
    const res = await h.request("/api/v1/pipeline/reason-codes", { role: "viewer" });
    const body = (await res.json()) as { items: { code: string; stages: string[] }[] };
    expect(body.items.find((i) => i.code === "CPO_TOTAL_MISMATCH")?.stages).toEqual(["advancedChecks"]);
  });
});
