// Demo charge sessions: OCPI 2.2.1 CDRs of the demo drivers at the demo locations over the six weeks before
// 20 November 2026, generated deterministically (a fixed seed: every first start makes the same CDRs), AC and DC, by
// day and by night, and priced through the real pipeline. Most are priced on both sides; a handful drop out for
// reasons a back office meets every week: a token we do not know, a card used after its contract ended, a CPO
// without an agreement, an implausible amount of energy, a CPO total that does not match the CPO's own tariff.
import type { Store } from "../store/index.ts";
import { drivers, type Site, sites } from "./master-data.ts";
import type { DemoDataset } from "./seed.ts";

/** The demo sessions end before this instant. */
export const DEMO_SESSIONS_UNTIL = "2026-11-20T00:00:00Z";
const DAYS = 42;
const SEED = 20261120;

/** A small, fixed-seed generator (mulberry32): the same sequence on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

type Evse = Site["evses"][number];
type Price = { energy: number; flat?: number };

/** What each CPO charges per kWh (EUR excl. VAT), sent as its OCPI tariff with the CDR. AllBright: see its ruleset. */
const cpoPrices: Record<string, { ac: Price; dc: Price; vat: number }> = {
  "NL-VLT": { ac: { energy: 0.22 }, dc: { energy: 0.3 }, vat: 21 },
  "NL-GRN": { ac: { energy: 0.39, flat: 0.35 }, dc: { energy: 0.59, flat: 0.35 }, vat: 21 },
  "NL-FST": { ac: { energy: 0.59 }, dc: { energy: 0.59 }, vat: 21 },
  "DE-ION": { ac: { energy: 0.69 }, dc: { energy: 0.69 }, vat: 19 },
  "DE-SNL": { ac: { energy: 0.45 }, dc: { energy: 0.69 }, vat: 19 },
  "DE-BLK": { ac: { energy: 0.49 }, dc: { energy: 0.69 }, vat: 19 },
  "BE-OPL": { ac: { energy: 0.42, flat: 0.25 }, dc: { energy: 0.62, flat: 0.25 }, vat: 21 },
};

const round2 = (n: number): number => Math.round((n + Number.EPSILON) * 100) / 100;
const alpha3: Record<string, string> = { NL: "NLD", DE: "DEU", BE: "BEL" };

/** The local hour of an instant in a zone. */
function localHour(at: Date, timeZone: string): number {
  return Number(new Intl.DateTimeFormat("en-GB", { hour: "2-digit", hourCycle: "h23", timeZone }).format(at));
}

/** AllBright's OCPI tariff: the prices of rulesets/cpo-abc-purchase (day 07:00–23:00 local, night otherwise). */
function abcTariff(evse: Evse): { id: string; flat?: number; day: number; night: number } {
  if (evse.currentType !== "DC") return { id: "ABC-AC-2025", flat: 0.3, day: 0.3, night: 0.24 };
  if (Number(evse.maxPowerKw) < 150) return { id: "ABC-DC-2025", day: 0.49, night: 0.42 };
  return { id: "ABC-HPC-2025", day: 0.59, night: 0.52 };
}

interface CdrSpec {
  id: string;
  site: Site;
  evse: Evse;
  tokenUid: string;
  contractId: string;
  start: Date;
  chargingHours: number;
  parkingHours?: number;
  kwh: number;
  /** The CPO bills a different energy price than its tariff says (a CPO total mismatch). */
  billedEnergyPrice?: number;
}

const iso = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, "Z");

/** An OCPI 2.2.1 CDR as the CPO sends it. */
export function demoCdr(spec: CdrSpec): Record<string, unknown> {
  const { site, evse, start, kwh } = spec;
  const [countryCode, partyId] = site.cpo.split("-") as [string, string];
  const parkingHours = spec.parkingHours ?? 0;
  const totalHours = spec.chargingHours + parkingHours;
  const end = new Date(start.getTime() + Math.round(totalHours * 3_600_000));
  const chargingEnd = new Date(start.getTime() + Math.round(spec.chargingHours * 3_600_000));
  const dcSession = evse.currentType === "DC";
  const periods: Record<string, unknown>[] = [
    {
      start_date_time: iso(start),
      dimensions: [
        { type: "ENERGY", volume: kwh },
        { type: "TIME", volume: Number(spec.chargingHours.toFixed(4)) },
      ],
    },
  ];
  if (parkingHours > 0) {
    periods.push({
      start_date_time: iso(chargingEnd),
      dimensions: [{ type: "PARKING_TIME", volume: Number(parkingHours.toFixed(4)) }],
    });
  }
  let tariffs: Record<string, unknown>[];
  let excl: number;
  let vat = 21;
  const prices = cpoPrices[site.cpo];
  if (prices) {
    const price = dcSession ? prices.dc : prices.ac;
    vat = prices.vat;
    const components: Record<string, unknown>[] = [];
    if (price.flat !== undefined) components.push({ type: "FLAT", price: price.flat, vat, step_size: 1 });
    components.push({ type: "ENERGY", price: price.energy, vat, step_size: 1 });
    tariffs = [
      {
        country_code: countryCode,
        party_id: partyId,
        id: `${partyId}-${dcSession ? "DC" : "AC"}-2026`,
        currency: "EUR",
        elements: [{ price_components: components }],
        last_updated: "2026-01-01T00:00:00Z",
      },
    ];
    excl = round2((price.flat ?? 0) + kwh * (spec.billedEnergyPrice ?? price.energy));
  } else {
    const t = abcTariff(evse);
    // The energy is spread evenly over the charging time; each minute is priced by day or by night.
    const minutes = Math.max(1, Math.round(spec.chargingHours * 60));
    let dayMinutes = 0;
    for (let m = 0; m < minutes; m++) {
      const hour = localHour(new Date(start.getTime() + m * 60_000), site.timeZone);
      if (hour >= 7 && hour < 23) dayMinutes++;
    }
    const dayKwh = (kwh * dayMinutes) / minutes;
    const energy = (price: number) => ({ type: "ENERGY", price, vat, step_size: 1 });
    tariffs = [
      {
        country_code: countryCode,
        party_id: partyId,
        id: t.id,
        currency: "EUR",
        elements: [
          ...(t.flat !== undefined ? [{ price_components: [{ type: "FLAT", price: t.flat, vat, step_size: 1 }] }] : []),
          { price_components: [energy(t.day)], restrictions: { start_time: "07:00", end_time: "23:00" } },
          { price_components: [energy(t.night)] },
        ],
        last_updated: "2025-01-01T00:00:00Z",
      },
    ];
    excl = round2((t.flat ?? 0) + dayKwh * t.day + (kwh - dayKwh) * t.night);
  }
  return {
    country_code: countryCode,
    party_id: partyId,
    id: spec.id,
    start_date_time: iso(start),
    end_date_time: iso(end),
    session_id: `S-${spec.id}`,
    cdr_token: { country_code: "NL", party_id: "VLT", uid: spec.tokenUid, type: "RFID", contract_id: spec.contractId },
    auth_method: "WHITELIST",
    cdr_location: {
      id: site.locationId,
      name: site.name,
      address: site.street,
      city: site.city,
      postal_code: site.postalCode,
      country: alpha3[site.country] ?? site.country,
      coordinates: { latitude: site.latitude, longitude: site.longitude },
      evse_uid: evse.uid,
      evse_id: evse.evseId,
      connector_id: "1",
      connector_standard: dcSession ? "IEC_62196_T2_COMBO" : "IEC_62196_T2",
      connector_format: dcSession ? "CABLE" : "SOCKET",
      connector_power_type: dcSession ? "DC" : "AC_3_PHASE",
    },
    currency: "EUR",
    tariffs,
    charging_periods: periods,
    total_cost: { excl_vat: excl, incl_vat: round2(excl * (1 + vat / 100)) },
    total_energy: kwh,
    total_time: Number(totalHours.toFixed(4)),
    ...(parkingHours > 0 ? { total_parking_time: Number(parkingHours.toFixed(4)) } : {}),
    last_updated: iso(new Date(end.getTime() + 120_000)),
  };
}

/** The demo drivers' cards as the CPOs see them in November 2026. */
function demoTokens(): { uid: string; contractId: string }[] {
  const tokens: { uid: string; contractId: string }[] = [];
  drivers.forEach((d, i) => {
    const n = i + 1;
    const number = String(n).padStart(4, "0");
    const slug = d.id.replace(/^cus-/, "");
    // Joris ended his contract on 1 October; Carla's card was replaced in May.
    if (slug === "joris-brouwer") return;
    const uid = slug === "carla-visser" ? "04B9000399D1E2" : `04A1${number}B2C3`;
    tokens.push({ uid, contractId: `NL-VLT-C0000${number}-${n % 10}` });
  });
  return tokens;
}

const site = (locationId: string): Site => sites.find((s) => s.locationId === locationId) as Site;

/** Where the demo drivers charge, by weight: AllBright and our own network most, abroad now and then. */
const siteWeights: [string, number][] = [
  ["VLT-AMS-HQ", 6],
  ["ABC-AMS-01", 6],
  ["ABC-UTR-02", 5],
  ["GRN-AMS-001", 4],
  ["GRN-UTR-002", 3],
  ["GRN-RTM-003", 2],
  ["GRN-GRQ-004", 2],
  ["FST-A2-VKV", 4],
  ["ION-A3-OBH", 3],
  ["SNL-KOE-01", 2],
  ["SNL-DUS-02", 1],
  ["OPL-ANR-1", 2],
  ["OPL-GNE-2", 1],
];

/** The demo CDRs, in the order they arrive (by end). Deterministic. */
export function demoCdrs(count = 46): Record<string, unknown>[] {
  const rnd = random(SEED);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)] as T;
  const until = Date.parse(DEMO_SESSIONS_UNTIL);
  const tokens = demoTokens();
  const totalWeight = siteWeights.reduce((sum, [, w]) => sum + w, 0);
  const specs: CdrSpec[] = [];

  for (let i = 0; i < count; i++) {
    let r = rnd() * totalWeight;
    let locationId = siteWeights[0]?.[0] as string;
    for (const [id, weight] of siteWeights) {
      r -= weight;
      if (r < 0) {
        locationId = id;
        break;
      }
    }
    const s = site(locationId);
    const evse = pick(s.evses);
    const token = pick(tokens);
    const dayStart = until - (1 + Math.floor(rnd() * DAYS)) * 86_400_000;
    const dcSession = evse.currentType === "DC";
    // About half of the AC sessions are overnight (start between 19:00 and 23:00 UTC); the rest by day.
    const night = !dcSession && rnd() < 0.45;
    const hour = night ? 19 + Math.floor(rnd() * 4) : 6 + Math.floor(rnd() * 13);
    const start = new Date(dayStart + hour * 3_600_000 + Math.floor(rnd() * 60) * 60_000);
    const kw = Number(evse.maxPowerKw);
    let chargingHours: number;
    let kwh: number;
    if (dcSession) {
      chargingHours = 0.3 + rnd() * 0.5;
      kwh = Math.min(15 + rnd() * 50, kw * chargingHours * 0.6);
    } else {
      chargingHours = night ? 7 + rnd() * 4 : 1.5 + rnd() * 4;
      kwh = Math.min(6 + rnd() * 38, kw * chargingHours * 0.6);
    }
    // Now and then a car stays parked after charging (AllBright charges an idle fee after an hour).
    // AllBright's idle fee (after a free hour) is in its ruleset, not in the tariff it sends: stays there are shorter.
    const parkingHours = !dcSession && !night && rnd() < 0.35 ? (s.cpo === "NL-ABC" ? 0.25 : 1) + rnd() * 0.75 : 0;
    specs.push({
      id: `DEMO-${s.cpo.replace("-", "")}-${String(i + 1).padStart(4, "0")}`,
      site: s,
      evse,
      tokenUid: token.uid,
      contractId: token.contractId,
      start,
      chargingHours: Math.round(chargingHours * 60) / 60,
      parkingHours: Math.round(parkingHours * 60) / 60,
      kwh: round2(kwh),
    });
  }

  // The drop-outs.
  const at = (day: string, time: string): Date => new Date(`${day}T${time}Z`);
  const anna = tokens[0] as { uid: string; contractId: string };
  const bram = tokens[1] as { uid: string; contractId: string };
  const evse = (locationId: string, uid: string): Evse => site(locationId).evses.find((e) => e.uid === uid) as Evse;
  const dropOuts: CdrSpec[] = [
    // A card of another MSP routed to us by mistake.
    {
      id: "DEMO-NLGRN-9001",
      site: site("GRN-AMS-001"),
      evse: evse("GRN-AMS-001", "GRN-AMS-001-1"),
      tokenUid: "04FF7E21A9C0",
      contractId: "NL-XYZ-C12345678-9",
      start: at("2026-11-03", "07:42:00"),
      chargingHours: 2.5,
      kwh: 18.4,
    },
    {
      id: "DEMO-NLABC-9002",
      site: site("ABC-AMS-01"),
      evse: evse("ABC-AMS-01", "ABC-AMS-01-3"),
      tokenUid: "04FF7E21A9C0",
      contractId: "NL-XYZ-C12345678-9",
      start: at("2026-11-12", "16:05:00"),
      chargingHours: 0.5,
      kwh: 21.7,
    },
    // Joris's card after his contract ended on 1 October.
    {
      id: "DEMO-BEOPL-9003",
      site: site("OPL-ANR-1"),
      evse: evse("OPL-ANR-1", "OPL-ANR-1-A"),
      tokenUid: "04A10010B2C3",
      contractId: "NL-VLT-C00000010-0",
      start: at("2026-10-18", "10:15:00"),
      chargingHours: 3,
      kwh: 24.6,
    },
    // BlitzLaden: the roaming agreement ended in 2024.
    {
      id: "DEMO-DEBLK-9004",
      site: site("BLK-KOE-01"),
      evse: evse("BLK-KOE-01", "BLK-KOE-01-2"),
      tokenUid: bram.uid,
      contractId: bram.contractId,
      start: at("2026-10-22", "12:30:00"),
      chargingHours: 0.6,
      kwh: 38.2,
    },
    {
      id: "DEMO-DEBLK-9005",
      site: site("BLK-KOE-01"),
      evse: evse("BLK-KOE-01", "BLK-KOE-01-1"),
      tokenUid: anna.uid,
      contractId: anna.contractId,
      start: at("2026-11-09", "08:10:00"),
      chargingHours: 4,
      kwh: 31.5,
    },
    // 84 kWh in 45 minutes on an 11 kW AC charger: a meter reading in Wh sent as kWh, or a broken meter.
    {
      id: "DEMO-NLVLT-9006",
      site: site("VLT-AMS-HQ"),
      evse: evse("VLT-AMS-HQ", "VLT-AMS-HQ-2"),
      tokenUid: anna.uid,
      contractId: anna.contractId,
      start: at("2026-11-16", "09:00:00"),
      chargingHours: 0.75,
      kwh: 84.0,
    },
    // Groenlaad billed 0.49 per kWh where its tariff says 0.39.
    {
      id: "DEMO-NLGRN-9007",
      site: site("GRN-UTR-002"),
      evse: evse("GRN-UTR-002", "GRN-UTR-002-1"),
      tokenUid: bram.uid,
      contractId: bram.contractId,
      start: at("2026-11-06", "13:20:00"),
      chargingHours: 2,
      kwh: 26.3,
      billedEnergyPrice: 0.49,
    },
  ];

  return [...specs, ...dropOuts]
    .map((spec) => ({ spec, cdr: demoCdr(spec) }))
    .sort(
      (a, b) =>
        String(a.cdr.end_date_time).localeCompare(String(b.cdr.end_date_time)) || a.spec.id.localeCompare(b.spec.id),
    )
    .map((x) => x.cdr);
}

export const sessionsDemoDataset: DemoDataset = {
  id: "sessions-v1",
  description: "OCPI 2.2.1 CDRs of October and November 2026, priced through the pipeline (a few drop out)",
  phase: "sessions",
  async load(_store: Store, { pipeline }) {
    if (!pipeline) throw new Error("the sessions demo dataset needs the pipeline");
    let processed = 0;
    for (const cdr of demoCdrs()) {
      await pipeline.process({
        format: "ocpi-2.2.1",
        payload: cdr,
        sourceParty: `${cdr.country_code}*${cdr.party_id}`,
        sessionId: String(cdr.id),
      });
      processed++;
    }
    return processed;
  },
};
