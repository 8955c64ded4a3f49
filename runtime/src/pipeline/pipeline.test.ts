// The stages' reason codes and decisions, through Pipeline.process on real components (the harness): basic checks,
// lookups, rate determination, calculations; versions valid at the session start; reverse charge; failures of
// dependencies that become drop-outs rather than crashes.
import type { VatService } from "@voltrate/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { masterDataPort } from "./master-data-port.ts";
import { Pipeline, type PipelineDeps, type ProcessResult } from "./pipeline.ts";
import {
  ACTOR,
  addCpoWithLocation,
  cdr221,
  FROM,
  normalized,
  type PipelineHarness,
  publishRuleset,
  purchaseRuleset,
  salesRuleset,
  seedWorld,
  startPipelineHarness,
  swissCdr221,
  WORLD,
} from "./test-support.ts";
import type { InputFormat } from "./vocabulary.ts";

let h: PipelineHarness;
let deps: PipelineDeps;
let n = 0;

beforeAll(async () => {
  h = await startPipelineHarness();
  await seedWorld(h);
  deps = {
    store: h.host.store,
    masterData: masterDataPort(h.md),
    rules: h.rules,
    hooks: h.host.hooks,
    events: h.host.events,
    plugins: h.host.host,
  };
});
afterAll(async () => {
  await h?.close();
});

/** A fresh hour on some March day, so that no two sessions look like duplicates. */
function slot(): { start: string; end: string } {
  const base = Date.parse("2025-03-14T00:00:00Z") + n++ * 2 * 3_600_000;
  return { start: new Date(base).toISOString(), end: new Date(base + 3_600_000).toISOString() };
}

function run(
  payload: Record<string, unknown>,
  pipeline: Pipeline = h.pipeline,
  format?: InputFormat,
): Promise<ProcessResult> {
  const f = format ?? (("sourceParty" in payload ? "normalized" : "ocpi-2.2.1") as InputFormat);
  const sourceParty = (payload.sourceParty as string | undefined) ?? `${payload.country_code}*${payload.party_id}`;
  return pipeline.process({ format: f, payload, sourceParty, sessionId: payload.id as string });
}

const dropOut = (r: ProcessResult) => {
  expect(r.revision.outcome).toBe("dropped-out");
  return r.revision.dropOut!;
};

describe("basic checks", () => {
  it("a malformed input that reached the pipeline directly", async () => {
    const d = dropOut(await run({ ...normalized({ id: "B-MAL" }), start: "not a date" }));
    expect(d).toMatchObject({ stage: "basicChecks", code: "INPUT_MALFORMED" });
    expect(d.message).toMatch(/^start: /);
  });

  it("a missing token uid or location id", async () => {
    const { cdr_token: _t, ...noToken } = cdr221({ id: "B-NOTOKEN", ...slot() });
    expect(dropOut(await run(noToken))).toMatchObject({ code: "MISSING_FIELD", data: { field: "cdr_token.uid" } });
    const { location: _l, ...noLocation } = normalized({ id: "B-NOLOC", ...slot() });
    expect(dropOut(await run(noLocation))).toMatchObject({ code: "MISSING_FIELD", data: { field: "location.id" } });
  });

  it("dates out of order", async () => {
    const s = slot();
    expect(dropOut(await run(normalized({ id: "B-ORDER", start: s.end, end: s.start })))).toMatchObject({
      code: "END_BEFORE_START",
    });
    const late = {
      ...normalized({ id: "B-PERIOD", ...s }),
      chargingPeriods: [{ start: "2025-04-01T00:00:00Z", energyKwh: "5" }],
    };
    expect(dropOut(await run(late))).toMatchObject({ code: "PERIOD_OUTSIDE_SESSION", data: { period: 0 } });
  });

  it("currencies", async () => {
    const unknown = await run({
      ...normalized({ id: "B-CUR", ...slot() }),
      currency: "QQQ",
      reported: { cost: { exclVat: "5.00" } },
    });
    expect(dropOut(unknown)).toMatchObject({ code: "INVALID_CURRENCY" });
    // No amount at stake in a currency that does not exist.
    expect(unknown.revision.dropOut?.amountAtStake).toBeUndefined();
    const usd = {
      ...normalized({ id: "B-TCUR", ...slot() }),
      tariffs: [
        {
          id: "T-USD",
          currency: "USD",
          elements: [{ price_components: [{ type: "ENERGY", price: 0.3, step_size: 1 }] }],
        },
      ],
    };
    expect(dropOut(await run(usd))).toMatchObject({
      code: "TARIFF_CURRENCY_MISMATCH",
      data: { tariffId: "T-USD", tariffCurrency: "USD", currency: "EUR" },
    });
  });

  it("negative quantities and units that do not fit", async () => {
    const s = slot();
    const negative = {
      ...normalized({ id: "B-NEG", ...s }),
      chargingPeriods: [{ start: s.start, energyKwh: "5", timeHours: "-1" }],
    };
    expect(dropOut(await run(negative))).toMatchObject({
      code: "NEGATIVE_QUANTITY",
      data: { period: 0, what: "time" },
    });
    // total_time 60 for a one-hour session: minutes sent as hours.
    const minutes = { ...cdr221({ id: "B-UNIT", ...slot() }), total_time: 60 };
    const d = dropOut(await run(minutes));
    expect(d).toMatchObject({ code: "UNIT_INCONSISTENT", data: { reportedHours: "60", durationHours: "1.0000" } });
    // total_energy 20000 for periods of 20 kWh: Wh sent as kWh.
    const wh = { ...cdr221({ id: "B-WH", ...slot() }), total_energy: 20000 };
    expect(dropOut(await run(wh))).toMatchObject({
      code: "UNIT_INCONSISTENT",
      data: { reportedKwh: "20000", periodsKwh: "20" },
    });
  });
});

describe("lookups", () => {
  it("an unknown location, and a CPO without agreement", async () => {
    expect(dropOut(await run(cdr221({ id: "L-LOC", locationId: "LOC-NOPE", ...slot() })))).toMatchObject({
      stage: "lookups",
      code: "LOCATION_UNKNOWN",
    });
    const nag = await h.md.parties.create(
      { data: { countryCode: "NL", partyId: "NAG", roles: ["CPO"], name: "No Agreement BV" }, validFrom: FROM },
      ACTOR,
    );
    await h.md.locations.create(
      {
        data: {
          cpoPartyId: nag.entityId,
          locationId: "LOC-NAG",
          address: { city: "Delft", country: "NL" },
          timeZone: "Europe/Amsterdam",
          evses: [{ uid: "N1", currentType: "AC", maxPowerKw: "11" }],
        },
        validFrom: FROM,
      },
      ACTOR,
    );
    const d = dropOut(
      await run(cdr221({ id: "L-AGR", party: "NL*NAG", locationId: "LOC-NAG", evseUid: "N1", ...slot() })),
    );
    expect(d).toMatchObject({
      code: "AGREEMENT_MISSING",
      groupKey: "party:NL*NAG",
      data: { party: "NL*NAG", administrationId: "adm-nl" },
    });
  });

  it("a contract not valid at the start, and a sales ruleset without a version then", async () => {
    await h.md.contracts.create(
      {
        id: "ctr-june",
        data: {
          customerId: WORLD.customer,
          administrationId: WORLD.administration,
          productCode: "FLEX",
          salesRulesetId: WORLD.salesRuleset,
        },
        validFrom: "2025-06-01T00:00:00+02:00",
      },
      ACTOR,
    );
    await h.md.tokens.create(
      { data: { uid: "JUNE0001", type: "RFID", contractId: "ctr-june" }, validFrom: "2025-06-01T00:00:00+02:00" },
      ACTOR,
    );
    expect(dropOut(await run(cdr221({ id: "L-CTR", tokenUid: "JUNE0001", ...slot() })))).toMatchObject({
      code: "CONTRACT_UNKNOWN",
      data: { contractId: "ctr-june" },
    });

    await h.md.contracts.create(
      {
        id: "ctr-norules",
        data: {
          customerId: WORLD.customer,
          administrationId: WORLD.administration,
          productCode: "FLEX",
          salesRulesetId: "sales-unpublished",
        },
        validFrom: FROM,
      },
      ACTOR,
    );
    await h.md.tokens.create(
      { data: { uid: "NORULES1", type: "RFID", contractId: "ctr-norules" }, validFrom: FROM },
      ACTOR,
    );
    const d = dropOut(await run(cdr221({ id: "L-RS", tokenUid: "NORULES1", ...slot() })));
    expect(d).toMatchObject({
      code: "RULESET_VERSION_MISSING",
      groupKey: "rule:sales-unpublished",
      data: { side: "sales" },
    });
  });

  it("reports what it could not read, and a party missing at the start", async () => {
    const port = masterDataPort(h.md);
    const broken = new Pipeline({
      ...deps,
      masterData: {
        ...port,
        token: () => Promise.reject(new Error("connection reset")),
      },
    });
    expect(dropOut(await run(cdr221({ id: "L-BROKEN", ...slot() }), broken))).toMatchObject({
      code: "MASTER_DATA_UNAVAILABLE",
      message: "reading the token: connection reset",
    });
    const noParty = new Pipeline({ ...deps, masterData: { ...port, party: async () => null } });
    expect(dropOut(await run(cdr221({ id: "L-PARTY", ...slot() }), noParty))).toMatchObject({ code: "PARTY_UNKNOWN" });
  });

  it("uses the ruleset version in effect at the session start", async () => {
    // Version 2 of the purchase ruleset, effective 2025-03-20, prices only sessions above 100 kWh.
    await publishRuleset(
      h.rules,
      {
        ...purchaseRuleset,
        rules: [{ ...purchaseRuleset.rules[0]!, condition: { op: "gt", property: "energyKwh", value: "100" } }],
      } as typeof purchaseRuleset,
      "2025-03-20T00:00:00+01:00",
    );
    h.pipeline.rulesets.invalidate();
    const before = await run(cdr221({ id: "V-BEFORE", start: "2025-03-19T10:00:00Z", end: "2025-03-19T11:00:00Z" }));
    expect(before.revision.outcome).toBe("priced");
    expect(before.revision.priced?.versions.rulesets).toContainEqual(
      expect.objectContaining({ rulesetId: "purchase-abc", version: 1 }),
    );
    const after = dropOut(
      await run(cdr221({ id: "V-AFTER", start: "2025-03-21T10:00:00Z", end: "2025-03-21T11:00:00Z" })),
    );
    expect(after).toMatchObject({
      stage: "rateDetermination",
      code: "PURCHASE_RULES_DROPOUT",
      groupKey: "rule:purchase-abc:NO_MATCHING_RULE",
      data: { rulesetId: "purchase-abc", version: 2, rulesetReason: "NO_MATCHING_RULE" },
    });
  });
});

describe("rate determination and calculations", () => {
  it("a CPO-tariff agreement without tariffs, and tariffs that do not cover the session", async () => {
    const noTariff = {
      ...normalized({ id: "R-NOTARIFF", sourceParty: WORLD.swc, ...slot() }),
      currency: "CHF",
      countryCode: "CH",
      location: { id: WORLD.locationCh, evseUid: "Z1" },
    };
    expect(dropOut(await run(noTariff))).toMatchObject({ stage: "rateDetermination", code: "PURCHASE_TARIFF_MISSING" });
    const expired = cdr221({
      id: "R-EXPIRED",
      party: WORLD.swc,
      locationId: WORLD.locationCh,
      evseUid: "Z1",
      country: "CHE",
      currency: "CHF",
      ...slot(),
      tariffs: [
        {
          country_code: "CH",
          party_id: "SWC",
          id: "SWC-2024",
          currency: "CHF",
          end_date_time: "2024-12-31T23:00:00Z",
          elements: [{ price_components: [{ type: "ENERGY", price: 0.5, vat: 8.1, step_size: 1 }] }],
          last_updated: "2024-01-01T00:00:00Z",
        },
      ],
      totalCost: { excl_vat: 10 },
    });
    const bad = new Pipeline(deps);
    await h.pipeline.checkConfigs.set(WORLD.administration, { cpoTotal: { enabled: false } }, "test");
    try {
      expect(dropOut(await run(expired, bad))).toMatchObject({ code: "PRICING_ERROR" });
    } finally {
      await h.pipeline.checkConfigs.set(WORLD.administration, {}, "test");
    }
  });

  it("no exchange rate for the session date", async () => {
    // The ECB fixture covers 2025-02-24 … 2025-03-10 only.
    const chf = swissCdr221({ id: "R-FX", start: "2025-01-15T10:00:00Z", end: "2025-01-15T11:00:00Z" });
    const d = dropOut(await run(chf));
    expect(d).toMatchObject({ stage: "rateDetermination", code: "FX_UNAVAILABLE", data: { from: "CHF", to: "EUR" } });
    expect(d.amountAtStake).toEqual({ currency: "CHF", exclVat: "5.00" });
  });

  it("reverse-charges a foreign CPO's supply at a Dutch charge point", async () => {
    // DE*ION is not established in NL; we are identified for VAT in NL → Art. 195: we account for the Dutch VAT.
    await addCpoWithLocation(
      h,
      { countryCode: "DE", partyId: "ION", name: "Ionity" },
      { locationId: "LOC-A2", city: "Vianen", country: "NL", timeZone: "Europe/Amsterdam" },
      { uid: "HPC1", currentType: "DC", maxPowerKw: "350" },
    );
    const r = await run(
      cdr221({
        id: "R-RC",
        party: "DE*ION",
        locationId: "LOC-A2",
        evseUid: "HPC1",
        ...slot(),
        kwh: 40,
        tariffs: [
          {
            country_code: "DE",
            party_id: "ION",
            id: "ION-NL",
            currency: "EUR",
            elements: [{ price_components: [{ type: "ENERGY", price: 0.59, vat: 21, step_size: 1 }] }],
            last_updated: "2025-01-01T00:00:00Z",
          },
        ],
        // 40 kWh × 0.59 = 23.60.
        totalCost: { excl_vat: 23.6, incl_vat: 28.56 },
      }),
    );
    const p = r.revision.priced!;
    expect(p.purchase.amounts).toEqual({
      currency: "EUR",
      exclVat: "23.60",
      vatPercent: "0",
      vat: "0.00",
      inclVat: "23.60",
      reverseCharge: true,
    });
    expect(p.rates.vat[0]?.explanation).toContain("Reverse charge");
    // Sales: 23.60 × 1.15 + 0.35 = 27.14 + 0.35 = 27.49; Dutch VAT for the consumer: 27.49 × 0.21 = 5.7729 → 5.77.
    expect(p.sales.amounts).toMatchObject({ exclVat: "27.49", vatPercent: "21", vat: "5.77", inclVat: "33.26" });
  });

  it("drops sales below cost when the administration does not allow it", async () => {
    await publishRuleset(h.rules, {
      ...salesRuleset,
      id: "sales-cheap",
      rules: [
        {
          id: "half",
          name: "Half price",
          enabled: true,
          condition: { op: "exists", property: "cpo" },
          outcome: { type: "markup", factor: "0.5" },
        },
      ],
    } as typeof salesRuleset);
    const cheap = { instruction: { type: "useRuleset" as const, side: "sales" as const, rulesetId: "sales-cheap" } };
    const allowed = await h.pipeline.process(
      { format: "ocpi-2.2.1", payload: cdr221({ id: "M-1", ...slot() }), sourceParty: WORLD.abc, sessionId: "M-1" },
      cheap,
    );
    // 6.30 × 0.5 = 3.15 → margin −3.15, allowed by default.
    expect(allowed.revision.priced?.margin).toEqual({ currency: "EUR", exclVat: "-3.15" });
    await h.pipeline.checkConfigs.set(WORLD.administration, { negativeMargin: { enabled: true } }, "test");
    try {
      const refused = await h.pipeline.process(
        { format: "ocpi-2.2.1", payload: cdr221({ id: "M-2", ...slot() }), sourceParty: WORLD.abc, sessionId: "M-2" },
        cheap,
      );
      expect(dropOut(refused)).toMatchObject({
        stage: "calculations",
        code: "NEGATIVE_MARGIN",
        groupKey: "rule:sales-cheap/half",
        data: { margin: "-3.15" },
      });
    } finally {
      await h.pipeline.checkConfigs.set(WORLD.administration, {}, "test");
    }
  });

  it("turns a VAT failure and an unexpected error into drop-outs, not crashes", async () => {
    const noVat = new Pipeline({
      ...deps,
      vat: {
        rateFor: () => {
          throw Object.assign(new Error("no rate for NL on 2025-03-14"), { code: "NO_RATE" });
        },
        treatmentFor: () => {
          throw Object.assign(new Error("no rate for NL on 2025-03-14"), { code: "NO_RATE" });
        },
      },
    });
    expect(dropOut(await run(cdr221({ id: "C-VAT", ...slot() }), noVat))).toMatchObject({
      stage: "calculations",
      code: "VAT_UNAVAILABLE",
      data: { side: "purchase", vatError: "NO_RATE" },
    });
    const real = h.host.host.service<VatService>({ id: "vat" } as never)!;
    const garbled = new Pipeline({
      ...deps,
      vat: { rateFor: real.rateFor, treatmentFor: (req) => ({ ...real.treatmentFor(req), ratePercent: "twenty-one" }) },
    });
    const d = dropOut(await run(cdr221({ id: "C-BUG", ...slot() }), garbled));
    expect(d).toMatchObject({ stage: "calculations", code: "INTERNAL_ERROR" });
    // Reprocessing with the working pipeline prices it.
    const fixed = await h.pipeline.reprocess(
      (await h.pipeline.list({ party: WORLD.abc, limit: 500 })).items.find((s) => s.sessionId === "C-BUG")!.id,
    );
    expect(fixed.revision.outcome).toBe("priced");
  });
});
