import type { DemoDataset } from "./seed.ts";

const demoEpoch = new Date("2026-01-01T00:00:00Z");

/** Fictional roaming parties of a Dutch MSP's network (OCPI country_code + party_id, roles). */
const parties = [
  { countryCode: "NL", partyId: "VLT", name: "Voltrate Mobility (demo MSP)", roles: ["EMSP"] },
  { countryCode: "NL", partyId: "GRN", name: "Groenlaad Netwerk (demo CPO)", roles: ["CPO"] },
  { countryCode: "DE", partyId: "SNL", name: "Schnellladen GmbH (demo CPO)", roles: ["CPO"] },
  { countryCode: "BE", partyId: "OPL", name: "Oplaadpunt BV (demo CPO)", roles: ["CPO"] },
  { countryCode: "NL", partyId: "HUB", name: "Roaming Hub (demo hub)", roles: ["HUB"] },
];

export const demoDatasets: DemoDataset[] = [
  {
    id: "parties-v1",
    description: "roaming parties (one MSP, three CPOs, one hub)",
    async load(store) {
      const collection = store.collection("parties");
      await collection.insertMany(
        parties.map((p) => ({
          _id: `${p.countryCode}*${p.partyId}`,
          ...p,
          validFrom: demoEpoch,
          validTo: null,
          demo: true,
        })),
      );
      return parties.length;
    },
  },
];
