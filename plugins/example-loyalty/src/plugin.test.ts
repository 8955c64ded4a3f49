// The plugin on the real runtime components (startPluginTestHost): configuration checked by the host, the hook run
// through the hook registry, the store collection and the route with real API keys.
import { type PluginTestHost, startPluginTestHost } from "@voltrate/runtime/testing";
import { afterEach, describe, expect, it } from "vitest";
import { localMonth } from "./month.ts";
import plugin, { type LoyaltySessionDoc, SESSIONS_COLLECTION } from "./plugin.ts";

const API = "/api/v1/plugins/example-loyalty";
const PLUGIN = "@voltrate/plugin-example-loyalty";

const hosts: PluginTestHost[] = [];
afterEach(async () => {
  for (const t of hosts.splice(0)) await t.close();
});

async function start(config?: unknown): Promise<PluginTestHost> {
  const t = await startPluginTestHost({ plugins: [{ plugin, config }] });
  hosts.push(t);
  return t;
}

/** The hook view after rate determination, as the pipeline builds it (only what the plugin reads and a bit more). */
const view = (id: string, start: string, o: { contractId?: string; product?: string; exclVat?: string } = {}) => ({
  id,
  sessionId: id,
  start,
  contractId: o.contractId ?? "ctr-1",
  product: o.product ?? "PLUS",
  subscription: null,
  sales: { currency: "EUR", exclVat: o.exclVat ?? "10.04", lines: [] },
});

const run = (t: PluginTestHost, v: ReturnType<typeof view>) => t.hooks.run("rateDetermination", "after", v);

describe("configuration", () => {
  it("has defaults", () => {
    expect(plugin.configSchema?.parse({})).toEqual({
      products: ["PLUS"],
      afterSessions: 5,
      discountPercent: "10",
      timeZone: "Europe/Amsterdam",
    });
  });

  it("refuses to start with a time zone that does not exist", async () => {
    await expect(
      startPluginTestHost({ plugins: [{ plugin, config: { timeZone: "Europe/Atlantis" } }] }),
    ).rejects.toThrow(/timeZone.*IANA time zone/);
  });

  it("refuses a discount that is not a percentage", () => {
    expect(plugin.configSchema?.safeParse({ discountPercent: "150" }).success).toBe(false);
    expect(plugin.configSchema?.safeParse({ discountPercent: "ten" }).success).toBe(false);
  });
});

describe("the hook", () => {
  it("adds a line from the (N+1)th session, attributed to the plugin", async () => {
    const t = await start({ afterSessions: 1, discountPercent: "12.5" });
    const first = await run(t, view("ses_a", "2026-03-02T09:00:00Z"));
    expect(first.lines).toEqual([]);
    expect(first.notes.map((n) => n.message)).toEqual(["session 1 of contract ctr-1 in 2026-03: no discount yet"]);

    const second = await run(t, view("ses_b", "2026-03-03T09:00:00Z"));
    // 12.5 % of 10.04 = 1.255 → 1.26 (half-up to cents).
    expect(second.lines).toEqual([
      {
        plugin: PLUGIN,
        side: "sales",
        code: "LOYALTY",
        description: "Loyalty discount 12.5% (session 2 in 2026-03)",
        amount: "-1.26",
      },
    ]);
    expect(second.notes[0]).toMatchObject({
      plugin: PLUGIN,
      stage: "rateDetermination",
      phase: "after",
      message: "session 2 of contract ctr-1 in 2026-03: 12.5% loyalty discount",
      data: { contractId: "ctr-1", month: "2026-03", session: 2, subtotal: "10.04", discount: "-1.26" },
    });
  });

  it("counts a session once however often it is processed, and by start rather than arrival", async () => {
    const t = await start({ afterSessions: 2 });
    await run(t, view("ses_late", "2026-03-20T09:00:00Z"));
    await run(t, view("ses_late", "2026-03-20T09:00:00Z"));
    await run(t, view("ses_early", "2026-03-01T09:00:00Z"));
    const col = t.store.collection<LoyaltySessionDoc>(`plugin.example-loyalty.${SESSIONS_COLLECTION}`);
    expect(await col.countDocuments({})).toBe(2);
    // ses_late started after ses_early: it is the 2nd of the month.
    const again = await run(t, view("ses_late", "2026-03-20T09:00:00Z"));
    expect(again.notes[0]?.message).toBe("session 2 of contract ctr-1 in 2026-03: no discount yet");
    const third = await run(t, view("ses_third", "2026-03-21T09:00:00Z", { exclVat: "7.15" }));
    // 10 % of 7.15 = 0.715 → 0.72.
    expect(third.lines.map((l) => l.amount)).toEqual(["-0.72"]);
  });

  it("puts a session in the month of its local start", async () => {
    const t = await start({ afterSessions: 0 });
    // 2026-03-31 22:30 UTC is 2026-04-01 00:30 in Amsterdam (CEST, UTC+2).
    const r = await run(t, view("ses_1", "2026-03-31T22:30:00Z"));
    expect(r.notes[0]?.message).toBe("session 1 of contract ctr-1 in 2026-04: 10% loyalty discount");
    // 2026-01-01 00:30 in Amsterdam is 2025-12-31 23:30 UTC: January.
    expect(localMonth(new Date("2025-12-31T23:30:00Z"), "Europe/Amsterdam")).toBe("2026-01");
    expect(localMonth(new Date("2025-12-31T23:30:00Z"), "UTC")).toBe("2025-12");
    // In New York the same UTC instant is still March.
    const ny = await start({ afterSessions: 0, timeZone: "America/New_York" });
    const r2 = await run(ny, view("ses_1", "2026-03-31T22:30:00Z"));
    expect(r2.notes[0]?.message).toBe("session 1 of contract ctr-1 in 2026-03: 10% loyalty discount");
  });

  it("leaves contracts without a configured product alone", async () => {
    const t = await start();
    const r = await run(t, view("ses_1", "2026-03-02T09:00:00Z", { product: "FLEX" }));
    expect(r).toEqual({ notes: [], lines: [] });
  });
});

describe("GET /contracts/:id/months/:month", () => {
  it("returns the month's count to a viewer", async () => {
    const t = await start({ afterSessions: 1 });
    for (const [id, start] of [
      ["ses_1", "2026-03-02T09:00:00Z"],
      ["ses_2", "2026-03-05T09:00:00Z"],
      ["ses_3", "2026-03-31T22:30:00Z"], // April in Amsterdam
    ] as const)
      await run(t, view(id, start));
    const res = await t.request(`${API}/contracts/ctr-1/months/2026-03`, { role: "viewer" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      contractId: "ctr-1",
      month: "2026-03",
      timeZone: "Europe/Amsterdam",
      sessions: 2,
      afterSessions: 1,
      discounted: 1,
    });
    const april = await t.request(`${API}/contracts/ctr-1/months/2026-04`, { role: "viewer" });
    expect(await april.json()).toMatchObject({ sessions: 1, discounted: 0 });
  });

  it("needs an API key and a month as yyyy-mm", async () => {
    const t = await start();
    expect((await t.request(`${API}/contracts/ctr-1/months/2026-03`)).status).toBe(401);
    const bad = await t.request(`${API}/contracts/ctr-1/months/2026-13`, { role: "viewer" });
    expect(bad.status).toBe(400);
    expect(bad.headers.get("content-type")).toContain("application/problem+json");
    expect(await bad.json()).toMatchObject({
      type: "urn:voltrate:problem:validation",
      status: 400,
      errors: [{ path: "path.month", message: "expected a month as yyyy-mm" }],
    });
  });
});
