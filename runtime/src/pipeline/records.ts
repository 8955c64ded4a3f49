// Where sessions are kept. `sessions`: one document per (source party, session id) — the unique key that makes
// ingestion idempotent — pointing at its current revision, with a lock while a revision is being made.
// `session_revisions`: every processing of a session, immutable (insert only; unique per session and number).
import { createHash, randomUUID } from "node:crypto";
import { type Collection, DuplicateKeyError, type Filter, type Store } from "@voltrate/sdk";
import type { DuplicateFinder } from "./types.ts";
import type {
  DropOutInfo,
  InputFormat,
  InputSnapshot,
  PricedSession,
  SessionRevision,
  SessionStatus,
  SessionSummary,
} from "./vocabulary.ts";

export const SESSIONS_COLLECTION = "sessions";
export const REVISIONS_COLLECTION = "session_revisions";

/** A lock older than this is taken over (its holder died or hung). */
export const LOCK_STALE_MS = 60_000;

export type SessionDoc = {
  _id: string;
  /** "<source party>|<session id>": unique. */
  key: string;
  sourceParty: string;
  sessionId: string;
  format: InputFormat;
  status: SessionStatus;
  currentRevision: number;
  currentRevisionId: string | null;
  /** Hash of the input of the current revision (or of the one being made, while it is the first). */
  inputHash: string;
  lock: string | null;
  lockedAt: Date | null;
  receivedAt: Date;
  updatedAt: Date;
  cpo: string | null;
  cpoSessionId: string | null;
  fingerprint: string | null;
  /** "<fingerprint>|<minute of start>": what the fingerprint search looks up by index. */
  fingerprintBucket: string | null;
  start: Date | null;
  administrationId: string | null;
  dropOut: (Omit<DropOutInfo, "data"> & { amountMinor?: number }) | null;
  totals: PricedSession["totals"] | null;
};

/**
 * A revision as stored. The input payload (exactly as it was recorded), the trace and the priced result are never
 * queried, so they are kept together as one UTF-8 JSON text in a binary field (`body`): the store keeps its bytes off
 * the JavaScript heap and writes them without JSON string escaping, instead of a tree of small objects or three
 * escaped strings. What the margin report selects on is kept apart as fields (`report`).
 *
 * Revisions recorded earlier are still read: with the three parts as JSON text fields (`input.payloadJson`,
 * `traceJson`, `pricedJson`), and before that with `priced` as an object.
 */
export type RevisionDoc = Omit<SessionRevision, "id" | "input" | "trace" | "priced"> & {
  _id: string;
  input: Omit<InputSnapshot, "payload"> & { payloadJson?: string };
  body?: Uint8Array;
  report?: RevisionReportFields;
  /** Older revisions only. */
  traceJson?: string;
  pricedJson?: string;
  priced?: PricedSession;
};

/** What `RevisionDoc.body` holds. */
type RevisionBody = { payload: unknown; trace: SessionRevision["trace"]; priced?: PricedSession };

/** The fields of a priced revision that the margin report reads. */
export type RevisionReportFields = {
  cpo: string;
  start: string;
  energyKwh: string;
  totals: PricedSession["totals"];
};

const pricedTexts = new WeakMap<PricedSession, string>();

/**
 * The JSON text of a priced result, made once per result object: the same text goes into the stored revision and into
 * the answer to the request that priced it.
 */
export function pricedJsonOf(priced: PricedSession): string {
  let text = pricedTexts.get(priced);
  if (text === undefined) {
    text = JSON.stringify(priced);
    pricedTexts.set(priced, text);
  }
  return text;
}

export function revisionDocOf(revision: SessionRevision): RevisionDoc {
  const { id, input, trace, priced, ...rest } = revision;
  const { payload, ...snapshot } = input;
  // The RevisionBody { payload, trace, priced? } as text, with the priced result's text reused.
  const body =
    `{"payload":${JSON.stringify(payload) ?? "null"},"trace":${JSON.stringify(trace)}` +
    `${priced ? `,"priced":${pricedJsonOf(priced)}` : ""}}`;
  const doc: RevisionDoc = { _id: id, ...rest, input: snapshot, body: Buffer.from(body, "utf8") };
  if (priced) {
    doc.report = {
      cpo: priced.cpo,
      start: priced.session.start,
      energyKwh: priced.session.energyKwh,
      totals: priced.totals,
    };
  }
  return doc;
}

/** The id of a session: derived from its key, so every process agrees on it. */
export function sessionIdOf(key: string): string {
  return `ses_${createHash("sha256").update(key).digest("base64url").slice(0, 22)}`;
}

const BUCKET_MS = 60_000;

/** The fingerprint search key of a session: its fingerprint and the minute its start falls in. */
export function fingerprintBucketOf(fingerprint: string | null, start: Date | null): string | null {
  return fingerprint === null || start === null ? null : `${fingerprint}|${Math.floor(start.getTime() / BUCKET_MS)}`;
}

export const revisionIdOf = (sessionId: string, revision: number): string => `${sessionId}.r${revision}`;

const DUPLICATE_CODES = ["DUPLICATE_SESSION_ID", "DUPLICATE_FINGERPRINT"];

export function summaryOf(doc: SessionDoc): SessionSummary {
  const out: SessionSummary = {
    id: doc._id,
    sourceParty: doc.sourceParty,
    sessionId: doc.sessionId,
    format: doc.format,
    status: doc.status,
    currentRevision: doc.currentRevision,
    receivedAt: doc.receivedAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
  };
  if (doc.cpo) out.cpo = doc.cpo;
  if (doc.administrationId) out.administrationId = doc.administrationId;
  if (doc.start) out.start = doc.start.toISOString();
  if (doc.dropOut) {
    out.dropOut = {
      stage: doc.dropOut.stage,
      code: doc.dropOut.code,
      message: doc.dropOut.message,
      caseId: doc.dropOut.caseId,
    };
  }
  if (doc.totals) out.totals = doc.totals;
  return out;
}

export function revisionOf(doc: RevisionDoc): SessionRevision {
  const { _id, input, body, traceJson, pricedJson, report: _report, priced: legacyPriced, ...rest } = doc;
  const { payloadJson, ...snapshot } = input;
  let parts: RevisionBody;
  if (body) {
    parts = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("utf8")) as RevisionBody;
  } else {
    // Recorded before `body`: the parts as JSON text fields, the priced result before that as an object.
    const priced = pricedJson !== undefined ? (JSON.parse(pricedJson) as PricedSession) : legacyPriced;
    parts = {
      payload: JSON.parse(payloadJson ?? "null") as unknown,
      trace: JSON.parse(traceJson ?? "[]") as SessionRevision["trace"],
      ...(priced ? { priced } : {}),
    };
  }
  return {
    id: _id,
    ...rest,
    input: { ...snapshot, payload: parts.payload },
    trace: parts.trace,
    ...(parts.priced ? { priced: parts.priced } : {}),
  };
}

export interface SessionQuery {
  status?: SessionStatus;
  /** The source party or the CPO ("NL*ABC"). */
  party?: string;
  administrationId?: string;
  caseId?: string;
  /** Session start from (inclusive) / to (exclusive). */
  from?: Date;
  to?: Date;
  limit?: number;
  offset?: number;
}

export class SessionRecords implements DuplicateFinder {
  readonly sessions: Collection<SessionDoc>;
  readonly revisions: Collection<RevisionDoc>;
  readonly store: Store;

  constructor(store: Store) {
    this.store = store;
    this.sessions = store.collection<SessionDoc>(SESSIONS_COLLECTION);
    this.revisions = store.collection<RevisionDoc>(REVISIONS_COLLECTION);
  }

  async init(): Promise<void> {
    await this.sessions.createIndex({ key: { key: 1 }, unique: true, name: "key_unique" });
    await this.sessions.createIndex({ key: { cpo: 1, cpoSessionId: 1 }, name: "cpo_session" });
    await this.sessions.createIndex({ key: { fingerprintBucket: 1 }, name: "fingerprint_bucket" });
    await this.sessions.createIndex({ key: { "dropOut.caseId": 1 }, name: "dropout_case" });
    await this.sessions.createIndex({ key: { status: 1 }, name: "status" });
    await this.revisions.createIndex({ key: { sessionId: 1, revision: 1 }, unique: true, name: "session_revision" });
  }

  newLockToken(): string {
    return randomUUID();
  }

  head(id: string): Promise<SessionDoc | null> {
    return this.sessions.findOne({ _id: id });
  }

  /** Inserts a new session, locked by `lock`; false when it exists already (another request was first). */
  async insertLocked(doc: SessionDoc): Promise<boolean> {
    try {
      await this.sessions.insertOne(doc);
      return true;
    } catch (error) {
      if (error instanceof DuplicateKeyError) return false;
      throw error;
    }
  }

  /** Takes the lock if it is free (or stale) and still as seen in `seen`; the session after, or null. */
  acquire(seen: SessionDoc, lock: string, now: Date): Promise<SessionDoc | null> {
    const stale =
      seen.lock !== null && seen.lockedAt !== null && now.getTime() - seen.lockedAt.getTime() > LOCK_STALE_MS;
    if (seen.lock !== null && !stale) return Promise.resolve(null);
    return this.sessions.findOneAndUpdate(
      { _id: seen._id, lock: seen.lock, currentRevision: seen.currentRevision },
      { $set: { lock, lockedAt: now } },
      { returnDocument: "after" },
    );
  }

  async release(id: string, lock: string): Promise<void> {
    await this.sessions.updateOne({ _id: id, lock }, { $set: { lock: null, lockedAt: null } });
  }

  /** Records a revision (never overwrites: the unique index refuses a second one with the same number). */
  async insertRevision(doc: RevisionDoc): Promise<void> {
    await this.revisions.insertOne(doc);
  }

  /** Points the session at its new revision and releases the lock; false if the lock was lost. */
  async finish(id: string, lock: string, set: Partial<SessionDoc>): Promise<boolean> {
    const result = await this.sessions.updateOne({ _id: id, lock }, { $set: { ...set, lock: null, lockedAt: null } });
    return result.matchedCount === 1;
  }

  async revision(id: string): Promise<SessionRevision | null> {
    const doc = await this.revisions.findOne({ _id: id });
    return doc ? revisionOf(doc) : null;
  }

  async revisionsOf(sessionId: string): Promise<SessionRevision[]> {
    const docs = await this.revisions.find({ sessionId }, { sort: { revision: 1 } });
    return docs.map(revisionOf);
  }

  filterOf(query: SessionQuery): Filter {
    const filter: Filter = {};
    if (query.status) filter.status = query.status;
    if (query.party) {
      const p = query.party.toUpperCase();
      filter.$or = [{ sourceParty: p }, { cpo: p }];
    }
    if (query.administrationId) filter.administrationId = query.administrationId;
    if (query.caseId) filter["dropOut.caseId"] = query.caseId;
    if (query.from || query.to) {
      filter.start = { ...(query.from ? { $gte: query.from } : {}), ...(query.to ? { $lt: query.to } : {}) };
    }
    return filter;
  }

  async list(query: SessionQuery): Promise<{ items: SessionSummary[]; total: number }> {
    const filter = this.filterOf(query);
    const [docs, total] = await Promise.all([
      this.sessions.find(filter, {
        sort: { receivedAt: -1, _id: 1 },
        skip: query.offset ?? 0,
        limit: query.limit ?? 50,
      }),
      this.sessions.countDocuments(filter),
    ]);
    return { items: docs.map(summaryOf), total };
  }

  /**
   * Whether `other` counts as an earlier record of the same session than (recordId, receivedAt): received before it
   * (ties by id), not rejected, and not itself dropped out as a duplicate.
   */
  private isEarlier(other: SessionDoc, recordId: string, receivedAt: Date): boolean {
    if (other._id === recordId || other.status === "rejected") return false;
    if (other.dropOut && DUPLICATE_CODES.includes(other.dropOut.code)) return false;
    const a = other.receivedAt.getTime();
    const b = receivedAt.getTime();
    return a < b || (a === b && other._id < recordId);
  }

  async byId(cpo: string, cpoSessionId: string, recordId: string, receivedAt: Date) {
    const docs = await this.sessions.find({ cpo, cpoSessionId });
    const doc = docs.find((d) => this.isEarlier(d, recordId, receivedAt));
    return doc ? { id: doc._id, sessionId: doc.sessionId } : null;
  }

  async byFingerprint(fingerprint: string, start: Date, windowSeconds: number, recordId: string, receivedAt: Date) {
    const w = windowSeconds * 1000;
    const from = start.getTime() - w;
    const to = start.getTime() + w;
    const buckets: string[] = [];
    for (let m = Math.floor(from / BUCKET_MS); m <= Math.floor(to / BUCKET_MS); m++)
      buckets.push(`${fingerprint}|${m}`);
    const docs = await this.sessions.find({ fingerprintBucket: buckets.length === 1 ? buckets[0] : { $in: buckets } });
    const doc = docs.find(
      (d) =>
        d.start !== null &&
        d.start.getTime() >= from &&
        d.start.getTime() <= to &&
        this.isEarlier(d, recordId, receivedAt),
    );
    return doc ? { id: doc._id, sessionId: doc.sessionId, start: doc.start?.toISOString() ?? "" } : null;
  }
}
