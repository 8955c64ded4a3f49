// The runtime's REST API for the studio: same origin, the session cookie signs requests in. Every error is an
// ApiError carrying the problem details; a 401 outside sign-in means the session has ended, which `onSignedOut`
// hears about (the app then shows the sign-in page and comes back afterwards).
import type {
  BacktestResult,
  BulkAction,
  BulkSelection,
  DraftDetail,
  DropOutCaseSummary,
  History,
  Instruction,
  MarginReport,
  MasterDataList,
  Me,
  Page,
  Problem,
  ReprocessResult,
  Ruleset,
  RulesetDetail,
  RulesetDiff,
  RulesetSummary,
  ScriptDiagnostic,
  SessionDetail,
  SessionSummary,
  SimulationResponse,
  UserInfo,
  ValidationReport,
  VersionSummary,
} from "./types.ts";

export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem | undefined;
  constructor(status: number, message: string, problem?: Problem) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.problem = problem;
  }

  /** Field errors as "path: message" lines, for forms. */
  get fieldErrors(): string[] {
    return (this.problem?.errors ?? []).map((e) => `${e.path}: ${e.message}`);
  }
}

let signedOutListener: (() => void) | undefined;

/** Called when a request finds the session ended (401). */
export function onSignedOut(listener: () => void): void {
  signedOutListener = listener;
}

/** One JSON request to the runtime; also used by the per-area API modules (api-<area>.ts). */
export async function request<T>(
  method: string,
  path: string,
  body?: unknown,
  options: { quiet401?: boolean } = {},
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: "same-origin",
      headers: {
        Accept: "application/json",
        ...(body !== undefined ? { "Content-Type": "application/json" } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch {
    throw new ApiError(0, "The runtime cannot be reached. Is it running?");
  }
  if (response.status === 204) return undefined as T;
  const type = response.headers.get("Content-Type") ?? "";
  const payload: unknown = type.includes("json") ? await response.json().catch(() => undefined) : await response.text();
  if (!response.ok) {
    const problem = type.includes("problem+json") ? (payload as Problem) : undefined;
    if (response.status === 401 && !options.quiet401) signedOutListener?.();
    throw new ApiError(
      response.status,
      problem?.detail ?? problem?.title ?? `${response.status} ${response.statusText}`,
      problem,
    );
  }
  return payload as T;
}

const enc = encodeURIComponent;

/** "?a=1&b=2" from the defined values of a query, or "". */
function query(values: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) if (v !== undefined && v !== "") params.set(k, String(v));
  const qs = params.toString();
  return qs ? `?${qs}` : "";
}

export interface SessionQuery {
  status?: string;
  party?: string;
  administration?: string;
  case?: string;
  from?: string;
  to?: string;
  limit?: number;
  offset?: number;
}

export const api = {
  login: (username: string, password: string) =>
    request<{ user: UserInfo; expiresAt: string }>(
      "POST",
      "/api/v1/auth/login",
      { username, password },
      { quiet401: true },
    ),
  logout: () => request<void>("POST", "/api/v1/auth/logout"),
  me: () => request<Me>("GET", "/api/v1/auth/me", undefined, { quiet401: true }),

  listRulesets: () => request<{ rulesets: RulesetSummary[] }>("GET", "/api/v1/rulesets").then((r) => r.rulesets),
  getRuleset: (id: string) => request<RulesetDetail>("GET", `/api/v1/rulesets/${enc(id)}`),
  createRuleset: (ruleset: Ruleset, comment?: string) =>
    request<RulesetDetail>("POST", "/api/v1/rulesets", { ruleset, ...(comment ? { comment } : {}) }),
  getVersion: (id: string, version: number) =>
    request<VersionSummary & { content: Ruleset; blockly?: unknown }>(
      "GET",
      `/api/v1/rulesets/${enc(id)}/versions/${version}`,
    ),
  getDraft: (id: string) => request<DraftDetail>("GET", `/api/v1/rulesets/${enc(id)}/draft`),
  saveDraft: (id: string, draft: { content?: Ruleset; blockly?: unknown; baseRevision?: number; comment?: string }) =>
    request<DraftDetail>("PUT", `/api/v1/rulesets/${enc(id)}/draft`, draft),
  validate: (id: string, content?: Ruleset) =>
    request<ValidationReport>("POST", `/api/v1/rulesets/${enc(id)}/validate`, content ? { content } : {}),
  publish: (
    id: string,
    input: {
      comment: string;
      draftRevision?: number;
      effectiveFrom?: string;
      timeZone?: string;
      allowRetroactive?: boolean;
    },
  ) => request<VersionSummary>("POST", `/api/v1/rulesets/${enc(id)}/publish`, input),
  cancelScheduled: (id: string, version: number, comment: string) =>
    request<VersionSummary>("POST", `/api/v1/rulesets/${enc(id)}/versions/${version}/cancel`, { comment }),
  simulate: (id: string, input: { version?: number | string; session?: unknown; cdr?: unknown; facts?: unknown }) =>
    request<SimulationResponse>("POST", `/api/v1/rulesets/${enc(id)}/simulate`, input),
  backtest: (
    id: string,
    input: ({ draft: true } | { version: number }) & ({ last: number } | { from: string; to: string }),
  ) => request<BacktestResult>("POST", `/api/v1/rulesets/${enc(id)}/backtest`, input),
  listMasterData: (path: string, query: { validAt?: string; limit?: number; offset?: number } = {}) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
    const qs = params.toString();
    return request<MasterDataList>("GET", `/api/v1/master-data/${enc(path)}${qs ? `?${qs}` : ""}`);
  },
  masterDataHistory: (path: string, id: string) =>
    request<History>("GET", `/api/v1/master-data/${enc(path)}/${enc(id)}/history`),
  rollback: (id: string, toVersion: number, comment: string) =>
    request<VersionSummary>("POST", `/api/v1/rulesets/${enc(id)}/rollback`, { toVersion, comment }),
  diff: (id: string, from: string, to: string) =>
    request<RulesetDiff>("GET", `/api/v1/rulesets/${enc(id)}/diff${query({ from, to })}`),

  listSessions: (q: SessionQuery = {}) => request<Page<SessionSummary>>("GET", `/api/v1/sessions${query({ ...q })}`),
  getSession: (id: string) => request<SessionDetail>("GET", `/api/v1/sessions/${enc(id)}`),
  reprocess: (id: string, input: { instruction?: Instruction; reason?: string } = {}) =>
    request<ReprocessResult>("POST", `/api/v1/sessions/${enc(id)}/reprocess`, input),
  listDropOuts: (q: { status?: "open" | "resolved" | "all"; stage?: string; limit?: number; offset?: number } = {}) =>
    request<Page<DropOutCaseSummary>>("GET", `/api/v1/dropouts${query({ ...q })}`),
  getDropOut: (id: string) => request<DropOutCaseSummary>("GET", `/api/v1/dropouts/${enc(id)}`),
  dropOutSessions: (id: string, q: { limit?: number; offset?: number } = {}) =>
    request<Page<SessionSummary> & { caseId: string }>("GET", `/api/v1/dropouts/${enc(id)}/sessions${query({ ...q })}`),
  startBulkAction: (input: { selection: BulkSelection; instruction?: Instruction; reason: string }) =>
    request<BulkAction>("POST", "/api/v1/bulk-actions", { action: "reprocess", ...input }),
  getBulkAction: (id: string) => request<BulkAction>("GET", `/api/v1/bulk-actions/${enc(id)}`),
  marginReport: (q: { administrationId: string; from: string; to: string; groupBy: string; period: string }) =>
    request<MarginReport>("GET", `/api/v1/reports/margins${query({ ...q })}`),

  validateScript: (source: string) =>
    request<{ valid: boolean; diagnostics: ScriptDiagnostic[] }>("POST", "/api/v1/rules/validate-script", { source }),
};
