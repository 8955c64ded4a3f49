// Small, valid master data for tests: one administration, a CPO, a driver with a contract and a card.
import type { Actor, EntityData } from "./model.ts";
import type { MasterData } from "./service.ts";

export const administration: EntityData["administration"] = {
  code: "TEST-NL",
  name: "Test Mobility NL",
  legalEntity: { name: "Test Mobility B.V.", registrationNumber: "12345678" },
  country: "NL",
  currency: "EUR",
  vatRegime: { country: "NL", vatId: "NL123456789B01", scheme: "standard" },
  invoiceSeries: [{ code: "sales", kind: "invoice", prefix: "TST-", digits: 6 }],
};

export const cpo: EntityData["party"] = { countryCode: "NL", partyId: "GRN", roles: ["CPO"], name: "Groenlaad" };

export const driver = (administrationId: string): EntityData["customer"] => ({
  kind: "person",
  administrationId,
  name: "Anna de Vries",
  email: "anna@example.nl",
});

export const location = (cpoPartyId: string): EntityData["location"] => ({
  cpoPartyId,
  locationId: "LOC1",
  name: "Stationsplein",
  address: { street: "Stationsplein 1", postalCode: "1012 AB", city: "Amsterdam", country: "NL" },
  timeZone: "Europe/Amsterdam",
  evses: [
    { uid: "EVSE1", currentType: "AC", maxPowerKw: "22" },
    { uid: "EVSE2", currentType: "DC", maxPowerKw: "150" },
  ],
});

export interface Basics {
  administrationId: string;
  cpoId: string;
  customerId: string;
  contractId: string;
  tokenId: string;
}

/** Administration, CPO party, driver, contract (FLEX) and RFID card, all valid from 2026-01-01. */
export async function createBasics(
  md: MasterData,
  by: Actor,
  validFrom = "2026-01-01T00:00:00+01:00",
): Promise<Basics> {
  const adm = await md.administrations.create({ id: "adm-nl", data: administration, validFrom }, by);
  const party = await md.parties.create({ data: cpo, validFrom }, by);
  const customer = await md.customers.create({ id: "cus-anna", data: driver(adm.entityId), validFrom }, by);
  const contract = await md.contracts.create(
    {
      id: "ctr-anna",
      data: {
        customerId: customer.entityId,
        administrationId: adm.entityId,
        contractNumber: "NL-TST-C00000001-1",
        productCode: "FLEX",
        salesRulesetId: "sales-nl-retail",
      },
      validFrom,
    },
    by,
  );
  const token = await md.tokens.create(
    {
      id: "tok-anna-1",
      data: { uid: "04AA11BB22", type: "RFID", contractId: contract.entityId, visualNumber: "TST-0001" },
      validFrom,
    },
    by,
  );
  return {
    administrationId: adm.entityId,
    cpoId: party.entityId,
    customerId: customer.entityId,
    contractId: contract.entityId,
    tokenId: token.entityId,
  };
}
