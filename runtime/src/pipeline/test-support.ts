// The pipeline on real components for tests and benchmarks: the embedded store in a temporary folder, the plugin host
// with the real VAT and FX plugins (ECB rates from the FX plugin's test fixture), the master data service, the rules
// service with published versions, the pipeline, and the HTTP app with the session and drop-out routes (and whichever
// routes a test adds) and API keys.
// `seedWorld` records a small, hand-checkable world: one Dutch administration, a Dutch and a Swiss CPO, a driver.
import path from "node:path";
import fxPlugin from "@voltrate/plugin-fx";
import vatPlugin from "@voltrate/plugin-vat";
import type { DropOutOpenedEvent, Role, SessionPricedEvent, VoltratePlugin } from "@voltrate/sdk";
import type { Ruleset } from "@voltrate/sdk/rules";
import { type App, createApp, type RouteModule } from "../http/app.ts";
import { dropOutRoutes } from "../http/routes/dropouts.ts";
import { sessionRoutes } from "../http/routes/sessions.ts";
import { type Actor, createMasterData, type MasterData } from "../master-data/index.ts";
import { createRulesService, type RulesService } from "../rules/versions/index.ts";
import { type PluginTestHost, startPluginTestHost } from "../testing/index.ts";
import { createPipeline } from "./index.ts";
import { masterDataPort } from "./master-data-port.ts";
import type { Pipeline } from "./pipeline.ts";

const workspaceRoot = path.resolve(import.meta.dirname, "../../..");
/** Invented ECB rates, 2025-02-24 … 2025-03-10; on Friday 2025-03-07 CHF 0.9500, GBP 0.84000, USD 1.0500 per EUR. */
export const ECB_FIXTURE = path.join(workspaceRoot, "plugins/fx/fixtures/eurofxref-hist.xml");

export const ACTOR: Actor = { id: "test", name: "pipeline tests", via: "system" };
const RULES_ACTOR = { id: "test", name: "pipeline tests", via: "api" as const };

export interface PipelineHarness {
  host: PluginTestHost;
  md: MasterData;
  rules: RulesService;
  pipeline: Pipeline;
  app: App;
  priced: SessionPricedEvent[];
  dropOuts: DropOutOpenedEvent[];
  /** `app.request` with the key of `role` and a JSON body. */
  request(
    pathname: string,
    init?: { method?: string; role?: Role; json?: unknown; body?: string; headers?: Record<string, string> },
  ): Promise<Response>;
  close(): Promise<void>;
}

/** What the routes a test adds are built from. */
export type PipelineHarnessParts = Pick<PipelineHarness, "host" | "md" | "rules" | "pipeline">;

export interface PipelineHarnessOptions {
  plugins?: VoltratePlugin[];
  /** Routes mounted on the app besides the session and drop-out routes. */
  routes?: (parts: PipelineHarnessParts) => RouteModule[];
  /** Records the world (`seedWorld`) once started. */
  world?: boolean;
}

export async function startPipelineHarness(options: PipelineHarnessOptions = {}): Promise<PipelineHarness> {
  const host = await startPluginTestHost({
    plugins: [
      { plugin: vatPlugin },
      { plugin: fxPlugin, config: { importFile: ECB_FIXTURE } },
      ...(options.plugins ?? []).map((plugin) => ({ plugin })),
    ],
  });
  try {
    const md = createMasterData(host.store);
    await md.ensureIndexes();
    const rules = createRulesService({ store: host.store, events: host.events });
    await rules.init();
    const pipeline = await createPipeline({
      store: host.store,
      masterData: masterDataPort(md),
      rules,
      hooks: host.hooks,
      events: host.events,
      plugins: host.host,
    });
    const priced: SessionPricedEvent[] = [];
    const dropOuts: DropOutOpenedEvent[] = [];
    const bus = host.events.forOwner("test");
    bus.on("session.priced", (e) => {
      priced.push(e);
    });
    bus.on("dropout.opened", (e) => {
      dropOuts.push(e);
    });
    const app = createApp({
      logger: (await import("pino")).pino({ level: "silent" }),
      routes: [
        sessionRoutes({ pipeline, apiKeys: host.apiKeys }),
        dropOutRoutes({ cases: pipeline.cases, apiKeys: host.apiKeys }),
        ...(options.routes?.({ host, md, rules, pipeline }) ?? []),
      ],
    });
    if (options.world) await seedWorld({ md, rules });
    return {
      host,
      md,
      rules,
      pipeline,
      app,
      priced,
      dropOuts,
      async request(pathname, init = {}) {
        const headers = new Headers(init.headers);
        if (init.role) headers.set("Authorization", `Bearer ${await host.keyFor(init.role)}`);
        let body = init.body;
        if (init.json !== undefined) {
          headers.set("Content-Type", "application/json");
          body = JSON.stringify(init.json);
        }
        return app.request(pathname, {
          method: init.method ?? (body === undefined ? "GET" : "POST"),
          headers,
          ...(body === undefined ? {} : { body }),
        });
      },
      close: () => host.close(),
    };
  } catch (error) {
    await host.close();
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The world

export const FROM = "2025-01-01T00:00:00+01:00";

export const WORLD = {
  administration: "adm-nl",
  abc: "NL*ABC",
  swc: "CH*SWC",
  customer: "cus-anna",
  contract: "ctr-anna",
  token: "04AA11BB22",
  /** Valid only from 2025-04-01 (the check "token not valid at start"). */
  lateToken: "04EE55FF66",
  locationNl: "LOC-AMS",
  locationCh: "LOC-ZRH",
  purchaseRuleset: "purchase-abc",
  salesRuleset: "sales-nl",
} as const;

/** What we pay AllBright (NL*ABC): 0.30 EUR start fee + 0.30 EUR/kWh, 21 % VAT. */
export const purchaseRuleset: Ruleset = {
  id: WORLD.purchaseRuleset,
  name: "AllBright purchase 2025",
  administrationId: WORLD.administration,
  side: "purchase",
  currency: "EUR",
  hitPolicy: "first",
  vatPercent: "21",
  rules: [
    {
      id: "ac",
      name: "All sessions",
      enabled: true,
      condition: { op: "eq", property: "cpo", value: "NL*ABC" },
      outcome: {
        type: "rate",
        tariff: {
          id: "ABC-2025",
          elements: [
            {
              components: [
                { dimension: "FLAT", price: "0.30", vat: "21" },
                { dimension: "ENERGY", price: "0.30", vat: "21" },
              ],
            },
          ],
        },
      },
    },
  ],
} as unknown as Ruleset;

/** What the driver pays: at AllBright its price + 5 % + 0.25 EUR; elsewhere the CPO's price + 15 % + 0.35 EUR. */
export const salesRuleset: Ruleset = {
  id: WORLD.salesRuleset,
  name: "Retail NL 2025",
  administrationId: WORLD.administration,
  side: "sales",
  currency: "EUR",
  hitPolicy: "first",
  vatPercent: "21",
  rules: [
    {
      id: "no-agreement",
      name: "Blocked CPO",
      enabled: true,
      condition: { op: "eq", property: "cpo", value: "DE*BLK" },
      outcome: { type: "dropOut", reason: "NO_AGREEMENT", message: "no agreement with DE*BLK" },
    },
    {
      id: "roaming-abc",
      name: "AllBright",
      enabled: true,
      condition: { op: "eq", property: "cpo", value: "NL*ABC" },
      outcome: { type: "markup", factor: "1.05", fixed: "0.25" },
    },
    {
      id: "roaming-default",
      name: "Elsewhere",
      enabled: true,
      condition: { op: "ne", property: "cpo", value: "NL*ABC" },
      outcome: { type: "markup", factor: "1.15", fixed: "0.35" },
    },
  ],
} as unknown as Ruleset;

export async function publishRuleset(rules: RulesService, ruleset: Ruleset, effectiveFrom = FROM): Promise<void> {
  const existing = await rules.listRulesets();
  if (existing.some((r) => r.id === ruleset.id)) await rules.saveDraft(ruleset.id, { content: ruleset }, RULES_ACTOR);
  else await rules.createRuleset(ruleset, RULES_ACTOR);
  await rules.publish(ruleset.id, { comment: "test prices", effectiveFrom, allowRetroactive: true }, RULES_ACTOR);
}

/**
 * Adds a CPO to the world, valid from 2025-01-01: the party, an agreement priced by its own OCPI tariffs, and one
 * location with one EVSE.
 */
export async function addCpoWithLocation(
  h: Pick<PipelineHarness, "md">,
  cpo: { countryCode: string; partyId: string; name: string },
  location: { locationId: string; city: string; country: string; timeZone: string },
  evse: { uid: string; currentType: "AC" | "DC"; maxPowerKw: string },
): Promise<void> {
  const party = await h.md.parties.create({ data: { ...cpo, roles: ["CPO"] }, validFrom: FROM }, ACTOR);
  await h.md.agreements.create(
    {
      data: {
        cpoPartyId: party.entityId,
        administrationId: WORLD.administration,
        purchasePricing: { kind: "ocpi-tariffs" },
        settlementCurrency: "EUR",
      },
      validFrom: FROM,
    },
    ACTOR,
  );
  const { locationId, city, country, timeZone } = location;
  await h.md.locations.create(
    {
      data: { cpoPartyId: party.entityId, locationId, address: { city, country }, timeZone, evses: [evse] },
      validFrom: FROM,
    },
    ACTOR,
  );
}

/** Records the world, valid from 2025-01-01. */
export async function seedWorld(h: Pick<PipelineHarness, "md" | "rules">): Promise<void> {
  const { md, rules } = h;
  const validFrom = FROM;
  await md.administrations.create(
    {
      id: WORLD.administration,
      data: {
        code: "VLT-NL",
        name: "Voltrate Mobility NL",
        legalEntity: { name: "Voltrate Mobility B.V." },
        country: "NL",
        currency: "EUR",
        vatRegime: { country: "NL", vatId: "NL859123456B01", scheme: "standard" },
        invoiceSeries: [{ code: "sales", kind: "invoice", prefix: "VLT-", digits: 6 }],
      },
      validFrom,
    },
    ACTOR,
  );
  const abc = await md.parties.create(
    { data: { countryCode: "NL", partyId: "ABC", roles: ["CPO"], name: "AllBright Charging" }, validFrom },
    ACTOR,
  );
  const swc = await md.parties.create(
    { data: { countryCode: "CH", partyId: "SWC", roles: ["CPO"], name: "SwissCharge AG" }, validFrom },
    ACTOR,
  );
  await md.agreements.create(
    {
      id: "agr-abc",
      data: {
        cpoPartyId: abc.entityId,
        administrationId: WORLD.administration,
        purchasePricing: { kind: "ruleset", rulesetId: WORLD.purchaseRuleset },
        settlementCurrency: "EUR",
      },
      validFrom,
    },
    ACTOR,
  );
  await md.agreements.create(
    {
      id: "agr-swc",
      data: {
        cpoPartyId: swc.entityId,
        administrationId: WORLD.administration,
        purchasePricing: { kind: "ocpi-tariffs" },
        settlementCurrency: "CHF",
      },
      validFrom,
    },
    ACTOR,
  );
  await md.customers.create(
    {
      id: WORLD.customer,
      data: {
        kind: "person",
        administrationId: WORLD.administration,
        name: "Anna de Vries",
        address: { city: "Utrecht", country: "NL" },
      },
      validFrom,
    },
    ACTOR,
  );
  await md.contracts.create(
    {
      id: WORLD.contract,
      data: {
        customerId: WORLD.customer,
        administrationId: WORLD.administration,
        productCode: "FLEX",
        salesRulesetId: WORLD.salesRuleset,
      },
      validFrom,
    },
    ACTOR,
  );
  await md.tokens.create(
    { id: "tok-anna", data: { uid: WORLD.token, type: "RFID", contractId: WORLD.contract }, validFrom },
    ACTOR,
  );
  await md.tokens.create(
    {
      id: "tok-anna-late",
      data: { uid: WORLD.lateToken, type: "RFID", contractId: WORLD.contract },
      validFrom: "2025-04-01T00:00:00+02:00",
    },
    ACTOR,
  );
  await md.locations.create(
    {
      data: {
        cpoPartyId: abc.entityId,
        locationId: WORLD.locationNl,
        address: { city: "Amsterdam", country: "NL" },
        timeZone: "Europe/Amsterdam",
        evses: [
          { uid: "EVSE-1", evseId: "NL*ABC*E1", currentType: "AC", maxPowerKw: "22" },
          { uid: "EVSE-2", evseId: "NL*ABC*E2", currentType: "DC", maxPowerKw: "150" },
        ],
      },
      validFrom,
    },
    ACTOR,
  );
  await md.locations.create(
    {
      data: {
        cpoPartyId: swc.entityId,
        locationId: WORLD.locationCh,
        address: { city: "Zürich", country: "CH" },
        timeZone: "Europe/Zurich",
        evses: [{ uid: "Z1", evseId: "CH*SWC*E1", currentType: "AC", maxPowerKw: "22" }],
      },
      validFrom,
    },
    ACTOR,
  );
  await publishRuleset(rules, purchaseRuleset);
  await publishRuleset(rules, salesRuleset);
}

// ---------------------------------------------------------------------------------------------------------------
// Sessions

export interface CdrOptions {
  id?: string;
  sessionId?: string;
  party?: string;
  start?: string;
  end?: string;
  kwh?: number;
  tokenUid?: string;
  locationId?: string;
  evseUid?: string;
  country?: string;
  currency?: string;
  tariffs?: unknown[];
  totalCost?: { excl_vat: number; incl_vat?: number };
}

/** The tariff AllBright publishes over OCPI: the same prices as the purchase ruleset. */
export const abcTariff = {
  country_code: "NL",
  party_id: "ABC",
  id: "ABC-OCPI-1",
  currency: "EUR",
  elements: [
    {
      price_components: [
        { type: "FLAT", price: 0.3, vat: 21, step_size: 1 },
        { type: "ENERGY", price: 0.3, vat: 21, step_size: 1 },
      ],
    },
  ],
  last_updated: "2025-01-01T00:00:00Z",
};

/** An OCPI 2.2.1 CDR of AllBright: by default 20 kWh on EVSE-1 on Friday 2025-03-07 10:00–11:00 UTC, 6.30 EUR. */
/** The AC tariff SwissCharge publishes with its CDRs: 0.50 CHF per kWh, 8.1 % VAT. */
export const swcTariff = {
  country_code: "CH",
  party_id: "SWC",
  id: "SWC-AC",
  currency: "CHF",
  elements: [{ price_components: [{ type: "ENERGY", price: 0.5, vat: 8.1, step_size: 1 }] }],
  last_updated: "2025-01-01T00:00:00Z",
};

/**
 * A 10 kWh SwissCharge CDR at its Zürich charge point (Friday 2025-03-07, 09:00–10:00 UTC unless `o` says otherwise),
 * priced with `swcTariff`: 10 kWh × 0.50 = 5.00 CHF; × 1.081 = 5.405 → 5.41.
 */
export function swissCdr221(o: CdrOptions = {}): Record<string, unknown> {
  return cdr221({
    party: WORLD.swc,
    start: "2025-03-07T09:00:00Z",
    end: "2025-03-07T10:00:00Z",
    kwh: 10,
    locationId: WORLD.locationCh,
    evseUid: "Z1",
    country: "CHE",
    currency: "CHF",
    tariffs: [swcTariff],
    totalCost: { excl_vat: 5.0, incl_vat: 5.41 },
    ...o,
  });
}

export function cdr221(o: CdrOptions = {}): Record<string, unknown> {
  const party = o.party ?? WORLD.abc;
  const [cc, pid] = party.split("*") as [string, string];
  const start = o.start ?? "2025-03-07T10:00:00Z";
  const end = o.end ?? "2025-03-07T11:00:00Z";
  const kwh = o.kwh ?? 20;
  const hours = (Date.parse(end) - Date.parse(start)) / 3_600_000;
  return {
    country_code: cc,
    party_id: pid,
    id: o.id ?? "CDR-1",
    start_date_time: start,
    end_date_time: end,
    session_id: o.sessionId ?? `S-${o.id ?? "CDR-1"}`,
    cdr_token: {
      country_code: "NL",
      party_id: "VLT",
      uid: o.tokenUid ?? WORLD.token,
      type: "RFID",
      contract_id: "NL-VLT-C00000001-1",
    },
    auth_method: "WHITELIST",
    cdr_location: {
      id: o.locationId ?? WORLD.locationNl,
      address: "Damrak 1",
      city: "Amsterdam",
      country: o.country ?? "NLD",
      coordinates: { latitude: "52.37403", longitude: "4.88969" },
      evse_uid: o.evseUid ?? "EVSE-1",
      evse_id: "NL*ABC*E1",
      connector_id: "1",
      connector_standard: "IEC_62196_T2",
      connector_format: "SOCKET",
      connector_power_type: "AC_3_PHASE",
    },
    currency: o.currency ?? "EUR",
    tariffs: o.tariffs ?? [abcTariff],
    charging_periods: [{ start_date_time: start, dimensions: [{ type: "ENERGY", volume: kwh }] }],
    total_cost: o.totalCost ?? { excl_vat: 6.3, incl_vat: 7.62 },
    total_energy: kwh,
    total_time: Number(hours.toFixed(4)),
    last_updated: end,
  };
}

export interface NormalizedOptions {
  id?: string;
  sourceParty?: string;
  start?: string;
  end?: string;
  kwh?: string;
  tokenUid?: string;
  evseUid?: string;
}

/** A normalized session at AllBright, by default 20 kWh 2025-03-07 10:00–11:00 UTC. */
export function normalized(o: NormalizedOptions = {}): Record<string, unknown> {
  const start = o.start ?? "2025-03-07T10:00:00Z";
  return {
    sourceParty: o.sourceParty ?? WORLD.abc,
    id: o.id ?? "N-1",
    start,
    end: o.end ?? "2025-03-07T11:00:00Z",
    currency: "EUR",
    countryCode: "NL",
    chargingPeriods: [{ start, energyKwh: o.kwh ?? "20" }],
    token: { uid: o.tokenUid ?? WORLD.token, type: "RFID" },
    location: { id: WORLD.locationNl, evseUid: o.evseUid ?? "EVSE-1" },
  };
}
