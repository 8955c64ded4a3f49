// POST /api/v1/rulesets/{id}/simulate with `sessionId`: a stored session priced again with a version or the draft, over
// real components (the pipeline harness: store, master data, rules service, pipeline) and real HTTP (app.request).
//
// The world (runtime/src/pipeline/test-support.ts): AllBright (NL*ABC) charges 0.30 EUR + 0.30 EUR/kWh excl. VAT, so
// the default CDR (20 kWh, Friday 2025-03-07 10:00–11:00 UTC) costs 0.30 + 20 × 0.30 = 6.30 EUR. The sales rule set
// "sales-nl" v1 adds 5 % and 0.25 EUR at AllBright: 6.30 × 1.05 + 0.25 = 6.865 → 6.87 EUR excl. VAT.
import type { Role } from "@voltrate/sdk";
import type { Ruleset } from "@voltrate/sdk/rules";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { masterDataPort } from "../../pipeline/master-data-port.ts";
import {
  cdr221,
  type PipelineHarness,
  salesRuleset,
  startPipelineHarness,
  WORLD,
} from "../../pipeline/test-support.ts";
import { rulesRoutes } from "./rulesets.ts";

let h: PipelineHarness;
let pricedId: string;
let droppedId: string;

type Json = Record<string, unknown>;
type Evaluation = {
  status: string;
  totals?: { exclVat: string };
  matchedRuleIds?: string[];
  lines: { ruleId: string; amountExclVat: string }[];
};

const simulate = (body: unknown, role: Role = "editor") =>
  h.request(`/api/v1/rulesets/${WORLD.salesRuleset}/simulate`, { role, json: body });

async function ingest(cdr: Json): Promise<{ id: string; status: string }> {
  const res = await h.request("/api/v1/sessions", { role: "editor", json: cdr });
  expect(res.status).toBe(201);
  const body = (await res.json()) as { session: { id: string; status: string } };
  return body.session;
}

beforeAll(async () => {
  // The harness's app serves the sessions; the rule set routes are added to it.
  h = await startPipelineHarness({
    world: true,
    routes: ({ host, rules, pipeline, md }) => [
      rulesRoutes({
        service: rules,
        apiKeys: host.apiKeys,
        sessions: pipeline.records,
        masterData: masterDataPort(md),
      }),
    ],
  });
  const priced = await ingest(cdr221({ id: "CDR-SIM-1" }));
  expect(priced.status).toBe("priced");
  pricedId = priced.id;
  // An unknown token: the pipeline drops it out at the lookups, but its input is stored all the same.
  const dropped = await ingest(
    cdr221({ id: "CDR-SIM-2", tokenUid: "04UNKNOWN", start: "2025-03-07T14:00:00Z", end: "2025-03-07T15:00:00Z" }),
  );
  expect(dropped.status).toBe("dropped-out");
  droppedId = dropped.id;
});

afterAll(async () => {
  await h?.close();
});

describe("simulate a stored session", () => {
  it("prices the stored input with the version in effect at the session's start", async () => {
    const res = await simulate({ sessionId: pricedId });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      target: { kind: string; version: number };
      evaluation: Evaluation;
      source: string;
      storedSession: { id: string; revision: number; format: string; start: string };
    };
    expect(body.target).toMatchObject({ kind: "version", version: 1 });
    expect(body.source).toBe("ocpi-2.2.1");
    expect(body.storedSession).toEqual({
      id: pricedId,
      revision: 1,
      format: "ocpi-2.2.1",
      start: "2025-03-07T10:00:00.000Z",
    });
    expect(body.evaluation.status).toBe("priced");
    // 6.30 billed purchase cost × 1.05 + 0.25 = 6.865 → 6.87 (rule "roaming-abc").
    expect(body.evaluation.totals?.exclVat).toBe("6.87");
    expect(body.evaluation.lines.map((l) => l.ruleId)).toEqual(["roaming-abc"]);
  });

  it("uses the draft when asked, with the facts the pipeline looks up (the contract's product)", async () => {
    // The contract of the token has product FLEX — only the master data knows it, the CDR does not.
    const draft: Ruleset = {
      ...salesRuleset,
      rules: [
        {
          id: "flex",
          name: "FLEX product",
          enabled: true,
          condition: { op: "eq", property: "product", value: "FLEX" },
          outcome: { type: "markup", base: "none", fixed: "5.00" },
        },
        ...salesRuleset.rules,
      ],
    };
    const saved = await h.request(`/api/v1/rulesets/${WORLD.salesRuleset}/draft`, {
      method: "PUT",
      role: "editor",
      json: { content: draft },
    });
    expect(saved.status).toBe(200);
    const res = await simulate({ sessionId: pricedId, version: "draft" });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { target: { kind: string }; evaluation: Evaluation };
    expect(body.target.kind).toBe("draft");
    expect(body.evaluation.totals?.exclVat).toBe("5.00");
    expect(body.evaluation.lines.map((l) => l.ruleId)).toEqual(["flex"]);
  });

  it("prices a dropped-out session from its input: the CDR's total cost as the purchase cost", async () => {
    const res = await simulate({ sessionId: droppedId, version: 1 });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { evaluation: Evaluation; storedSession: { id: string } };
    expect(body.storedSession.id).toBe(droppedId);
    // total_cost 6.30 → 6.30 × 1.05 + 0.25 = 6.87.
    expect(body.evaluation.totals?.exclVat).toBe("6.87");
  });

  it("overrides the purchase cost when one is sent", async () => {
    const res = await simulate({ sessionId: pricedId, version: 1, purchaseCost: { exclVat: "10.00" } });
    const body = (await res.json()) as { evaluation: Evaluation };
    // 10.00 × 1.05 + 0.25 = 10.75.
    expect(body.evaluation.totals?.exclVat).toBe("10.75");
  });

  it("answers 404 problem JSON for an unknown session", async () => {
    const res = await simulate({ sessionId: "ses_doesnotexist" });
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    const body = (await res.json()) as Json;
    expect(body.type).toBe("urn:voltrate:problem:not-found");
    expect(body.detail).toMatch(/ses_doesnotexist/);
  });

  it("wants exactly one of session, cdr and sessionId; and the editor role", async () => {
    const both = await simulate({ sessionId: pricedId, cdr: cdr221() });
    expect(both.status).toBe(400);
    const none = await simulate({ version: 1 });
    expect(none.status).toBe(400);
    expect(JSON.stringify(await none.json())).toMatch(/exactly one of `session`/);
    const viewer = await simulate({ sessionId: pricedId }, "viewer");
    expect(viewer.status).toBe(403);
  });
});
