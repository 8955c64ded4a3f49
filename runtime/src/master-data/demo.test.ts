// The demo master data loads through the service (once, via the demo seeding) and answers the pipeline's lookups.
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_ADMINISTRATION_ID, masterDataDemoDataset } from "../demo/master-data.ts";
import { seedDemoData } from "../demo/seed.ts";
import { type MasterDataTestContext, openTestMasterData } from "./test-support.ts";

let ctx: MasterDataTestContext;

beforeAll(async () => {
  ctx = await openTestMasterData();
  const logger = pino({ level: "silent" });
  await seedDemoData(ctx.store, logger, [masterDataDemoDataset]);
  // A second start does not load it again.
  await seedDemoData(ctx.store, logger, [masterDataDemoDataset]);
});
afterAll(async () => {
  await ctx.close();
});

// All lookups are made for instants in 2026, independent of today's date.
const MARCH = "2026-03-10T09:00:00Z";

describe("demo master data", () => {
  it("holds the administration, nine parties, seven agreements, 20 customers and 16 locations", async () => {
    const { md } = ctx;
    const meta = await ctx.store.collection("meta").findOne({ _id: "demo:master-data-v1" });
    expect(meta?.documents).toBeGreaterThan(80);
    expect((await md.administrations.get(DEMO_ADMINISTRATION_ID, MARCH))?.data).toMatchObject({
      country: "NL",
      currency: "EUR",
      vatRegime: { country: "NL", scheme: "standard" },
    });
    expect((await md.parties.list({ asOf: MARCH })).total).toBe(9);
    // Sem joined on 1 April, so in March there are 19 customers; later 20, two of them companies.
    expect((await md.customers.list({ asOf: MARCH })).total).toBe(19);
    expect((await md.customers.list({ asOf: "2026-04-15T00:00:00Z" })).total).toBe(20);
    expect((await md.customers.list({ where: { kind: "company" }, asOf: MARCH })).total).toBe(2);
    expect((await md.customers.employees("cus-bakker-logistiek", MARCH)).length).toBe(3);
    const locations = (await md.locations.list({ asOf: MARCH })).items;
    expect(locations).toHaveLength(16);
    expect(new Set(locations.map((l) => `${l.data.address.country} ${l.data.timeZone}`))).toEqual(
      new Set(["NL Europe/Amsterdam", "DE Europe/Berlin", "BE Europe/Brussels"]),
    );
    expect(locations.every((l) => l.data.evses.length > 0)).toBe(true);
    expect((await md.locations.list({ where: { currentType: "DC" }, asOf: MARCH })).total).toBe(13);
  });

  it("agreements: AllBright at the shipped purchase ruleset, the others at their own OCPI tariffs, none for BlitzLaden", async () => {
    const { md } = ctx;
    const pricing = async (countryCode: string, partyId: string) =>
      (await md.agreements.for({ countryCode, partyId }, DEMO_ADMINISTRATION_ID, MARCH))?.data.purchasePricing;
    expect(await pricing("NL", "ABC")).toEqual({ kind: "ruleset", rulesetId: "cpo-abc-purchase" });
    for (const [cc, id] of [
      ["NL", "VLT"],
      ["NL", "FST"],
      ["DE", "ION"],
      ["NL", "GRN"],
      ["DE", "SNL"],
      ["BE", "OPL"],
    ] as const) {
      expect(await pricing(cc, id)).toEqual({ kind: "ocpi-tariffs" });
    }
    expect(await pricing("DE", "BLK")).toBeUndefined();
    // The scheduled payment term change of Schnellladen applies from 2027.
    expect(
      (await md.agreements.for("DE-SNL", DEMO_ADMINISTRATION_ID, "2027-02-01T00:00:00Z"))?.data.paymentTermDays,
    ).toBe(14);
  });

  it("the replaced card, the upgrade, the terminated contract and the EVSE upgrade resolve by date", async () => {
    const { md } = ctx;
    // Carla's old card before 15 May, the new one after.
    expect((await md.tokens.byUid("04A10003B2C3", "2026-05-01T12:00:00Z"))?.entityId).toBe("tok-carla-visser-1");
    expect(await md.tokens.byUid("04A10003B2C3", "2026-06-01T12:00:00Z")).toBeNull();
    expect((await md.tokens.byUid("04B9000399D1E2", "2026-06-01T12:00:00Z"))?.data.replacesTokenId).toBe(
      "tok-carla-visser-1",
    );
    expect((await md.tokens.chain("tok-carla-visser-2")).map((t) => t.entityId)).toEqual([
      "tok-carla-visser-1",
      "tok-carla-visser-2",
    ]);
    // Finn: FLEX until June, PLUS (with the PLUS subscription) after.
    expect((await md.contracts.get("ctr-finn-bos", MARCH))?.data.productCode).toBe("FLEX");
    expect((await md.contracts.subscriptions("ctr-finn-bos", MARCH)).length).toBe(0);
    expect((await md.contracts.get("ctr-finn-bos", "2026-07-01T00:00:00Z"))?.data.productCode).toBe("PLUS");
    expect(
      (await md.contracts.subscriptions("ctr-finn-bos", "2026-07-01T00:00:00Z")).map((s) => s.data.productCode),
    ).toEqual(["PLUS"]);
    // Joris: a March session is still explained; from October there is no contract and no valid card.
    expect((await md.contracts.get("ctr-joris-brouwer", MARCH))?.data.salesRulesetId).toBe("msp-nl-retail");
    expect(await md.contracts.get("ctr-joris-brouwer", "2026-10-05T00:00:00Z")).toBeNull();
    expect(await md.tokens.byUid("04A10010B2C3", "2026-10-05T00:00:00Z")).toBeNull();
    // Groningen's DC charger: 50 kW before June, 150 kW after.
    const dc = async (at: string) =>
      (await md.locations.evse({ countryCode: "NL", partyId: "GRN" }, "GRN-GRQ-004", "GRN-GRQ-004-2", at))?.evse
        .maxPowerKw;
    expect(await dc(MARCH)).toBe("50");
    expect(await dc("2026-07-01T00:00:00Z")).toBe("150");
    // Home charging: reimbursement per kWh, raised from 2027.
    const home = async (at: string) =>
      (await md.homeChargePoints.byChargePointId("HOME-NL-000101", at))?.data.reimbursement.pricePerKwh;
    expect(await home(MARCH)).toBe("0.25");
    expect(await home("2027-03-01T00:00:00Z")).toBe("0.27");
    expect((await md.homeChargePoints.ofEmployer("cus-zonnestroom", MARCH)).map((h) => h.entityId)).toEqual([
      "hcp-eva-mulder",
    ]);
  });

  it("every demo write is in the audit trail, by the demo actor", async () => {
    const audit = await ctx.md.audit({ by: "demo", limit: 1000 });
    expect(audit.length).toBeGreaterThan(80);
    expect(audit.every((a) => a.by.via === "demo")).toBe(true);
  });
});
