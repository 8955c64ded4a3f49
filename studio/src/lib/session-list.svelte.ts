// One page of stored sessions under the filters (GET /api/v1/sessions), for the Sessions screen and the session
// picker: the filters and the offset are bound to their inputs, `load` fetches the page they describe.
import { api } from "./api.ts";
import { NO_SESSION_FILTERS, type SessionFilterValues, sessionQuery } from "./session-filters.ts";
import type { Page, SessionSummary } from "./types.ts";

export class SessionList {
  filters = $state<SessionFilterValues>({ ...NO_SESSION_FILTERS });
  offset = $state(0);
  page = $state<Page<SessionSummary> | null>(null);
  error = $state<unknown>(null);
  loading = $state(false);
  readonly pageSize: number;

  constructor(pageSize: number, start: { filters?: SessionFilterValues; offset?: number } = {}) {
    this.pageSize = pageSize;
    if (start.filters) this.filters = start.filters;
    if (start.offset) this.offset = start.offset;
  }

  async load(): Promise<void> {
    this.loading = true;
    this.error = null;
    try {
      this.page = await api.listSessions(sessionQuery(this.filters, this.pageSize, this.offset));
    } catch (e) {
      this.error = e;
    } finally {
      this.loading = false;
    }
  }
}
