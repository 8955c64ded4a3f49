// The loyalty plugin in the real session pipeline: the embedded store, the plugin host with the real VAT and FX
// plugins, master data, published rulesets and the HTTP API. The world is runtime/src/pipeline/test-support.ts plus
// one PLUS contract; every expected amount is worked out by hand next to the assertion.
import { definePlugin } from "@voltrate/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionRevision, SessionSummary } from "../../../runtime/src/pipeline/index.ts";
import {
  ACTOR,
  cdr221,
  FROM,
  type PipelineHarness,
  seedWorld,
  startPipelineHarness,
  WORLD,
} from "../../../runtime/src/pipeline/test-support.ts";
import loyalty from "./plugin.ts";

const PLUGIN = "@voltrate/plugin-example-loyalty";
const PLUS_CONTRACT = "ctr-bram";
const PLUS_TOKEN = "04CC33DD44";

/** Misuses addLine on purpose, for the sessions named here. */
const misuser = definePlugin({
  name: "acme-misuser",
  version: "1.0.0",
  voltrate: "*",
  setup(ctx) {
    ctx.hooks.after("calculations", (hook) => {
      if (hook.session.sessionId === "LINE-LATE")
        hook.addLine({ side: "sales", code: "LATE", description: "too late", amount: "-1.00" });
    });
    ctx.hooks.after("rateDetermination", (hook) => {
      if (hook.session.sessionId === "LINE-BAD")
        hook.addLine({ side: "sales", code: "BAD", description: "not a number", amount: "ten" });
    });
    return {};
  },
});

let h: PipelineHarness;

beforeAll(async () => {
  // The loyalty plugin with its default configuration: PLUS, after 5 sessions, 10 %, Europe/Amsterdam.
  h = await startPipelineHarness({ plugins: [loyalty, misuser] });
  await seedWorld(h);
  await h.md.customers.create(
    {
      id: "cus-bram",
      data: {
        kind: "person",
        administrationId: WORLD.administration,
        name: "Bram Jansen",
        address: { city: "Haarlem", country: "NL" },
      },
      validFrom: FROM,
    },
    ACTOR,
  );
  await h.md.contracts.create(
    {
      id: PLUS_CONTRACT,
      data: {
        customerId: "cus-bram",
        administrationId: WORLD.administration,
        productCode: "PLUS",
        salesRulesetId: WORLD.salesRuleset,
      },
      validFrom: FROM,
    },
    ACTOR,
  );
  await h.md.tokens.create(
    { id: "tok-bram", data: { uid: PLUS_TOKEN, type: "RFID", contractId: PLUS_CONTRACT }, validFrom: FROM },
    ACTOR,
  );
});
afterAll(async () => {
  await h?.close();
});

type Posted = { session: SessionSummary; revision: SessionRevision };

async function ingest(body: unknown): Promise<Posted> {
  const res = await h.request("/api/v1/sessions", { role: "editor", json: body });
  expect(res.status).toBe(201);
  const posted = (await res.json()) as Posted;
  return { session: posted.session, revision: await latest(posted.session.id) };
}

async function latest(sessionId: string): Promise<SessionRevision> {
  const res = await h.request(`/api/v1/sessions/${sessionId}`, { role: "viewer" });
  const detail = (await res.json()) as { revisions: SessionRevision[] };
  return detail.revisions.at(-1)!;
}

/** A default AllBright CDR (20 kWh) for the PLUS contract. */
const plus = (id: string, start: string, end: string) => cdr221({ id, start, end, tokenUid: PLUS_TOKEN });

const loyaltyNotes = (r: SessionRevision) =>
  r.trace.filter((t) => t.kind === "hook" && t.plugin === PLUGIN).map((t) => t.message);

async function monthCount(month: string): Promise<number> {
  const res = await h.host.request(`/api/v1/plugins/example-loyalty/contracts/${PLUS_CONTRACT}/months/${month}`, {
    role: "viewer",
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { sessions: number }).sessions;
}

describe("loyalty discount in the pipeline", () => {
  let sixth: Posted;
  const ids = new Map<string, string>();

  it("counts sessions per local calendar month and discounts from the sixth", async () => {
    // 2025-02-28 23:30 UTC is 2025-03-01 00:30 in Amsterdam (CET, UTC+1): a March session.
    const first = await ingest(plus("LOY-1", "2025-02-28T23:30:00Z", "2025-03-01T00:30:00Z"));
    expect(first.revision.outcome).toBe("priced");
    expect(loyaltyNotes(first.revision)).toEqual(["session 1 of contract ctr-bram in 2025-03: no discount yet"]);

    for (const day of [2, 3, 4, 5]) {
      const r = await ingest(plus(`LOY-${day}`, `2025-03-0${day}T10:00:00Z`, `2025-03-0${day}T11:00:00Z`));
      expect(r.revision.outcome).toBe("priced");
      ids.set(`LOY-${day}`, r.session.id);
      expect(loyaltyNotes(r.revision)).toEqual([`session ${day} of contract ctr-bram in 2025-03: no discount yet`]);
      expect(r.revision.priced?.sales.lines.some((l) => l.code === "LOYALTY")).toBe(false);
    }

    // 2025-03-31 22:30 UTC is 2025-04-01 00:30 in Amsterdam (CEST since 30 March, UTC+2): April's first session.
    const april = await ingest(plus("LOY-APR", "2025-03-31T22:30:00Z", "2025-03-31T23:30:00Z"));
    expect(loyaltyNotes(april.revision)).toEqual(["session 1 of contract ctr-bram in 2025-04: no discount yet"]);

    sixth = await ingest(plus("LOY-6", "2025-03-06T10:00:00Z", "2025-03-06T11:00:00Z"));
    expect(sixth.revision.outcome).toBe("priced");
    expect(loyaltyNotes(sixth.revision)).toEqual([
      "session 6 of contract ctr-bram in 2025-03: 10% loyalty discount",
      // The line as the pipeline joined it (see the amounts below).
      "sales line LOYALTY -0.69 EUR added (Loyalty discount 10% (session 6 in 2025-03)); sales now 6.18 EUR excl. VAT",
    ]);
  });

  it("prices the discount line with VAT on the discounted amount", () => {
    const priced = sixth.revision.priced!;
    // Purchase (AllBright ruleset): 0.30 start fee + 20 kWh × 0.30 = 6.30 EUR.
    expect(priced.purchase.amounts.exclVat).toBe("6.30");
    // Sales before the discount: 6.30 × 1.05 + 0.25 = 6.865 → 6.87 EUR (the markup line, rounded half-up).
    // Discount: 10 % of 6.87 = 0.687 → 0.69 (half-up to cents), as a line of -0.69.
    const line = priced.sales.lines.find((l) => l.code === "LOYALTY");
    expect(line).toEqual({
      ruleId: `plugin:${PLUGIN}`,
      code: "LOYALTY",
      description: "Loyalty discount 10% (session 6 in 2025-03)",
      amountExclVat: "-0.69",
    });
    // Sales excl. VAT 6.87 − 0.69 = 6.18; VAT 21 % of 6.18 = 1.2978 → 1.30; incl. 6.18 + 1.30 = 7.48.
    expect(priced.sales.exclVat).toBe("6.18");
    expect(priced.sales.amounts).toMatchObject({ exclVat: "6.18", vatPercent: "21", vat: "1.30", inclVat: "7.48" });
    // Margin 6.18 − 6.30 = -0.12 (the negative-margin check is off by default).
    expect(priced.margin.exclVat).toBe("-0.12");
    expect(priced.totals).toMatchObject({ salesExclVat: "6.18", salesVat: "1.30", salesInclVat: "7.48" });
    const event = h.priced.find((e) => e.sessionId === sixth.session.id);
    expect(event?.totals).toEqual({ currency: "EUR", exclVat: "6.18", inclVat: "7.48" });
  });

  it("does not count a reprocessed session twice", async () => {
    expect(await monthCount("2025-03")).toBe(6);
    const again = await h.pipeline.reprocess(sixth.session.id, undefined, "test: reprocess");
    expect(again.outcome).toBe("reprocessed");
    expect(loyaltyNotes(again.revision)[0]).toBe("session 6 of contract ctr-bram in 2025-03: 10% loyalty discount");
    expect(again.revision.priced?.sales.amounts.inclVat).toBe("7.48");
    // An earlier session reprocessed keeps its place too.
    const second = await h.pipeline.reprocess(ids.get("LOY-2")!);
    expect(loyaltyNotes(second.revision)[0]).toBe("session 2 of contract ctr-bram in 2025-03: no discount yet");
    expect(await monthCount("2025-03")).toBe(6);
    expect(await monthCount("2025-04")).toBe(1);
  });

  it("leaves contracts without the product alone", async () => {
    // The seeded contract ctr-anna is FLEX.
    const r = await ingest(cdr221({ id: "FLEX-1", start: "2025-03-07T12:00:00Z", end: "2025-03-07T13:00:00Z" }));
    expect(r.revision.outcome).toBe("priced");
    expect(loyaltyNotes(r.revision)).toEqual([]);
    expect(r.revision.priced?.sales.amounts.exclVat).toBe("6.87");
  });
});

describe("addLine outside after:rateDetermination or with a bad amount", () => {
  it("turns addLine in another stage into PLUGIN_HOOK_FAILED", async () => {
    const r = await ingest(cdr221({ id: "LINE-LATE", start: "2025-03-08T08:00:00Z", end: "2025-03-08T09:00:00Z" }));
    expect(r.revision.dropOut).toMatchObject({ stage: "calculations", code: "PLUGIN_HOOK_FAILED" });
    expect(r.revision.dropOut?.message).toBe(
      'plugin "acme-misuser" failed in its after:calculations hook: addLine is allowed in after:rateDetermination hooks only, not in after:calculations',
    );
  });

  it("turns an amount that is not a decimal into PLUGIN_HOOK_FAILED", async () => {
    const r = await ingest(cdr221({ id: "LINE-BAD", start: "2025-03-08T10:00:00Z", end: "2025-03-08T11:00:00Z" }));
    expect(r.revision.dropOut).toMatchObject({ stage: "rateDetermination", code: "PLUGIN_HOOK_FAILED" });
    expect(r.revision.dropOut?.message).toContain('addLine: amount: expected a decimal string such as "-1.25"');
  });
});
