// The filters of a list of stored sessions (the Sessions screen, the session picker of Simulate and Backtest), and
// the GET /api/v1/sessions query they make.
import type { SessionQuery } from "./api.ts";

export const SESSION_STATUSES = ["priced", "dropped-out", "written-off", "rejected", "processing"] as const;

/** As typed: "" = no filter; dates as the date inputs give them ("2026-03-01"). */
export interface SessionFilterValues {
  status: string;
  party: string;
  from: string;
  to: string;
}

export const NO_SESSION_FILTERS: Readonly<SessionFilterValues> = { status: "", party: "", from: "", to: "" };

/** The query for one page of sessions; the list is newest received first. */
export function sessionQuery(filters: SessionFilterValues, limit: number, offset: number): SessionQuery {
  return {
    status: filters.status || undefined,
    party: filters.party.trim() || undefined,
    from: filters.from || undefined,
    to: filters.to || undefined,
    limit,
    offset,
  };
}
