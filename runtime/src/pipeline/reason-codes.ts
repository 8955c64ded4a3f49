// The reason-code catalogue of the pipeline. It is defined in the SDK (sdk/src/pipeline/reason-codes.ts) so that
// plugins and clients share it; this module is where the runtime reads it.
export { isReasonCode, REASON_CODES, type ReasonCode, type ReasonDefinition, reasonCodes } from "./vocabulary.ts";

import type { PipelineStage } from "@voltrate/sdk";
import { REASON_CODES, type ReasonCode, reasonCodes } from "./vocabulary.ts";

/** The codes a stage may raise, in catalogue order. */
export function reasonCodesOf(stage: PipelineStage): ReasonCode[] {
  return reasonCodes.filter((code) => (REASON_CODES[code].stages as readonly string[]).includes(stage));
}
