// The one bitemporal repository behind every master data entity. Each change is an immutable version record
// {entityType, entityId, version, validFrom, validTo, recordedAt, recordedBy, reason, data}; nothing is ever updated
// or deleted. The valid-time line is derived from the records (see timeline.ts), as known at any transaction time.
//
// Writers never lock: a write reads the entity's records, plans its new record(s) against the line they give, and
// inserts them under the next version numbers. The unique (entityType, entityId, version) key lets exactly one of
// two concurrent writers have a number; the other reads again and plans on top of the winner. So concurrent changes
// get consecutive versions and none is lost. The audit entry of a change is part of its last record: a change and
// its audit entry are written in one operation.
import { type Collection, DuplicateKeyError, type Store } from "@voltrate/sdk";
import { changeText, diffFields, sameJson } from "./diff.ts";
import { generateId, type NaturalKey, refEntries, rulesOf } from "./entity-rules.ts";
import { MasterDataError } from "./errors.ts";
import {
  type Actor,
  type AuditEntry,
  ENTITY_ID_PATTERN,
  type EntityData,
  type EntityType,
  entitySchemas,
  type FieldChange,
  type History,
  isoInstant,
  type Resolved,
  type TimelineSegment,
  type VersionAction,
  type VersionRecord,
} from "./model.ts";
import { type BoundedCache, deepFreeze, type MasterDataReadCache, readCacheOf } from "./read-cache.ts";
import {
  firstActiveStart,
  lastActiveAtOrBefore,
  nextBoundaryAfter,
  type Segment,
  segmentAt,
  segmentBefore,
  timelineOf,
} from "./timeline.ts";

export const VERSIONS_COLLECTION = "master_data_versions";
export const KEYS_COLLECTION = "master_data_keys";

/** How often a write is planned again after losing the race for a version number. */
const MAX_ATTEMPTS = 100;
/** A key claim older than this whose owner never recorded the key is treated as left over from a failed write. */
const STALE_CLAIM_MS = 60_000;

type StoredAudit = {
  versions: number[];
  effectiveFrom: Date;
  effectiveTo: Date | null;
  changes: FieldChange[];
  overrides?: number[];
  text: string[];
};

/** A version record as stored. */
export type VersionDoc = {
  _id: string;
  entityType: EntityType;
  entityId: string;
  version: number;
  validFrom: Date;
  validTo: Date | null;
  state: "active" | "absent";
  action: VersionAction;
  recordedAt: Date;
  recordedBy: Actor;
  reason?: string;
  data: Record<string, unknown> | null;
  replaces?: number;
  restores?: number;
  /** A record that carries a change into the period of the record it replaces. */
  carried?: true;
  /** The natural keys of `data` ("uid=04A1…"), for lookups. */
  keys: string[];
  /** The references of `data` ("contractId=ctr_…"), for lookups. */
  refs: string[];
  /** On the last record a change wrote: the change for the audit trail. */
  audit?: StoredAudit;
};

/** A natural key owned by an entity (for good: a key value never moves to another entity). */
export type KeyDoc = {
  _id: string;
  entityType: EntityType;
  name: string;
  value: string;
  entityId: string;
  claimedAt: Date;
};

/** An instant as a Date or an ISO 8601 string with an offset. */
export type Instant = Date | string;

/**
 * The point of view of a lookup: an instant in valid time (what was true then), optionally with the transaction time
 * to read at (what we had recorded by then). A bare instant is `{ validAt }`; the defaults are now and "everything".
 */
export type AsOf = Instant | { validAt?: Instant | undefined; knownAt?: Instant | null | undefined };

/** A partial update: the top-level fields given replace the current ones, `null` removes an optional field. */
export type Patch<T> = T extends unknown ? { [P in keyof T]?: T[P] | null } : never;

export type CreateInput<K extends EntityType> = {
  /** Default: derived from the data (parties: "NL-GRN") or generated ("tok_…"). */
  id?: string | undefined;
  data: EntityData[K];
  /** From when the entity exists (valid time); may lie in the past or the future. */
  validFrom: Instant;
  reason?: string | undefined;
};

export type ChangeInput<K extends EntityType> = {
  /** From when the change applies: past, now or future (a scheduled change). */
  effectiveFrom: Instant;
  data: Patch<EntityData[K]>;
  reason?: string | undefined;
  /** Refuse (409) unless this is still the latest version. */
  expectedVersion?: number | undefined;
};

export type TerminateInput = {
  effectiveFrom: Instant;
  reason?: string | undefined;
  expectedVersion?: number | undefined;
};

export type CorrectInput<K extends EntityType> = {
  /** The version whose record was wrong. */
  version: number;
  /** Corrected fields (merged onto that version's data). */
  data?: Patch<EntityData[K]> | undefined;
  /** A corrected start of that version's period. */
  validFrom?: Instant | undefined;
  reason: string;
  expectedVersion?: number | undefined;
};

export type WithdrawInput = { version: number; reason: string; expectedVersion?: number | undefined };

export type WriteResult<K extends EntityType> = {
  entityType: K;
  entityId: string;
  /** The records written. */
  versions: VersionRecord<K>[];
  audit: AuditEntry;
  /** The entity as of the change's effective date, after it (null when it is not valid then, e.g. terminated). */
  current: Resolved<K> | null;
};

export type ListOptions = {
  /** Filters by name (see entity-rules.ts › filters): equality; list values match when they contain the value. */
  where?: Record<string, string> | undefined;
  asOf?: AsOf | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
};

export type ListResult<K extends EntityType> = { items: Resolved<K>[]; total: number };

export type AuditQuery = {
  entityType?: EntityType | undefined;
  entityId?: string | undefined;
  /** Actor id. */
  by?: string | undefined;
  action?: VersionAction | undefined;
  /** Recorded at or after / before (exclusive). */
  from?: Instant | undefined;
  to?: Instant | undefined;
  limit?: number | undefined;
};

export interface RepositoryOptions {
  /** The clock (tests); default the system clock. */
  now?: () => Date;
  /** The read cache; default the store's own (shared by every repository on it), `false` for none. */
  cache?: MasterDataReadCache | false;
}

type PlannedRecord = {
  from: number;
  to: number;
  state: "active" | "absent";
  data: Record<string, unknown> | null;
  replaces?: number;
  restores?: number;
  carried?: true;
};

type Plan = {
  action: VersionAction;
  records: PlannedRecord[];
  changes: FieldChange[];
  /** Records that carry the change into later periods (also in `records`). */
  carried?: PlannedRecord[];
  overrides?: number[];
  effectiveFrom: number;
  effectiveTo: number;
  /** The data whose references must exist (only the ones that differ from `previous` are checked). */
  checkRefs?: { data: Record<string, unknown>; previous: Record<string, unknown> | null };
  /** Where the result is read afterwards. */
  currentAt: number;
};

type PlanContext = { records: VersionDoc[]; segments: Segment<VersionDoc>[] };

const INFINITY = Number.POSITIVE_INFINITY;
const iso = (ms: number): string => new Date(ms).toISOString();
const isoOrNull = (ms: number): string | null => (ms === INFINITY ? null : iso(ms));
const dateOrNull = (ms: number): Date | null => (ms === INFINITY ? null : new Date(ms));

/** Reads an instant; `path` names the field in errors. */
export function toInstant(value: Instant, path: string): Date {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw MasterDataError.invalid(path, "not a valid date");
    return value;
  }
  if (typeof value !== "string" || !isoInstant.safeParse(value).success) {
    throw MasterDataError.invalid(
      path,
      'expected an ISO 8601 date-time with an offset, e.g. "2026-03-01T00:00:00+01:00"',
    );
  }
  return new Date(value);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The top-level fields of `patch` over `base`; `null` removes a field. */
export function mergePatch(base: Record<string, unknown>, patch: unknown): Record<string, unknown> {
  if (!isPlainObject(patch)) throw MasterDataError.invalid("data", "expected an object with the fields to change");
  const out: Record<string, unknown> = { ...base };
  for (const [field, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (value === null) delete out[field];
    else out[field] = value;
  }
  return out;
}

const zodPath = (path: readonly PropertyKey[]): string =>
  path
    .map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`))
    .join("")
    .replace(/^\./, "");

/** Validates one version's data against the entity's schema; issues are named under `data.`. */
export function validateData<K extends EntityType>(type: K, data: unknown): EntityData[K] {
  const parsed = entitySchemas[type].safeParse(data);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => {
    const sub = zodPath(i.path);
    return { path: sub === "" ? "data" : `data.${sub}`, message: i.message };
  });
  const first = issues[0];
  throw new MasterDataError(
    "invalid",
    first
      ? `${first.path}: ${first.message}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ""}`
      : "invalid data",
    issues,
  );
}

function keyEntries(type: EntityType, data: Record<string, unknown> | null): string[] {
  if (data === null) return [];
  return rulesOf(type)
    .keys(data as never)
    .map((k) => `${k.name}=${k.value}`);
}

function toRecord<K extends EntityType>(doc: VersionDoc): VersionRecord<K> {
  const out: VersionRecord<K> = {
    entityType: doc.entityType as K,
    entityId: doc.entityId,
    version: doc.version,
    validFrom: doc.validFrom.toISOString(),
    validTo: doc.validTo === null ? null : doc.validTo.toISOString(),
    state: doc.state,
    action: doc.action,
    recordedAt: doc.recordedAt.toISOString(),
    recordedBy: doc.recordedBy,
    data: doc.data as EntityData[K] | null,
  };
  if (doc.reason !== undefined) out.reason = doc.reason;
  if (doc.replaces !== undefined) out.replaces = doc.replaces;
  if (doc.restores !== undefined) out.restores = doc.restores;
  if (doc.carried) out.carried = true;
  return out;
}

function toAudit(doc: VersionDoc): AuditEntry {
  const a = doc.audit as StoredAudit;
  const out: AuditEntry = {
    entityType: doc.entityType,
    entityId: doc.entityId,
    action: doc.action,
    versions: a.versions,
    at: doc.recordedAt.toISOString(),
    by: doc.recordedBy,
    effectiveFrom: a.effectiveFrom.toISOString(),
    effectiveTo: a.effectiveTo === null ? null : a.effectiveTo.toISOString(),
    changes: a.changes,
    text: a.text,
  };
  if (doc.reason !== undefined) out.reason = doc.reason;
  if (a.overrides !== undefined && a.overrides.length > 0) out.overrides = a.overrides;
  return out;
}

function resolvedOf<K extends EntityType>(segment: Segment<VersionDoc>, knownAt: Date | null): Resolved<K> {
  const r = segment.record;
  return {
    entityType: r.entityType,
    entityId: r.entityId,
    version: r.version,
    validFrom: iso(segment.from),
    validTo: isoOrNull(segment.to),
    data: r.data as EntityData[K],
    recordedAt: r.recordedAt.toISOString(),
    recordedBy: r.recordedBy,
    knownAt: knownAt === null ? null : knownAt.toISOString(),
  };
}

function segmentJson<K extends EntityType>(s: Segment<VersionDoc>): TimelineSegment<K> {
  return {
    validFrom: iso(s.from),
    validTo: isoOrNull(s.to),
    version: s.record.version,
    state: s.record.state,
    data: s.record.data as EntityData[K] | null,
  };
}

/** The versions (other than `except`) whose active periods lie wholly inside [from, to). */
function versionsInside(segments: readonly Segment<VersionDoc>[], from: number, to: number, except: number): number[] {
  const out = new Set<number>();
  for (const s of segments) {
    if (s.record.state === "active" && s.record.version !== except && s.from >= from && s.to <= to) {
      out.add(s.record.version);
    }
  }
  return [...out].sort((a, b) => a - b);
}

/**
 * Carries a change of fields into the later periods, from `start` on: a later period that still has the field's old
 * value (it inherited it) gets the new one; a period that set the field itself keeps its value and ends the carrying
 * of that field; a period without the entity (terminated) ends all carrying. One planned record per period changed.
 */
function carryForward(
  type: EntityType,
  segments: readonly Segment<VersionDoc>[],
  start: number,
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): PlannedRecord[] {
  const carrying = new Set(
    [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((f) => !sameJson(before[f], after[f])),
  );
  const out: PlannedRecord[] = [];
  let expected = start;
  for (const s of segments) {
    if (s.from < start) continue;
    if (carrying.size === 0 || s.from !== expected || s.record.state !== "active" || s.record.data === null) break;
    expected = s.to;
    const current = s.record.data;
    const data: Record<string, unknown> = { ...current };
    for (const field of [...carrying]) {
      if (!sameJson(current[field], before[field])) {
        carrying.delete(field);
        continue;
      }
      if (after[field] === undefined) delete data[field];
      else data[field] = after[field];
    }
    if (sameJson(data, current)) continue;
    try {
      const valid = validateData(type, data) as Record<string, unknown>;
      out.push({ from: s.from, to: s.to, state: "active", data: valid, replaces: s.record.version, carried: true });
    } catch (error) {
      if (!(error instanceof MasterDataError)) throw error;
      throw new MasterDataError(
        "invalid",
        `carried into the period from ${iso(s.from)} (version ${s.record.version}), the change gives invalid data: ${error.message}`,
        [...error.issues],
      );
    }
  }
  return out;
}

const carriedText = (records: readonly PlannedRecord[]): string[] =>
  records.map((r) => `carried into the period ${iso(r.from)} – ${isoOrNull(r.to) ?? "open"}`);

function matches(value: string | readonly string[] | undefined, wanted: string): boolean {
  if (value === undefined) return false;
  return typeof value === "string" ? value === wanted : value.includes(wanted);
}

export class TemporalRepository {
  readonly versions: Collection<VersionDoc>;
  readonly keys: Collection<KeyDoc>;
  private readonly now: () => Date;
  private readonly cache: MasterDataReadCache | null;

  constructor(store: Store, options: RepositoryOptions = {}) {
    this.versions = store.collection<VersionDoc>(VERSIONS_COLLECTION);
    this.keys = store.collection<KeyDoc>(KEYS_COLLECTION);
    this.now = options.now ?? (() => new Date());
    this.cache = options.cache === false ? null : (options.cache ?? readCacheOf(store));
  }

  async ensureIndexes(): Promise<void> {
    await this.versions.createIndex({
      key: { entityType: 1, entityId: 1, version: 1 },
      unique: true,
      name: "entity_version_unique",
    });
    await this.versions.createIndex({ key: { entityType: 1, entityId: 1 }, name: "entity" });
    await this.versions.createIndex({ key: { entityType: 1, keys: 1 }, name: "entity_keys" });
    await this.versions.createIndex({ key: { entityType: 1, refs: 1 }, name: "entity_refs" });
    await this.versions.createIndex({ key: { entityType: 1 }, name: "entity_type" });
    await this.versions.createIndex({ key: { recordedAt: 1 }, name: "recorded_at" });
    await this.keys.createIndex({ key: { entityType: 1, entityId: 1 }, name: "owner" });
  }

  /** The point of view of `asOf`, with `now` as the default valid time. */
  asOf(asOf: AsOf | undefined): { validAt: Date; knownAt: Date | null } {
    if (asOf === undefined) return { validAt: this.now(), knownAt: null };
    if (asOf instanceof Date || typeof asOf === "string") return { validAt: toInstant(asOf, "validAt"), knownAt: null };
    return {
      validAt: asOf.validAt === undefined ? this.now() : toInstant(asOf.validAt, "validAt"),
      knownAt: asOf.knownAt === undefined || asOf.knownAt === null ? null : toInstant(asOf.knownAt, "knownAt"),
    };
  }

  // -------------------------------------------------------------------------------------------------------------
  // Reading

  /** Every record of an entity, in version order (read-only: they may be the cache's). */
  async records(type: EntityType, id: string): Promise<readonly VersionDoc[]> {
    return this.cached(
      (cache) => cache.records as BoundedCache<readonly VersionDoc[]>,
      `${type}|${id}`,
      async () => deepFreeze(await this.readRecords(type, id)),
    );
  }

  /** The records as stored now, never from the cache (what writers plan on). */
  private readRecords(type: EntityType, id: string): Promise<VersionDoc[]> {
    return this.versions.find({ entityType: type, entityId: id }, { sort: { version: 1 } });
  }

  async exists(type: EntityType, id: string): Promise<boolean> {
    return (await this.records(type, id)).length > 0;
  }

  /** A read through the cache: kept only when no write happened while it was made. */
  private async cached<V>(
    table: (cache: MasterDataReadCache) => BoundedCache<V>,
    key: string,
    read: () => Promise<V>,
  ): Promise<V> {
    const cache = this.cache;
    if (!cache) return read();
    const generation = await cache.generation();
    const entries = table(cache);
    const hit = entries.get(key);
    if (hit !== undefined) {
      cache.stats.hits++;
      return hit;
    }
    cache.stats.misses++;
    const value = await read();
    if (cache.isCurrent(generation)) entries.set(key, value);
    return value;
  }

  /** After every write, successful or not (a failed one may have written part). */
  private async written(): Promise<void> {
    await this.cache?.written();
  }

  /** What was valid at `validAt`, as recorded by `knownAt`; null when the entity did not exist (or was unknown). */
  async get<K extends EntityType>(type: K, id: string, asOf?: AsOf): Promise<Resolved<K> | null> {
    const { validAt, knownAt } = this.asOf(asOf);
    return this.resolve<K>(await this.records(type, id), validAt, knownAt);
  }

  private resolve<K extends EntityType>(
    records: readonly VersionDoc[],
    validAt: Date,
    knownAt: Date | null,
  ): Resolved<K> | null {
    const segment = segmentAt(timelineOf(records, knownAt), validAt.getTime());
    return segment && segment.record.state === "active" ? resolvedOf<K>(segment, knownAt) : null;
  }

  /** One record as recorded. */
  async version<K extends EntityType>(type: K, id: string, version: number): Promise<VersionRecord<K> | null> {
    const doc = await this.versions.findOne({ entityType: type, entityId: id, version });
    return doc ? toRecord<K>(doc) : null;
  }

  /** The entity that owns a natural key (for good), if any. */
  async keyOwner(type: EntityType, name: string, value: string): Promise<string | null> {
    const _id = `${type}|${name}|${value}`;
    return this.cached(
      (cache) => cache.keyOwners,
      _id,
      async () => (await this.keys.findOne({ _id }))?.entityId ?? null,
    );
  }

  /** The entity with this natural key, as of `asOf`; null when it was not valid then or had another key value then. */
  async byKey<K extends EntityType>(type: K, name: string, value: string, asOf?: AsOf): Promise<Resolved<K> | null> {
    const owner = await this.keyOwner(type, name, value);
    if (owner === null) return null;
    const found = await this.get(type, owner, asOf);
    return found && keyEntries(type, found.data as Record<string, unknown>).includes(`${name}=${value}`) ? found : null;
  }

  /** The entities whose data refers to `id` in `field` as of `asOf` (e.g. the subscriptions of a contract). */
  async byRef<K extends EntityType>(type: K, field: string, id: string, asOf?: AsOf): Promise<Resolved<K>[]> {
    const { validAt, knownAt } = this.asOf(asOf);
    const ref = `${field}=${id}`;
    const ids = await this.cached(
      (cache) => cache.referrers,
      `${type}|${ref}`,
      async () => {
        const docs = await this.versions.find({ entityType: type, refs: ref }, { projection: { entityId: 1 } });
        return Object.freeze([...new Set(docs.map((d) => d.entityId))].sort());
      },
    );
    const out: Resolved<K>[] = [];
    for (const entityId of ids) {
      const found = this.resolve<K>(await this.records(type, entityId), validAt, knownAt);
      if (found && (found.data as Record<string, unknown>)[field] === id) out.push(found);
    }
    return out;
  }

  /** The entities valid at `validAt` (as known at `knownAt`) that match the filters, ordered by id. */
  async list<K extends EntityType>(type: K, options: ListOptions = {}): Promise<ListResult<K>> {
    const { validAt, knownAt } = this.asOf(options.asOf);
    const rules = rulesOf(type);
    const where = options.where ?? {};
    for (const name of Object.keys(where)) {
      if (!(name in rules.filters)) {
        throw MasterDataError.invalid(name, `unknown filter; filters: ${Object.keys(rules.filters).join(", ")}`);
      }
    }
    // Narrow the records read with an index where a filter is a reference or a natural key.
    const query: Record<string, unknown> = { entityType: type };
    for (const [name, value] of Object.entries(where)) {
      if (name in rules.refs) {
        query.refs = `${name}=${value}`;
        break;
      }
    }
    const docs = await this.versions.find(query, { sort: { entityId: 1, version: 1 } });
    const byEntity = new Map<string, VersionDoc[]>();
    for (const doc of docs) {
      const list = byEntity.get(doc.entityId);
      if (list) list.push(doc);
      else byEntity.set(doc.entityId, [doc]);
    }
    const needFull = query.refs !== undefined;
    const items: Resolved<K>[] = [];
    for (const [entityId, partial] of byEntity) {
      const records = needFull ? await this.records(type, entityId) : partial;
      const found = this.resolve<K>(records, validAt, knownAt);
      if (!found) continue;
      const data = found.data as never;
      if (Object.entries(where).every(([name, value]) => matches(rules.filters[name]?.(data), value)))
        items.push(found);
    }
    const offset = options.offset ?? 0;
    const limit = options.limit ?? 100;
    return { items: items.slice(offset, offset + limit), total: items.length };
  }

  /** Every record (as known at `knownAt`, default all) and the valid-time line they give. */
  async history<K extends EntityType>(
    type: K,
    id: string,
    options: { knownAt?: Instant | null } = {},
  ): Promise<History<K>> {
    const knownAt = options.knownAt == null ? null : toInstant(options.knownAt, "knownAt");
    const records = await this.records(type, id);
    if (records.length === 0) throw new MasterDataError("not-found", `no ${type} "${id}"`);
    const known = records.filter((r) => knownAt === null || r.recordedAt.getTime() <= knownAt.getTime());
    return {
      entityType: type,
      entityId: id,
      knownAt: knownAt === null ? null : knownAt.toISOString(),
      versions: known.map((r) => toRecord<K>(r)),
      timeline: timelineOf(known).map((s) => segmentJson<K>(s)),
    };
  }

  /** Audit entries, newest first (for one entity: in version order). */
  async audit(query: AuditQuery = {}): Promise<AuditEntry[]> {
    const filter: Record<string, unknown> = { audit: { $exists: true } };
    if (query.entityType !== undefined) filter.entityType = query.entityType;
    if (query.entityId !== undefined) filter.entityId = query.entityId;
    if (query.by !== undefined) filter["recordedBy.id"] = query.by;
    if (query.action !== undefined) filter.action = query.action;
    const range: Record<string, Date> = {};
    if (query.from !== undefined) range.$gte = toInstant(query.from, "from");
    if (query.to !== undefined) range.$lt = toInstant(query.to, "to");
    if (Object.keys(range).length > 0) filter.recordedAt = range;
    const oneEntity = query.entityType !== undefined && query.entityId !== undefined;
    const docs = await this.versions.find(filter, {
      sort: oneEntity ? { version: 1 } : { recordedAt: -1, entityType: 1, entityId: 1, version: -1 },
      limit: query.limit ?? 1000,
    });
    return docs.map(toAudit);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Writing

  /** A new entity, valid from `validFrom` until further notice. */
  async create<K extends EntityType>(type: K, input: CreateInput<K>, by: Actor): Promise<WriteResult<K>> {
    const rules = rulesOf(type);
    const validFrom = toInstant(input.validFrom, "validFrom");
    const data = validateData(type, input.data) as Record<string, unknown>;
    const id = input.id ?? rules.defaultId?.(data as never) ?? generateId(rules.idPrefix);
    if (!ENTITY_ID_PATTERN.test(id))
      throw MasterDataError.invalid("id", "expected an id: letters, digits, _ - . (at most 100)");
    if (await this.exists(type, id)) throw MasterDataError.conflict(`${type} "${id}" already exists`, "id");
    await this.checkRefs(type, id, data, null);
    await this.claimKeys(type, id, rules.keys(data as never));
    const plan: Plan = {
      action: "create",
      records: [{ from: validFrom.getTime(), to: INFINITY, state: "active", data }],
      changes: diffFields({}, data),
      effectiveFrom: validFrom.getTime(),
      effectiveTo: INFINITY,
      currentAt: validFrom.getTime(),
    };
    const recordedAt = this.now();
    try {
      return await this.insert<K>(type, id, 1, recordedAt, plan, input.reason, by, []);
    } catch (error) {
      if (error instanceof DuplicateKeyError) {
        throw MasterDataError.conflict(`${type} "${id}" already exists (created at the same time)`, "id");
      }
      throw error;
    }
  }

  /**
   * A change effective from `effectiveFrom` (past, now or future). It applies until the next change already
   * recorded after that date (a scheduled change keeps its date and content) or until the end; the version in
   * effect before is ended at `effectiveFrom`. After a termination it reinstates the entity.
   */
  async change<K extends EntityType>(type: K, id: string, input: ChangeInput<K>, by: Actor): Promise<WriteResult<K>> {
    const at = toInstant(input.effectiveFrom, "effectiveFrom").getTime();
    return this.write(type, id, input.reason, by, input.expectedVersion, ({ segments }) => {
      const start = this.startOf(type, id, segments);
      if (at < start) {
        throw MasterDataError.conflict(
          `${type} "${id}" begins at ${iso(start)}; a change cannot take effect before (to move the start, correct the version that begins it)`,
          "effectiveFrom",
        );
      }
      const here = segmentAt(segments, at);
      const base = (here?.record.state === "active" ? here : lastActiveAtOrBefore(segments, at)) as Segment<VersionDoc>;
      const previous = base.record.data as Record<string, unknown>;
      const data = validateData(type, mergePatch(previous, input.data)) as Record<string, unknown>;
      const reinstates = here?.record.state !== "active";
      if (!reinstates && sameJson(data, previous)) {
        throw MasterDataError.invalid("data", "the change changes nothing");
      }
      const to = nextBoundaryAfter(segments, at);
      const changes = diffFields(previous, data);
      if (reinstates) changes.unshift({ path: "state", before: "absent", after: "active" });
      const carried = to === INFINITY ? [] : carryForward(type, segments, to, previous, data);
      return {
        action: "change",
        records: [{ from: at, to, state: "active", data }, ...carried],
        changes,
        carried,
        effectiveFrom: at,
        effectiveTo: carried.at(-1)?.to ?? to,
        checkRefs: { data, previous },
        currentAt: at,
      };
    });
  }

  /** Ends the entity's validity at `effectiveFrom` (changes scheduled after it no longer apply). */
  async terminate<K extends EntityType>(
    type: K,
    id: string,
    input: TerminateInput,
    by: Actor,
  ): Promise<WriteResult<K>> {
    const at = toInstant(input.effectiveFrom, "effectiveFrom").getTime();
    return this.write(type, id, input.reason, by, input.expectedVersion, ({ segments }) => {
      const here = segmentAt(segments, at);
      if (here?.record.state !== "active") {
        const start = firstActiveStart(segments);
        throw MasterDataError.conflict(
          start === undefined || at < start
            ? `${type} "${id}" is not valid yet at ${iso(at)}`
            : `${type} "${id}" is already not valid at ${iso(at)} (ended ${iso(here?.from ?? at)})`,
          "effectiveFrom",
        );
      }
      const laterEnd = segments.find((s) => s.from > at && s.record.state === "absent");
      return {
        action: "terminate",
        records: [{ from: at, to: INFINITY, state: "absent", data: null }],
        changes: [{ path: "validTo", before: laterEnd ? iso(laterEnd.from) : null, after: iso(at) }],
        overrides: versionsInside(segments, at, INFINITY, here.record.version),
        effectiveFrom: at,
        effectiveTo: INFINITY,
        currentAt: at,
      };
    });
  }

  /**
   * Replaces what a version recorded, for the period in which it is in effect: its data (merged), its start, or
   * both. The original record stays: "as known" before the correction still gives the original.
   */
  async correct<K extends EntityType>(type: K, id: string, input: CorrectInput<K>, by: Actor): Promise<WriteResult<K>> {
    const newStart = input.validFrom === undefined ? undefined : toInstant(input.validFrom, "validFrom").getTime();
    return this.write(type, id, input.reason, by, input.expectedVersion, ({ records, segments }) => {
      const { target, segment } = this.periodOf(type, id, records, segments, input.version);
      const { from, to } = segment;
      if (target.state === "absent" && input.data !== undefined) {
        throw MasterDataError.invalid(
          "data",
          `version ${target.version} is a termination and has no data; correct its validFrom or withdraw it`,
        );
      }
      const previous = target.data;
      const data =
        target.state === "active" && input.data !== undefined
          ? (validateData(type, mergePatch(previous as Record<string, unknown>, input.data)) as Record<string, unknown>)
          : previous;
      const start = newStart ?? from;
      if (start >= to) {
        throw MasterDataError.invalid(
          "validFrom",
          `must be before the end of version ${target.version}'s period (${iso(to)})`,
        );
      }
      if (start === from && sameJson(data, previous)) {
        throw MasterDataError.invalid("data", "the correction changes nothing");
      }
      const planned: PlannedRecord[] = [];
      if (start > from) {
        // The part of the period the version no longer covers goes back to what was in effect before it.
        const before = segmentBefore(segments, from);
        planned.push({
          from,
          to: start,
          state: before ? before.record.state : "absent",
          data: before ? before.record.data : null,
          replaces: target.version,
          ...(before ? { restores: before.record.version } : {}),
        });
      }
      planned.push({ from: start, to, state: target.state, data, replaces: target.version });
      const carried =
        previous !== null && data !== null && to !== INFINITY ? carryForward(type, segments, to, previous, data) : [];
      planned.push(...carried);
      const changes = target.state === "active" ? diffFields(previous, data) : [];
      if (start !== from)
        changes.push({
          path: target.state === "active" ? "validFrom" : "validTo",
          before: iso(from),
          after: iso(start),
        });
      return {
        action: "correct",
        records: planned,
        changes,
        carried,
        overrides: versionsInside(segments, Math.min(start, from), from, target.version),
        effectiveFrom: Math.min(start, from),
        effectiveTo: carried.at(-1)?.to ?? to,
        ...(data !== null ? { checkRefs: { data, previous } } : {}),
        currentAt: start,
      };
    });
  }

  /**
   * Takes a version back for the period in which it is in effect: what was in effect before it applies again (a
   * scheduled change that will not happen, a termination undone). The record itself stays in the history.
   */
  async withdraw<K extends EntityType>(type: K, id: string, input: WithdrawInput, by: Actor): Promise<WriteResult<K>> {
    return this.write(type, id, input.reason, by, input.expectedVersion, ({ records, segments }) => {
      const { target, segment } = this.periodOf(type, id, records, segments, input.version);
      const before = segmentBefore(segments, segment.from);
      if (!before) {
        throw MasterDataError.conflict(
          `version ${target.version} begins the ${type}; nothing was in effect before it (terminate the ${type} instead)`,
          "version",
        );
      }
      const restored = before.record;
      const carried =
        target.data !== null && restored.data !== null && segment.to !== INFINITY
          ? carryForward(type, segments, segment.to, target.data, restored.data)
          : [];
      let changes: FieldChange[];
      if (target.state === "active" && restored.state === "active") changes = diffFields(target.data, restored.data);
      else if (target.state === "absent")
        changes = [{ path: "validTo", before: iso(segment.from), after: isoOrNull(segment.to) }];
      else changes = [{ path: "validTo", before: isoOrNull(segment.to), after: iso(segment.from) }];
      return {
        action: "withdraw",
        records: [
          {
            from: segment.from,
            to: segment.to,
            state: restored.state,
            data: restored.data,
            replaces: target.version,
            restores: restored.version,
          },
          ...carried,
        ],
        changes,
        carried,
        effectiveFrom: segment.from,
        effectiveTo: carried.at(-1)?.to ?? segment.to,
        currentAt: segment.from,
      };
    });
  }

  // -------------------------------------------------------------------------------------------------------------
  // Internals

  private startOf(type: EntityType, id: string, segments: readonly Segment<VersionDoc>[]): number {
    const start = firstActiveStart(segments);
    if (start === undefined) throw MasterDataError.conflict(`${type} "${id}" is not valid at any time`);
    return start;
  }

  /** The version and the one period in which it is in effect now. */
  private periodOf(
    type: EntityType,
    id: string,
    records: readonly VersionDoc[],
    segments: readonly Segment<VersionDoc>[],
    version: number,
  ): { target: VersionDoc; segment: Segment<VersionDoc> } {
    let target = records.find((r) => r.version === version);
    if (!target)
      throw new MasterDataError("not-found", `${type} "${id}" has no version ${version}`, [
        { path: "version", message: "no such version" },
      ]);
    let periods = segments.filter((s) => s.record.version === version);
    // A version whose period later changes were carried into lives on in the record that carried them.
    while (periods.length === 0) {
      const current: VersionDoc = target;
      const copy = records.find((r) => r.carried === true && r.replaces === current.version);
      if (!copy) break;
      target = copy;
      periods = segments.filter((s) => s.record.version === copy.version);
    }
    const segment = periods[0];
    if (!segment || periods.length > 1) {
      const original = records.find((r) => r.version === version) as VersionDoc;
      const [from, to] = [original.validFrom.getTime(), original.validTo?.getTime() ?? INFINITY];
      const now = [...new Set(segments.filter((x) => x.from < to && x.to > from).map((x) => x.record.version))];
      throw MasterDataError.conflict(
        `version ${version} of ${type} "${id}" is no longer in effect at any time${now.length > 0 ? ` (its period is now covered by version ${now.join(", ")})` : ""}; correct or withdraw the version in effect`,
        "version",
      );
    }
    return { target, segment };
  }

  /** Plans against the latest records and inserts; plans again when a concurrent writer took the version number. */
  private async write<K extends EntityType>(
    type: K,
    id: string,
    reason: string | undefined,
    by: Actor,
    expectedVersion: number | undefined,
    plan: (context: PlanContext) => Plan,
  ): Promise<WriteResult<K>> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const records = await this.readRecords(type, id);
      const last = records.at(-1);
      if (!last) throw new MasterDataError("not-found", `no ${type} "${id}"`);
      if (expectedVersion !== undefined && last.version !== expectedVersion) {
        throw MasterDataError.conflict(
          `${type} "${id}" is at version ${last.version}, not ${expectedVersion}: it changed meanwhile`,
          "expectedVersion",
        );
      }
      const segments = timelineOf(records);
      const planned = plan({ records, segments });
      const known = new Set(records.flatMap((r) => r.keys));
      if (planned.checkRefs) {
        await this.checkRefs(type, id, planned.checkRefs.data, planned.checkRefs.previous);
        await this.claimKeys(
          type,
          id,
          rulesOf(type)
            .keys(planned.checkRefs.data as never)
            .filter((k) => !known.has(`${k.name}=${k.value}`)),
        );
      }
      // Transaction time never runs backwards within an entity, so "known at T" is always a prefix of the versions.
      const now = this.now();
      const recordedAt = now.getTime() < last.recordedAt.getTime() ? last.recordedAt : now;
      try {
        return await this.insert<K>(type, id, last.version + 1, recordedAt, planned, reason, by, records);
      } catch (error) {
        if (error instanceof DuplicateKeyError && error.collection === VERSIONS_COLLECTION) continue;
        throw error;
      }
    }
    throw MasterDataError.conflict(`${type} "${id}" is being changed by too many writers at once; try again`);
  }

  private async insert<K extends EntityType>(
    type: K,
    id: string,
    firstVersion: number,
    recordedAt: Date,
    plan: Plan,
    reason: string | undefined,
    by: Actor,
    existing: readonly VersionDoc[],
  ): Promise<WriteResult<K>> {
    const versions = plan.records.map((_, i) => firstVersion + i);
    const text = [...plan.changes.map(changeText), ...carriedText(plan.carried ?? [])];
    const docs: VersionDoc[] = plan.records.map((r, i) => {
      const version = versions[i] as number;
      const doc: VersionDoc = {
        _id: `${type}:${id}:${version}`,
        entityType: type,
        entityId: id,
        version,
        validFrom: new Date(r.from),
        validTo: dateOrNull(r.to),
        state: r.state,
        action: plan.action,
        recordedAt,
        recordedBy: by,
        data: r.data,
        keys: keyEntries(type, r.data),
        refs: refEntries(type, r.data),
      };
      if (reason !== undefined && reason !== "") doc.reason = reason;
      if (r.replaces !== undefined) doc.replaces = r.replaces;
      if (r.restores !== undefined) doc.restores = r.restores;
      if (r.carried) doc.carried = true;
      if (i === plan.records.length - 1) {
        doc.audit = {
          versions,
          effectiveFrom: new Date(plan.effectiveFrom),
          effectiveTo: dateOrNull(plan.effectiveTo),
          changes: plan.changes,
          text,
          ...(plan.overrides && plan.overrides.length > 0 ? { overrides: plan.overrides } : {}),
        };
      }
      return doc;
    });
    try {
      await this.versions.insertMany(docs);
    } finally {
      await this.written();
    }
    const all = [...existing, ...docs];
    return {
      entityType: type,
      entityId: id,
      versions: docs.map((d) => toRecord<K>(d)),
      audit: toAudit(docs.at(-1) as VersionDoc),
      current: this.resolve<K>(all, new Date(plan.currentAt), null),
    };
  }

  /** Every reference that is new (not in `previous`) must name an existing entity of the right type. */
  private async checkRefs(
    type: EntityType,
    id: string,
    data: Record<string, unknown>,
    previous: Record<string, unknown> | null,
  ): Promise<void> {
    for (const [field, target] of Object.entries(rulesOf(type).refs)) {
      const value = data[field];
      if (typeof value !== "string" || value === previous?.[field]) continue;
      if (target === type && value === id)
        throw MasterDataError.invalid(`data.${field}`, `a ${type} cannot refer to itself`);
      if (!(await this.exists(target, value)))
        throw MasterDataError.invalid(`data.${field}`, `no ${target} "${value}"`);
    }
  }

  /** Takes ownership of natural keys; a key owned by another entity is a conflict naming the field. */
  private async claimKeys(type: EntityType, id: string, keys: readonly NaturalKey[]): Promise<void> {
    if (keys.length === 0) return;
    try {
      await this.claimEach(type, id, keys);
    } finally {
      await this.written();
    }
  }

  private async claimEach(type: EntityType, id: string, keys: readonly NaturalKey[]): Promise<void> {
    for (const k of keys) {
      const _id = `${type}|${k.name}|${k.value}`;
      const claimedAt = this.now();
      try {
        await this.keys.insertOne({ _id, entityType: type, name: k.name, value: k.value, entityId: id, claimedAt });
        continue;
      } catch (error) {
        if (!(error instanceof DuplicateKeyError)) throw error;
      }
      const owner = await this.keys.findOne({ _id });
      if (!owner || owner.entityId === id) continue;
      // A claim left behind by a write that never recorded the key (a crash, a lost race) may be taken over.
      const used = await this.versions.findOne(
        { entityType: type, entityId: owner.entityId, keys: `${k.name}=${k.value}` },
        { projection: { _id: 1 } },
      );
      const stale = !used && claimedAt.getTime() - owner.claimedAt.getTime() > STALE_CLAIM_MS;
      if (stale) {
        const taken = await this.keys.findOneAndUpdate(
          { _id, entityId: owner.entityId },
          { $set: { entityId: id, claimedAt } },
          { returnDocument: "after" },
        );
        if (taken) continue;
      }
      throw MasterDataError.conflict(
        `${k.field} "${k.value}" is already used by ${type} "${owner.entityId}"`,
        `data.${k.field}`,
      );
    }
  }
}
