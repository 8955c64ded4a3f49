// The master data API (/api/v1/master-data) for the studio: lists, records, history and token chains as of a date
// and, optionally, as recorded by a moment (`knownAt`: later records are left out); the audit trail; and
// the writes — create, change from a date, terminate, correct, withdraw, replace a token.
import type { AuditEntry, EntityType, History, Resolved, VersionRecord } from "@voltrate/sdk/master-data";
import { ENTITY_PATHS } from "@voltrate/sdk/master-data";
import { request } from "./api.ts";
import type { MasterDataList } from "./types.ts";

const BASE = "/api/v1/master-data";
const enc = encodeURIComponent;

/** Data as the forms send it: the entity's fields (a patch for changes and corrections, `null` removes a field). */
export type EntityPayload = Record<string, unknown>;

/** What every write answers: the records written, its audit entry and the entity as of the effective date. */
export type WriteResult = {
  entityType: EntityType;
  entityId: string;
  versions: VersionRecord[];
  audit: AuditEntry;
  current: Resolved | null;
};

/** One card of a token's replacement chain, with the period in which it was valid. */
export type TokenLink = {
  entityId: string;
  uid: string;
  visualNumber?: string;
  validFrom: string;
  validTo: string | null;
};

function qs(values: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) if (v !== undefined && v !== "") params.set(k, String(v));
  const text = params.toString();
  return text ? `?${text}` : "";
}

const entityUrl = (type: EntityType, id?: string) =>
  `${BASE}/${ENTITY_PATHS[type]}${id === undefined ? "" : `/${enc(id)}`}`;

export const masterDataApi = {
  list: (
    type: EntityType,
    query: {
      validAt?: string | undefined;
      knownAt?: string | undefined;
      limit?: number;
      offset?: number;
      filters?: Record<string, string>;
    } = {},
  ) =>
    request<MasterDataList>(
      "GET",
      `${entityUrl(type)}${qs({ validAt: query.validAt, knownAt: query.knownAt, limit: query.limit, offset: query.offset, ...query.filters })}`,
    ),
  get: (type: EntityType, id: string, validAt?: string, knownAt?: string) =>
    request<Resolved>("GET", `${entityUrl(type, id)}${qs({ validAt, knownAt })}`),
  history: (type: EntityType, id: string, knownAt?: string) =>
    request<History>("GET", `${entityUrl(type, id)}/history${qs({ knownAt })}`),
  audit: (type: EntityType, id: string) =>
    request<{ entries: AuditEntry[] }>("GET", `${entityUrl(type, id)}/audit`).then((r) => r.entries),

  create: (type: EntityType, body: { id?: string; validFrom: string; data: EntityPayload; reason?: string }) =>
    request<WriteResult>("POST", entityUrl(type), body),
  change: (
    type: EntityType,
    id: string,
    body: { effectiveFrom: string; data: EntityPayload; reason?: string; expectedVersion?: number },
  ) => request<WriteResult>("POST", `${entityUrl(type, id)}/changes`, body),
  terminate: (type: EntityType, id: string, body: { effectiveFrom: string; reason?: string }) =>
    request<WriteResult>("POST", `${entityUrl(type, id)}/terminate`, body),
  correct: (
    type: EntityType,
    id: string,
    body: { version: number; data?: EntityPayload; validFrom?: string; reason: string },
  ) => request<WriteResult>("POST", `${entityUrl(type, id)}/corrections`, body),
  withdraw: (type: EntityType, id: string, body: { version: number; reason: string }) =>
    request<WriteResult>("POST", `${entityUrl(type, id)}/withdrawals`, body),

  replaceToken: (
    id: string,
    body: {
      effectiveFrom: string;
      token: { id?: string; uid: string; type?: string; visualNumber?: string; contractId?: string };
      reason?: string;
    },
  ) => request<{ replacement: WriteResult; replaced: WriteResult }>("POST", `${BASE}/tokens/${enc(id)}/replace`, body),
  tokenChain: (id: string, knownAt?: string) =>
    request<{ tokenId: string; chain: TokenLink[] }>("GET", `${BASE}/tokens/${enc(id)}/chain${qs({ knownAt })}`).then(
      (r) => r.chain,
    ),
};
