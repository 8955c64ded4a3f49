// Demo master data of a Dutch MSP: one administration, the roaming parties the shipped rulesets know (AllBright NL*ABC,
// FastLane NL*FST, Ionity DE*ION, BlitzLaden DE*BLK, whose agreement ended) and three more CPOs, roaming agreements,
// drivers and companies with their contracts and cards, charging locations in NL, DE and BE, and two home chargers. Everything is
// loaded through the master data service, so it carries versions, history and audit entries like real data; a few
// entities have a history on purpose (a replaced card, a terminated contract, an upgrade, a scheduled change).

import { type Actor, createMasterData, type EntityData, type MasterData } from "../master-data/index.ts";
import type { Store } from "../store/index.ts";
import type { DemoDataset } from "./seed.ts";

const demoActor: Actor = { id: "demo", name: "demo data", via: "demo" };

/** 1 January 2026, midnight in Amsterdam. */
const START = "2026-01-01T00:00:00+01:00";
export const DEMO_ADMINISTRATION_ID = "voltrate-mobility-nl";

const parties: (EntityData["party"] & { id: string })[] = [
  { id: "NL-VLT", countryCode: "NL", partyId: "VLT", roles: ["EMSP", "CPO"], name: "Voltrate Mobility (demo MSP)" },
  { id: "NL-GRN", countryCode: "NL", partyId: "GRN", roles: ["CPO"], name: "Groenlaad Netwerk (demo CPO)" },
  { id: "DE-SNL", countryCode: "DE", partyId: "SNL", roles: ["CPO"], name: "Schnellladen GmbH (demo CPO)" },
  { id: "BE-OPL", countryCode: "BE", partyId: "OPL", roles: ["CPO"], name: "Oplaadpunt BV (demo CPO)" },
  { id: "NL-HUB", countryCode: "NL", partyId: "HUB", roles: ["HUB"], name: "Roaming Hub (demo hub)" },
  { id: "NL-ABC", countryCode: "NL", partyId: "ABC", roles: ["CPO"], name: "AllBright Charging (demo CPO)" },
  { id: "NL-FST", countryCode: "NL", partyId: "FST", roles: ["CPO"], name: "FastLane Charging (demo CPO)" },
  { id: "DE-ION", countryCode: "DE", partyId: "ION", roles: ["CPO"], name: "Ionity (demo CPO)" },
  { id: "DE-BLK", countryCode: "DE", partyId: "BLK", roles: ["CPO"], name: "BlitzLaden GmbH (demo CPO, no agreement)" },
];

const administration: EntityData["administration"] = {
  code: "VLT-NL",
  name: "Voltrate Mobility NL",
  legalEntity: {
    name: "Voltrate Mobility B.V.",
    registrationNumber: "87654321",
    address: { street: "Keizersgracht 100", postalCode: "1015 AA", city: "Amsterdam", country: "NL" },
  },
  country: "NL",
  currency: "EUR",
  vatRegime: { country: "NL", vatId: "NL862345678B01", scheme: "standard" },
  invoiceSeries: [
    { code: "sales", kind: "invoice", prefix: "VLT-2026-", digits: 6 },
    { code: "credit", kind: "credit-note", prefix: "VLT-CN-2026-", digits: 6 },
    { code: "home-charging", kind: "self-billing", prefix: "VLT-HC-2026-", digits: 6 },
  ],
  mspPartyId: "NL-VLT",
};

const companies: { id: string; name: string; vatId: string; registrationNumber: string; city: string }[] = [
  {
    id: "cus-bakker-logistiek",
    name: "Bakker Logistiek B.V.",
    vatId: "NL812345671B01",
    registrationNumber: "30123456",
    city: "Utrecht",
  },
  {
    id: "cus-zonnestroom",
    name: "Zonnestroom Installaties B.V.",
    vatId: "NL823456782B01",
    registrationNumber: "17234567",
    city: "Eindhoven",
  },
];

export type Driver = {
  id: string;
  name: string;
  city: string;
  postalCode: string;
  employerId?: string;
  product: "FLEX" | "PLUS";
  /** When the customer joined, when not at the start. */
  since?: string;
};

export const drivers: Driver[] = [
  { id: "cus-anna-de-vries", name: "Anna de Vries", city: "Amsterdam", postalCode: "1071 AB", product: "PLUS" },
  {
    id: "cus-bram-jansen",
    name: "Bram Jansen",
    city: "Utrecht",
    postalCode: "3511 AB",
    product: "FLEX",
    employerId: "cus-bakker-logistiek",
  },
  { id: "cus-carla-visser", name: "Carla Visser", city: "Rotterdam", postalCode: "3011 AB", product: "FLEX" },
  {
    id: "cus-daan-smit",
    name: "Daan Smit",
    city: "Den Haag",
    postalCode: "2511 AB",
    product: "PLUS",
    employerId: "cus-bakker-logistiek",
  },
  {
    id: "cus-eva-mulder",
    name: "Eva Mulder",
    city: "Eindhoven",
    postalCode: "5611 AB",
    product: "PLUS",
    employerId: "cus-zonnestroom",
  },
  { id: "cus-finn-bos", name: "Finn Bos", city: "Groningen", postalCode: "9711 AB", product: "FLEX" },
  { id: "cus-greet-meijer", name: "Greet Meijer", city: "Haarlem", postalCode: "2011 AB", product: "FLEX" },
  {
    id: "cus-hugo-dekker",
    name: "Hugo Dekker",
    city: "Arnhem",
    postalCode: "6811 AB",
    product: "PLUS",
    since: "2026-02-15T00:00:00+01:00",
  },
  {
    id: "cus-iris-van-dijk",
    name: "Iris van Dijk",
    city: "Utrecht",
    postalCode: "3512 AB",
    product: "FLEX",
    employerId: "cus-bakker-logistiek",
  },
  { id: "cus-joris-brouwer", name: "Joris Brouwer", city: "Leiden", postalCode: "2311 AB", product: "FLEX" },
  {
    id: "cus-kim-de-graaf",
    name: "Kim de Graaf",
    city: "Amersfoort",
    postalCode: "3811 AB",
    product: "PLUS",
    employerId: "cus-zonnestroom",
  },
  { id: "cus-lars-hendriks", name: "Lars Hendriks", city: "Nijmegen", postalCode: "6511 AB", product: "FLEX" },
  {
    id: "cus-mila-peters",
    name: "Mila Peters",
    city: "Breda",
    postalCode: "4811 AB",
    product: "FLEX",
    since: "2026-03-01T00:00:00+01:00",
  },
  { id: "cus-noah-willems", name: "Noah Willems", city: "Maastricht", postalCode: "6211 AB", product: "PLUS" },
  { id: "cus-olivia-kok", name: "Olivia Kok", city: "Zwolle", postalCode: "8011 AB", product: "FLEX" },
  {
    id: "cus-pim-van-leeuwen",
    name: "Pim van Leeuwen",
    city: "Delft",
    postalCode: "2611 AB",
    product: "FLEX",
    employerId: "cus-zonnestroom",
  },
  { id: "cus-roos-schouten", name: "Roos Schouten", city: "Alkmaar", postalCode: "1811 AB", product: "PLUS" },
  {
    id: "cus-sem-vermeulen",
    name: "Sem Vermeulen",
    city: "Tilburg",
    postalCode: "5011 AB",
    product: "FLEX",
    since: "2026-04-01T00:00:00+02:00",
  },
];

const slug = (id: string): string => id.replace(/^cus-/, "");

export type Site = {
  cpo: string;
  locationId: string;
  name: string;
  street: string;
  postalCode: string;
  city: string;
  country: string;
  timeZone: string;
  latitude: string;
  longitude: string;
  evses: EntityData["location"]["evses"];
};

const ac = (uid: string, evseId: string, kw = "22"): EntityData["location"]["evses"][number] => ({
  uid,
  evseId,
  currentType: "AC",
  maxPowerKw: kw,
  connectors: 1,
});
const dc = (uid: string, evseId: string, kw: string): EntityData["location"]["evses"][number] => ({
  uid,
  evseId,
  currentType: "DC",
  maxPowerKw: kw,
  connectors: 2,
});

export const sites: Site[] = [
  {
    cpo: "NL-ABC",
    locationId: "ABC-AMS-01",
    name: "Amsterdam Zuidas",
    street: "Gustav Mahlerplein 2",
    postalCode: "1082 MA",
    city: "Amsterdam",
    country: "NL",
    timeZone: "Europe/Amsterdam",
    latitude: "52.3380",
    longitude: "4.8720",
    evses: [
      ac("ABC-AMS-01-1", "NL*ABC*E0101*1"),
      ac("ABC-AMS-01-2", "NL*ABC*E0101*2"),
      dc("ABC-AMS-01-3", "NL*ABC*E0101*3", "50"),
    ],
  },
  {
    cpo: "NL-ABC",
    locationId: "ABC-UTR-02",
    name: "Utrecht Leidsche Rijn",
    street: "Berlijnplein 1",
    postalCode: "3541 CM",
    city: "Utrecht",
    country: "NL",
    timeZone: "Europe/Amsterdam",
    latitude: "52.0990",
    longitude: "5.0570",
    evses: [ac("ABC-UTR-02-1", "NL*ABC*E0102*1", "11"), dc("ABC-UTR-02-2", "NL*ABC*E0102*2", "175")],
  },
  {
    cpo: "NL-FST",
    locationId: "FST-A2-VKV",
    name: "FastLane A2 Vinkeveen",
    street: "Demmerik 2",
    postalCode: "3645 EA",
    city: "Vinkeveen",
    country: "NL",
    timeZone: "Europe/Amsterdam",
    latitude: "52.2150",
    longitude: "4.9440",
    evses: [dc("FST-A2-VKV-1", "NL*FST*E0001*1", "300"), dc("FST-A2-VKV-2", "NL*FST*E0001*2", "300")],
  },
  {
    cpo: "DE-ION",
    locationId: "ION-A3-OBH",
    name: "Ionity Oberhausen A3",
    street: "Am Kaisergarten 1",
    postalCode: "46049",
    city: "Oberhausen",
    country: "DE",
    timeZone: "Europe/Berlin",
    latitude: "51.4960",
    longitude: "6.8630",
    evses: [dc("ION-A3-OBH-1", "DE*ION*E1001*1", "350"), dc("ION-A3-OBH-2", "DE*ION*E1001*2", "350")],
  },
  {
    cpo: "DE-BLK",
    locationId: "BLK-KOE-01",
    name: "BlitzLaden Köln Deutz",
    street: "Deutz-Mülheimer Straße 30",
    postalCode: "50679",
    city: "Köln",
    country: "DE",
    timeZone: "Europe/Berlin",
    latitude: "50.9410",
    longitude: "6.9750",
    evses: [ac("BLK-KOE-01-1", "DE*BLK*E0001*1"), dc("BLK-KOE-01-2", "DE*BLK*E0001*2", "100")],
  },
  {
    cpo: "NL-VLT",
    locationId: "VLT-AMS-HQ",
    name: "Voltrate HQ",
    street: "Keizersgracht 100",
    postalCode: "1015 AA",
    city: "Amsterdam",
    country: "NL",
    timeZone: "Europe/Amsterdam",
    latitude: "52.3752",
    longitude: "4.8840",
    evses: [ac("VLT-AMS-HQ-1", "NL*VLT*E0001*1", "11"), ac("VLT-AMS-HQ-2", "NL*VLT*E0001*2", "11")],
  },
  {
    cpo: "NL-GRN",
    locationId: "GRN-AMS-001",
    name: "Amsterdam Centraal P+R",
    street: "Stationsplein 10",
    postalCode: "1012 AB",
    city: "Amsterdam",
    country: "NL",
    timeZone: "Europe/Amsterdam",
    latitude: "52.3791",
    longitude: "4.9003",
    evses: [
      ac("GRN-AMS-001-1", "NL*GRN*E1001*1"),
      ac("GRN-AMS-001-2", "NL*GRN*E1001*2"),
      dc("GRN-AMS-001-3", "NL*GRN*E1001*3", "50"),
    ],
  },
  {
    cpo: "NL-GRN",
    locationId: "GRN-UTR-002",
    name: "Utrecht Jaarbeurs",
    street: "Jaarbeursplein 6",
    postalCode: "3521 AL",
    city: "Utrecht",
    country: "NL",
    timeZone: "Europe/Amsterdam",
    latitude: "52.0880",
    longitude: "5.1080",
    evses: [ac("GRN-UTR-002-1", "NL*GRN*E1002*1"), dc("GRN-UTR-002-2", "NL*GRN*E1002*2", "150")],
  },
  {
    cpo: "NL-GRN",
    locationId: "GRN-RTM-003",
    name: "Rotterdam Kop van Zuid",
    street: "Wilhelminakade 1",
    postalCode: "3072 AP",
    city: "Rotterdam",
    country: "NL",
    timeZone: "Europe/Amsterdam",
    latitude: "51.9069",
    longitude: "4.4886",
    evses: [ac("GRN-RTM-003-1", "NL*GRN*E1003*1", "11"), ac("GRN-RTM-003-2", "NL*GRN*E1003*2", "11")],
  },
  {
    cpo: "NL-GRN",
    locationId: "GRN-GRQ-004",
    name: "Groningen Euroborg",
    street: "Boumaboulevard 41",
    postalCode: "9723 ZS",
    city: "Groningen",
    country: "NL",
    timeZone: "Europe/Amsterdam",
    latitude: "53.2063",
    longitude: "6.5926",
    evses: [ac("GRN-GRQ-004-1", "NL*GRN*E1004*1"), dc("GRN-GRQ-004-2", "NL*GRN*E1004*2", "50")],
  },
  {
    cpo: "DE-SNL",
    locationId: "SNL-KOE-01",
    name: "Köln Messe",
    street: "Messeplatz 1",
    postalCode: "50679",
    city: "Köln",
    country: "DE",
    timeZone: "Europe/Berlin",
    latitude: "50.9466",
    longitude: "6.9830",
    evses: [
      dc("SNL-KOE-01-1", "DE*SNL*E2001*1", "300"),
      dc("SNL-KOE-01-2", "DE*SNL*E2001*2", "300"),
      ac("SNL-KOE-01-3", "DE*SNL*E2001*3"),
    ],
  },
  {
    cpo: "DE-SNL",
    locationId: "SNL-DUS-02",
    name: "Düsseldorf Flughafen",
    street: "Flughafenstraße 120",
    postalCode: "40474",
    city: "Düsseldorf",
    country: "DE",
    timeZone: "Europe/Berlin",
    latitude: "51.2781",
    longitude: "6.7653",
    evses: [dc("SNL-DUS-02-1", "DE*SNL*E2002*1", "150"), ac("SNL-DUS-02-2", "DE*SNL*E2002*2", "11")],
  },
  {
    cpo: "DE-SNL",
    locationId: "SNL-AAC-03",
    name: "Aachen A4 Raststätte",
    street: "Aachener Straße 3",
    postalCode: "52072",
    city: "Aachen",
    country: "DE",
    timeZone: "Europe/Berlin",
    latitude: "50.7928",
    longitude: "6.0511",
    evses: [dc("SNL-AAC-03-1", "DE*SNL*E2003*1", "50"), dc("SNL-AAC-03-2", "DE*SNL*E2003*2", "50")],
  },
  {
    cpo: "BE-OPL",
    locationId: "OPL-ANR-1",
    name: "Antwerpen Centraal",
    street: "Koningin Astridplein 27",
    postalCode: "2018",
    city: "Antwerpen",
    country: "BE",
    timeZone: "Europe/Brussels",
    latitude: "51.2172",
    longitude: "4.4211",
    evses: [
      ac("OPL-ANR-1-A", "BE*OPL*E3001*1"),
      ac("OPL-ANR-1-B", "BE*OPL*E3001*2"),
      dc("OPL-ANR-1-C", "BE*OPL*E3001*3", "100"),
    ],
  },
  {
    cpo: "BE-OPL",
    locationId: "OPL-GNE-2",
    name: "Gent Sint-Pieters",
    street: "Koningin Maria Hendrikaplein 1",
    postalCode: "9000",
    city: "Gent",
    country: "BE",
    timeZone: "Europe/Brussels",
    latitude: "51.0356",
    longitude: "3.7106",
    evses: [ac("OPL-GNE-2-A", "BE*OPL*E3002*1", "11"), dc("OPL-GNE-2-B", "BE*OPL*E3002*2", "50")],
  },
  {
    cpo: "BE-OPL",
    locationId: "OPL-BRU-3",
    name: "Brussel Zuid",
    street: "Fonsnylaan 47",
    postalCode: "1060",
    city: "Brussel",
    country: "BE",
    timeZone: "Europe/Brussels",
    latitude: "50.8355",
    longitude: "4.3357",
    evses: [ac("OPL-BRU-3-A", "BE*OPL*E3003*1"), ac("OPL-BRU-3-B", "BE*OPL*E3003*2")],
  },
];

/** Loads the data set; returns the number of version records written. */
export async function loadDemoMasterData(md: MasterData): Promise<number> {
  let records = 0;
  const count = (result: { versions: readonly unknown[] }): void => {
    records += result.versions.length;
  };
  const by = demoActor;

  for (const { id, ...data } of parties) count(await md.parties.create({ id, data, validFrom: START }, by));
  count(await md.administrations.create({ id: DEMO_ADMINISTRATION_ID, data: administration, validFrom: START }, by));

  // Roaming agreements: AllBright at our purchase ruleset (rulesets/cpo-abc-purchase), the others at their own OCPI
  // tariffs (sent with each CDR); our own network at its internal OCPI cost tariff. BlitzLaden has none (ended in 2024).
  const agreement = (
    cpoPartyId: string,
    purchasePricing: EntityData["agreement"]["purchasePricing"],
    extra: Partial<EntityData["agreement"]>,
  ) =>
    md.agreements.create(
      {
        id: `agr-${cpoPartyId.toLowerCase()}`,
        data: {
          cpoPartyId,
          administrationId: DEMO_ADMINISTRATION_ID,
          purchasePricing,
          settlementCurrency: "EUR",
          ...extra,
        },
        validFrom: START,
        reason: "roaming agreement signed",
      },
      by,
    );
  const agreements: [string, EntityData["agreement"]["purchasePricing"], Partial<EntityData["agreement"]>][] = [
    ["NL-VLT", { kind: "ocpi-tariffs" }, { reference: "VLT-INTERNAL", paymentTermDays: 30 }],
    [
      "NL-ABC",
      { kind: "ruleset", rulesetId: "cpo-abc-purchase" },
      { reference: "ABC-VLT-2025", hubPartyId: "NL-HUB", paymentTermDays: 30 },
    ],
    ["NL-FST", { kind: "ocpi-tariffs" }, { reference: "FST-2026-004", paymentTermDays: 30 }],
    ["DE-ION", { kind: "ocpi-tariffs" }, { reference: "ION/VLT/2026", hubPartyId: "NL-HUB", paymentTermDays: 30 }],
    ["NL-GRN", { kind: "ocpi-tariffs" }, { reference: "GRN-VLT-2026", hubPartyId: "NL-HUB", paymentTermDays: 30 }],
    ["DE-SNL", { kind: "ocpi-tariffs" }, { reference: "SNL/2026/017", paymentTermDays: 30 }],
    ["BE-OPL", { kind: "ocpi-tariffs" }, { reference: "OPL-2026-VLT", hubPartyId: "NL-HUB", paymentTermDays: 45 }],
  ];
  for (const [cpo, pricing, extra] of agreements) count(await agreement(cpo, pricing, extra));
  // Scheduled: Schnellladen pays faster from 2027.
  count(
    await md.agreements.change(
      "agr-de-snl",
      {
        effectiveFrom: "2027-01-01T00:00:00+01:00",
        data: { paymentTermDays: 14 },
        reason: "renegotiated payment terms",
      },
      by,
    ),
  );

  for (const c of companies) {
    count(
      await md.customers.create(
        {
          id: c.id,
          data: {
            kind: "company",
            administrationId: DEMO_ADMINISTRATION_ID,
            customerNumber: `B${c.registrationNumber.slice(-5)}`,
            name: c.name,
            email: `fleet@${slug(c.id)}.example`,
            vatId: c.vatId,
            registrationNumber: c.registrationNumber,
            address: { city: c.city, country: "NL" },
          },
          validFrom: START,
        },
        by,
      ),
    );
  }

  let n = 0;
  for (const d of drivers) {
    n++;
    const since = d.since ?? START;
    const number = String(n).padStart(4, "0");
    count(
      await md.customers.create(
        {
          id: d.id,
          data: {
            kind: "person",
            administrationId: DEMO_ADMINISTRATION_ID,
            customerNumber: `C1${number}`,
            name: d.name,
            email: `${slug(d.id)}@example.nl`,
            language: "nl",
            address: { postalCode: d.postalCode, city: d.city, country: "NL" },
            ...(d.employerId ? { employerId: d.employerId } : {}),
          },
          validFrom: since,
        },
        by,
      ),
    );
    const contractId = `ctr-${slug(d.id)}`;
    count(
      await md.contracts.create(
        {
          id: contractId,
          data: {
            customerId: d.id,
            administrationId: DEMO_ADMINISTRATION_ID,
            contractNumber: `NL-VLT-C0000${number}-${n % 10}`,
            productCode: d.product,
            salesRulesetId: "msp-nl-retail",
            ...(d.employerId ? { billToCustomerId: d.employerId } : {}),
          },
          validFrom: since,
        },
        by,
      ),
    );
    if (d.product === "PLUS") {
      count(
        await md.subscriptions.create(
          {
            id: `sub-${slug(d.id)}-plus`,
            data: { contractId, productCode: "PLUS", description: "PLUS subscription, EUR 4.99 a month" },
            validFrom: since,
          },
          by,
        ),
      );
    }
    count(
      await md.tokens.create(
        {
          id: `tok-${slug(d.id)}-1`,
          data: {
            uid: `04A1${number}B2C3`,
            type: "RFID",
            contractId,
            visualNumber: `NL-VLT-${number}01-${n % 10}`,
          },
          validFrom: since,
        },
        by,
      ),
    );
  }
  // Two drivers also charge with the app.
  for (const d of [drivers[0], drivers[4]]) {
    if (!d) continue;
    count(
      await md.tokens.create(
        {
          id: `tok-${slug(d.id)}-app`,
          data: { uid: `APP-${slug(d.id).toUpperCase()}`, type: "APP_USER", contractId: `ctr-${slug(d.id)}` },
          validFrom: START,
        },
        by,
      ),
    );
  }

  // History on purpose:
  // - Carla lost her card; the replacement took over on 15 May 2026 (sessions before still find the old card).
  const replaced = await md.tokens.replace(
    "tok-carla-visser-1",
    {
      effectiveFrom: "2026-05-15T00:00:00+02:00",
      token: { id: "tok-carla-visser-2", uid: "04B9000399D1E2", visualNumber: "NL-VLT-000302-3" },
      reason: "card lost",
    },
    by,
  );
  count(replaced.replacement);
  count(replaced.replaced);
  // - Finn moved from FLEX to PLUS on 1 June 2026.
  count(
    await md.contracts.change(
      "ctr-finn-bos",
      { effectiveFrom: "2026-06-01T00:00:00+02:00", data: { productCode: "PLUS" }, reason: "upgraded in the app" },
      by,
    ),
  );
  count(
    await md.subscriptions.create(
      {
        id: "sub-finn-bos-plus",
        data: { contractId: "ctr-finn-bos", productCode: "PLUS", description: "PLUS subscription, EUR 4.99 a month" },
        validFrom: "2026-06-01T00:00:00+02:00",
      },
      by,
    ),
  );
  // - Joris ended his contract on 1 October 2026; his card ended with it.
  for (const [type, id] of [
    ["contract", "ctr-joris-brouwer"],
    ["token", "tok-joris-brouwer-1"],
  ] as const) {
    count(
      await md
        .entity(type)
        .terminate(
          id,
          { effectiveFrom: "2026-10-01T00:00:00+02:00", reason: "contract cancelled by the customer" },
          by,
        ),
    );
  }

  for (const s of sites) {
    count(
      await md.locations.create(
        {
          id: `loc-${s.locationId.toLowerCase()}`,
          data: {
            cpoPartyId: s.cpo,
            locationId: s.locationId,
            name: s.name,
            address: { street: s.street, postalCode: s.postalCode, city: s.city, country: s.country },
            timeZone: s.timeZone,
            coordinates: { latitude: s.latitude, longitude: s.longitude },
            evses: s.evses,
          },
          validFrom: START,
        },
        by,
      ),
    );
  }
  // - The DC charger in Groningen was upgraded from 50 to 150 kW on 1 June 2026.
  const groningen = sites.find((s) => s.locationId === "GRN-GRQ-004") as Site;
  count(
    await md.locations.change(
      "loc-grn-grq-004",
      {
        effectiveFrom: "2026-06-01T00:00:00+02:00",
        data: { evses: groningen.evses.map((e) => (e.currentType === "DC" ? { ...e, maxPowerKw: "150" } : e)) },
        reason: "DC charger upgraded",
      },
      by,
    ),
  );

  // Home chargers of two employees; the employer reimburses the energy.
  count(
    await md.homeChargePoints.create(
      {
        id: "hcp-bram-jansen",
        data: {
          chargePointId: "HOME-NL-000101",
          ownerCustomerId: "cus-bram-jansen",
          employerCustomerId: "cus-bakker-logistiek",
          administrationId: DEMO_ADMINISTRATION_ID,
          address: { street: "Oudegracht 12", postalCode: "3511 AB", city: "Utrecht", country: "NL" },
          timeZone: "Europe/Amsterdam",
          maxPowerKw: "11",
          reimbursement: {
            pricePerKwh: "0.25",
            currency: "EUR",
            includesVat: true,
            payout: { method: "bank-transfer", iban: "NL91ABNA0417164300", frequency: "monthly" },
          },
        },
        validFrom: START,
      },
      by,
    ),
  );
  // - Scheduled: Bakker Logistiek raises the reimbursement from 2027.
  count(
    await md.homeChargePoints.change(
      "hcp-bram-jansen",
      {
        effectiveFrom: "2027-01-01T00:00:00+01:00",
        data: {
          reimbursement: {
            pricePerKwh: "0.27",
            currency: "EUR",
            includesVat: true,
            payout: { method: "bank-transfer", iban: "NL91ABNA0417164300", frequency: "monthly" },
          },
        },
        reason: "reimbursement follows the 2027 energy price",
      },
      by,
    ),
  );
  count(
    await md.homeChargePoints.create(
      {
        id: "hcp-eva-mulder",
        data: {
          chargePointId: "HOME-NL-000102",
          ownerCustomerId: "cus-eva-mulder",
          employerCustomerId: "cus-zonnestroom",
          administrationId: DEMO_ADMINISTRATION_ID,
          address: { street: "Stratumseind 20", postalCode: "5611 ET", city: "Eindhoven", country: "NL" },
          timeZone: "Europe/Amsterdam",
          maxPowerKw: "22",
          reimbursement: {
            pricePerKwh: "0.30",
            currency: "EUR",
            includesVat: true,
            payout: { method: "payroll", frequency: "monthly" },
          },
        },
        validFrom: START,
      },
      by,
    ),
  );
  return records;
}

export const masterDataDemoDataset: DemoDataset = {
  id: "master-data-v1",
  description:
    "master data of a Dutch MSP (administration, parties, agreements, customers, contracts, tokens, locations)",
  async load(store: Store) {
    const md = createMasterData(store);
    await md.ensureIndexes();
    return loadDemoMasterData(md);
  },
};
