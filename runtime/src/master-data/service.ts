// The master data service: one typed API per entity over the bitemporal repository, with the lookups the session
// pipeline needs — token by uid, party by OCPI id, agreement for (CPO, administration), location / EVSE by CPO and
// OCPI ids, the subscriptions of a contract — each "as of" an instant, each result carrying the version it used.
import type { Store } from "@voltrate/sdk";
import { agreementKey, locationKey, partyKey } from "./entity-rules.ts";
import { MasterDataError } from "./errors.ts";
import type {
  Actor,
  AuditEntry,
  EntityData,
  EntityType,
  Evse,
  History,
  Resolved,
  VersionRecord,
  VersionRef,
} from "./model.ts";
import {
  type AsOf,
  type AuditQuery,
  type ChangeInput,
  type CorrectInput,
  type CreateInput,
  type Instant,
  type ListOptions,
  type ListResult,
  type RepositoryOptions,
  TemporalRepository,
  type TerminateInput,
  toInstant,
  type WithdrawInput,
  type WriteResult,
} from "./repository.ts";

/** A party by its entity id, or by its OCPI country_code + party_id. */
export type PartyRef = string | { countryCode: string; partyId: string };

/** The version reference of a lookup result, for the record of what a calculation used. */
export function refOf(resolved: VersionRef): VersionRef {
  const { entityType, entityId, version, validFrom, validTo } = resolved;
  return { entityType, entityId, version, validFrom, validTo };
}

/** The operations every entity has. */
export class EntityApi<K extends EntityType> {
  readonly type: K;
  protected readonly repository: TemporalRepository;

  constructor(repository: TemporalRepository, type: K) {
    this.repository = repository;
    this.type = type;
  }

  /** What was valid at `at` (default now), as recorded by `at.knownAt` (default: everything recorded). */
  get(id: string, at?: AsOf): Promise<Resolved<K> | null> {
    return this.repository.get(this.type, id, at);
  }

  /** The entities valid at `options.asOf` that match `options.where`, ordered by id. */
  list(options?: ListOptions): Promise<ListResult<K>> {
    return this.repository.list(this.type, options);
  }

  create(input: CreateInput<K>, by: Actor): Promise<WriteResult<K>> {
    return this.repository.create(this.type, input, by);
  }

  /** A change from `effectiveFrom` (past, now or future) until the next recorded change. */
  change(id: string, input: ChangeInput<K>, by: Actor): Promise<WriteResult<K>> {
    return this.repository.change(this.type, id, input, by);
  }

  terminate(id: string, input: TerminateInput, by: Actor): Promise<WriteResult<K>> {
    return this.repository.terminate(this.type, id, input, by);
  }

  correct(id: string, input: CorrectInput<K>, by: Actor): Promise<WriteResult<K>> {
    return this.repository.correct(this.type, id, input, by);
  }

  withdraw(id: string, input: WithdrawInput, by: Actor): Promise<WriteResult<K>> {
    return this.repository.withdraw(this.type, id, input, by);
  }

  history(id: string, options?: { knownAt?: Instant | null }): Promise<History<K>> {
    return this.repository.history(this.type, id, options);
  }

  audit(id: string): Promise<AuditEntry[]> {
    return this.repository.audit({ entityType: this.type, entityId: id });
  }

  /** One record exactly as recorded (e.g. the version a priced session refers to). */
  version(id: string, version: number): Promise<VersionRecord<K> | null> {
    return this.repository.version(this.type, id, version);
  }
}

export class AdministrationApi extends EntityApi<"administration"> {
  byCode(code: string, at?: AsOf): Promise<Resolved<"administration"> | null> {
    return this.repository.byKey(this.type, "code", code, at);
  }
}

export class PartyApi extends EntityApi<"party"> {
  /** The party with this OCPI country_code + party_id, as of `at`. */
  byOcpiId(countryCode: string, partyId: string, at?: AsOf): Promise<Resolved<"party"> | null> {
    return this.repository.byKey(this.type, "ocpiId", partyKey(countryCode, partyId), at);
  }

  /** The entity id of a party reference (null when no party has that OCPI id). */
  async idOf(ref: PartyRef): Promise<string | null> {
    return typeof ref === "string"
      ? ref
      : this.repository.keyOwner(this.type, "ocpiId", partyKey(ref.countryCode, ref.partyId));
  }
}

export class AgreementApi extends EntityApi<"agreement"> {
  private readonly parties: PartyApi;

  constructor(repository: TemporalRepository, parties: PartyApi) {
    super(repository, "agreement");
    this.parties = parties;
  }

  /** The roaming agreement between a CPO and an administration in effect at `at`. */
  async for(cpo: PartyRef, administrationId: string, at?: AsOf): Promise<Resolved<"agreement"> | null> {
    const cpoId = await this.parties.idOf(cpo);
    return cpoId === null
      ? null
      : this.repository.byKey(this.type, "cpoAdministration", agreementKey(cpoId, administrationId), at);
  }
}

export class CustomerApi extends EntityApi<"customer"> {
  byNumber(customerNumber: string, at?: AsOf): Promise<Resolved<"customer"> | null> {
    return this.repository.byKey(this.type, "customerNumber", customerNumber, at);
  }

  /** The drivers whose employer is this company, as of `at`. */
  employees(companyId: string, at?: AsOf): Promise<Resolved<"customer">[]> {
    return this.repository.byRef(this.type, "employerId", companyId, at);
  }
}

export class ContractApi extends EntityApi<"contract"> {
  /** By the contract (eMA) number. */
  byNumber(contractNumber: string, at?: AsOf): Promise<Resolved<"contract"> | null> {
    return this.repository.byKey(this.type, "contractNumber", contractNumber, at);
  }

  ofCustomer(customerId: string, at?: AsOf): Promise<Resolved<"contract">[]> {
    return this.repository.byRef(this.type, "customerId", customerId, at);
  }

  /** The subscriptions of a contract valid at `at`. */
  subscriptions(contractId: string, at?: AsOf): Promise<Resolved<"subscription">[]> {
    return this.repository.byRef("subscription", "contractId", contractId, at);
  }
}

export class SubscriptionApi extends EntityApi<"subscription"> {
  ofContract(contractId: string, at?: AsOf): Promise<Resolved<"subscription">[]> {
    return this.repository.byRef(this.type, "contractId", contractId, at);
  }
}

/** One token of a replacement chain, with the period in which it was valid (as known). */
export type TokenLink = {
  entityId: string;
  uid: string;
  visualNumber?: string;
  validFrom: string;
  validTo: string | null;
};

export type ReplaceTokenInput = {
  /** When the new card takes over (the old one ends at the same instant). */
  effectiveFrom: Instant;
  /** The new token; type and contract default to the old token's. */
  token: {
    id?: string | undefined;
    uid: string;
    type?: EntityData["token"]["type"] | undefined;
    visualNumber?: string | undefined;
    contractId?: string | undefined;
  };
  reason?: string | undefined;
};

export class TokenApi extends EntityApi<"token"> {
  /** The token with this uid valid at `at` (a replaced card's uid still finds the old token for earlier instants). */
  byUid(uid: string, at?: AsOf): Promise<Resolved<"token"> | null> {
    return this.repository.byKey(this.type, "uid", uid, at);
  }

  ofContract(contractId: string, at?: AsOf): Promise<Resolved<"token">[]> {
    return this.repository.byRef(this.type, "contractId", contractId, at);
  }

  /**
   * Replaces a card: a new token that refers to the old one (`replacesTokenId`) begins at `effectiveFrom`, and the
   * old token ends there. Both keep their history; sessions before the date still resolve to the old token.
   */
  async replace(
    tokenId: string,
    input: ReplaceTokenInput,
    by: Actor,
  ): Promise<{ replacement: WriteResult<"token">; replaced: WriteResult<"token"> }> {
    const at = toInstant(input.effectiveFrom, "effectiveFrom");
    const old = await this.get(tokenId, at);
    if (!old) {
      if (!(await this.repository.exists(this.type, tokenId)))
        throw new MasterDataError("not-found", `no token "${tokenId}"`);
      throw MasterDataError.conflict(`token "${tokenId}" is not valid at ${at.toISOString()}`, "effectiveFrom");
    }
    const { id, uid, type, visualNumber, contractId } = input.token;
    const replacement = await this.create(
      {
        ...(id !== undefined ? { id } : {}),
        data: {
          uid,
          type: type ?? old.data.type,
          contractId: contractId ?? old.data.contractId,
          ...(visualNumber !== undefined ? { visualNumber } : {}),
          replacesTokenId: tokenId,
        },
        validFrom: at,
        reason: input.reason,
      },
      by,
    );
    const replaced = await this.terminate(
      tokenId,
      {
        effectiveFrom: at,
        reason: `replaced by token ${replacement.entityId} (${uid})${input.reason ? `: ${input.reason}` : ""}`,
      },
      by,
    );
    return { replacement, replaced };
  }

  /** The replacement chain a token is part of, oldest first: the cards it replaced and the ones that replaced it. */
  async chain(tokenId: string, options: { knownAt?: Instant | null } = {}): Promise<TokenLink[]> {
    const link = async (id: string): Promise<{ link: TokenLink; replaces?: string } | null> => {
      const history = await this.repository.history(this.type, id, options).catch((error: unknown) => {
        if (error instanceof MasterDataError && error.code === "not-found") return null;
        throw error;
      });
      const active = history?.timeline.filter((s) => s.state === "active") ?? [];
      const first = active[0];
      const last = active.at(-1);
      if (!first || !last?.data) return null;
      const next = history?.timeline.find((s) => s.validFrom === last.validTo);
      const out: TokenLink = {
        entityId: id,
        uid: last.data.uid,
        validFrom: first.validFrom,
        validTo: next ? next.validFrom : last.validTo,
      };
      if (last.data.visualNumber !== undefined) out.visualNumber = last.data.visualNumber;
      return last.data.replacesTokenId === undefined
        ? { link: out }
        : { link: out, replaces: last.data.replacesTokenId };
    };
    const start = await link(tokenId);
    if (!start) throw new MasterDataError("not-found", `no token "${tokenId}"`);
    const seen = new Set([tokenId]);
    const chain: TokenLink[] = [start.link];
    for (let back = start.replaces; back !== undefined && !seen.has(back); ) {
      seen.add(back);
      const previous = await link(back);
      if (!previous) break;
      chain.unshift(previous.link);
      back = previous.replaces;
    }
    for (let current = tokenId; ; ) {
      const successors = (
        await this.repository.versions.find(
          { entityType: this.type, refs: `replacesTokenId=${current}` },
          { projection: { entityId: 1 } },
        )
      ).map((d) => d.entityId);
      const next = [...new Set(successors)].find((id) => !seen.has(id));
      if (next === undefined) break;
      seen.add(next);
      const following = await link(next);
      if (!following || following.replaces !== current) break;
      chain.push(following.link);
      current = next;
    }
    return chain;
  }
}

export class LocationApi extends EntityApi<"location"> {
  private readonly parties: PartyApi;

  constructor(repository: TemporalRepository, parties: PartyApi) {
    super(repository, "location");
    this.parties = parties;
  }

  /** A CPO's location by its OCPI location id, as of `at`. */
  async byOcpiId(cpo: PartyRef, locationId: string, at?: AsOf): Promise<Resolved<"location"> | null> {
    const cpoId = await this.parties.idOf(cpo);
    return cpoId === null ? null : this.repository.byKey(this.type, "cpoLocation", locationKey(cpoId, locationId), at);
  }

  /** An EVSE with its location (time zone, country) as of `at`. */
  async evse(
    cpo: PartyRef,
    locationId: string,
    evseUid: string,
    at?: AsOf,
  ): Promise<{ location: Resolved<"location">; evse: Evse } | null> {
    const location = await this.byOcpiId(cpo, locationId, at);
    const evse = location?.data.evses.find((e) => e.uid === evseUid);
    return location && evse ? { location, evse } : null;
  }
}

export class HomeChargePointApi extends EntityApi<"homeChargePoint"> {
  byChargePointId(chargePointId: string, at?: AsOf): Promise<Resolved<"homeChargePoint"> | null> {
    return this.repository.byKey(this.type, "chargePointId", chargePointId, at);
  }

  ofOwner(customerId: string, at?: AsOf): Promise<Resolved<"homeChargePoint">[]> {
    return this.repository.byRef(this.type, "ownerCustomerId", customerId, at);
  }

  ofEmployer(companyId: string, at?: AsOf): Promise<Resolved<"homeChargePoint">[]> {
    return this.repository.byRef(this.type, "employerCustomerId", companyId, at);
  }
}

export type MasterDataOptions = RepositoryOptions;

export class MasterData {
  readonly repository: TemporalRepository;
  readonly administrations: AdministrationApi;
  readonly parties: PartyApi;
  readonly agreements: AgreementApi;
  readonly customers: CustomerApi;
  readonly contracts: ContractApi;
  readonly subscriptions: SubscriptionApi;
  readonly tokens: TokenApi;
  readonly locations: LocationApi;
  readonly homeChargePoints: HomeChargePointApi;
  private readonly apis: { [K in EntityType]: EntityApi<K> };

  constructor(store: Store, options: MasterDataOptions = {}) {
    const repository = new TemporalRepository(store, options);
    this.repository = repository;
    this.administrations = new AdministrationApi(repository, "administration");
    this.parties = new PartyApi(repository, "party");
    this.agreements = new AgreementApi(repository, this.parties);
    this.customers = new CustomerApi(repository, "customer");
    this.contracts = new ContractApi(repository, "contract");
    this.subscriptions = new SubscriptionApi(repository, "subscription");
    this.tokens = new TokenApi(repository, "token");
    this.locations = new LocationApi(repository, this.parties);
    this.homeChargePoints = new HomeChargePointApi(repository, "homeChargePoint");
    this.apis = {
      administration: this.administrations,
      party: this.parties,
      agreement: this.agreements,
      customer: this.customers,
      contract: this.contracts,
      subscription: this.subscriptions,
      token: this.tokens,
      location: this.locations,
      homeChargePoint: this.homeChargePoints,
    };
  }

  /** Creates the indexes (idempotent); call once at start. */
  ensureIndexes(): Promise<void> {
    return this.repository.ensureIndexes();
  }

  /** The API of one entity type. */
  entity<K extends EntityType>(type: K): EntityApi<K> {
    return this.apis[type] as unknown as EntityApi<K>;
  }

  /** The audit trail across entities, newest first. */
  audit(query?: AuditQuery): Promise<AuditEntry[]> {
    return this.repository.audit(query);
  }
}

export function createMasterData(store: Store, options?: MasterDataOptions): MasterData {
  return new MasterData(store, options);
}
