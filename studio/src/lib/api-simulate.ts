// Simulate a stored session: POST /api/v1/rulesets/{id}/simulate with `sessionId` prices the session's stored input
// (as the pipeline kept it) with the chosen version or the draft; nothing is written.
import { request } from "./api.ts";
import type { SimulationResponse } from "./types.ts";

/** The stored record a simulation priced. */
export interface StoredSessionRef {
  id: string;
  revision: number;
  format: string;
  start: string;
}

export type StoredSimulationResponse = SimulationResponse & { storedSession?: StoredSessionRef };

export function simulateStoredSession(
  rulesetId: string,
  input: { sessionId: string; version?: number | string },
): Promise<StoredSimulationResponse> {
  return request<StoredSimulationResponse>("POST", `/api/v1/rulesets/${encodeURIComponent(rulesetId)}/simulate`, input);
}
