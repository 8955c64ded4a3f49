// The runtime's master data service (runtime/src/master-data) as the pipeline's lookups port: every answer as of the
// session start, with the entity version it came from.
import type { MasterData, Resolved } from "../master-data/index.ts";
import type {
  AdministrationFacts,
  AgreementFacts,
  ContractFacts,
  CustomerFacts,
  LocationFacts,
  PartyFacts,
  PipelineMasterData,
  TokenFacts,
  VersionStamp,
} from "./ports.ts";

function stamp(r: Pick<Resolved, "entityType" | "entityId" | "version" | "validFrom" | "validTo">): VersionStamp {
  return {
    entityType: r.entityType,
    entityId: r.entityId,
    version: r.version,
    validFrom: r.validFrom,
    validTo: r.validTo,
  };
}

function splitParty(party: string): { countryCode: string; partyId: string } | null {
  const [countryCode, partyId] = party.toUpperCase().split("*");
  return countryCode && partyId ? { countryCode, partyId } : null;
}

function tokenFacts(r: Resolved<"token">): TokenFacts {
  return { ...stamp(r), uid: r.data.uid, contractId: r.data.contractId, type: r.data.type, valid: true };
}

/** Adapts `createMasterData(store)` to the lookups the pipeline makes. */
export function masterDataPort(md: MasterData): PipelineMasterData {
  const at = (validAt: Date) => ({ validAt });
  return {
    async token(uid, when) {
      const atStart = await md.tokens.byUid(uid, at(when));
      if (atStart) return { atStart: tokenFacts(atStart), any: null };
      // Not valid at the start: is the token known at all? Its most recent active period says when it was valid.
      const owner = await md.repository.keyOwner("token", "uid", uid);
      if (owner === null) return { atStart: null, any: null };
      const history = await md.tokens.history(owner);
      const active = history.timeline.filter((s) => s.state === "active" && s.data !== null);
      const last = active.at(-1);
      if (!last?.data) return { atStart: null, any: null };
      return {
        atStart: null,
        any: {
          entityType: "token",
          entityId: owner,
          version: last.version,
          validFrom: last.validFrom,
          validTo: last.validTo,
          uid: last.data.uid,
          contractId: last.data.contractId,
          type: last.data.type,
          valid: false,
        },
      };
    },

    async contract(contractId, when): Promise<ContractFacts | null> {
      const r = await md.contracts.get(contractId, at(when));
      if (!r) return null;
      const subscriptions = await md.contracts.subscriptions(contractId, at(when));
      const first = subscriptions[0];
      return {
        ...stamp(r),
        id: r.entityId,
        customerId: r.data.customerId,
        administrationId: r.data.administrationId,
        salesRulesetId: r.data.salesRulesetId,
        product: r.data.productCode,
        subscription: first ? first.data.productCode : null,
        related: subscriptions.map(stamp),
      };
    },

    async customer(customerId, when): Promise<CustomerFacts | null> {
      const r = await md.customers.get(customerId, at(when));
      if (!r) return null;
      let country = r.data.address?.country;
      if (!country) {
        // A driver without an address: the administration's country (only a business customer's country changes the VAT).
        const admin = await md.administrations.get(r.data.administrationId, at(when));
        country = admin?.data.country ?? "";
      }
      return {
        ...stamp(r),
        id: r.entityId,
        country,
        business: r.data.kind === "company",
        vatId: r.data.kind === "company" ? (r.data.vatId ?? null) : null,
      };
    },

    async administration(administrationId, when): Promise<AdministrationFacts | null> {
      const r = await md.administrations.get(administrationId, at(when));
      if (!r) return null;
      return {
        ...stamp(r),
        id: r.entityId,
        country: r.data.vatRegime.country ?? r.data.country,
        currency: r.data.currency,
        vatId: r.data.vatRegime.vatId,
      };
    },

    async party(partyId, when): Promise<PartyFacts | null> {
      const ref = splitParty(partyId);
      if (!ref) return null;
      const r = await md.parties.byOcpiId(ref.countryCode, ref.partyId, at(when));
      if (!r) return null;
      return { ...stamp(r), id: `${r.data.countryCode}*${r.data.partyId}`, country: r.data.countryCode, vatId: null };
    },

    async location(ref, when): Promise<LocationFacts | null> {
      const party = splitParty(ref.cpo);
      if (!party || !ref.locationId) return null;
      const r = await md.locations.byOcpiId(party, ref.locationId, at(when));
      if (!r) return null;
      const evse =
        (ref.evseUid ? r.data.evses.find((e) => e.uid === ref.evseUid) : undefined) ??
        (ref.evseId ? r.data.evses.find((e) => e.evseId === ref.evseId) : undefined);
      if ((ref.evseUid || ref.evseId) && !evse) return null;
      const owner = await md.parties.get(r.data.cpoPartyId, at(when));
      return {
        ...stamp(r),
        locationId: r.data.locationId,
        evseUid: evse?.uid ?? null,
        evseId: evse?.evseId ?? null,
        cpo: owner ? `${owner.data.countryCode}*${owner.data.partyId}` : ref.cpo,
        country: r.data.address.country,
        timeZone: r.data.timeZone,
        powerType: evse?.currentType ?? null,
        maxPowerKw: evse?.maxPowerKw ?? null,
      };
    },

    async agreement(cpo, administrationId, when): Promise<AgreementFacts | null> {
      const party = splitParty(cpo);
      if (!party) return null;
      const r = await md.agreements.for(party, administrationId, at(when));
      if (!r) return null;
      const pricing = r.data.purchasePricing;
      return {
        ...stamp(r),
        id: r.entityId,
        cpo,
        administrationId: r.data.administrationId,
        purchasePricing: pricing.kind === "ruleset" ? "ruleset" : "cpo-tariffs",
        purchaseRulesetId: pricing.kind === "ruleset" ? pricing.rulesetId : null,
      };
    },
  };
}
