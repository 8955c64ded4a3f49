// The session pipeline. See docs/pipeline.md.
export {
  type CheckConfig,
  type CheckConfigInput,
  CheckConfigs,
  checkConfigSchema,
  DEFAULT_CHECK_CONFIG,
} from "./check-config.ts";
export { canonicalHash, canonicalJson } from "./hash.ts";
export { masterDataPort } from "./master-data-port.ts";
export { detectFormat, identify, type ParsedSession, parseInput } from "./parse-input.ts";
export {
  Pipeline,
  type PipelineDeps,
  type PipelineInput,
  type ProcessOptions,
  type ProcessResult,
  SessionNotFoundError,
} from "./pipeline.ts";
export type * from "./ports.ts";
export { reasonCodesOf } from "./reason-codes.ts";
export { type SessionDoc, type SessionQuery, SessionRecords, sessionIdOf } from "./records.ts";
export * from "./vocabulary.ts";

import { Pipeline, type PipelineDeps } from "./pipeline.ts";

/** Builds the pipeline and creates its indexes. */
export async function createPipeline(deps: PipelineDeps): Promise<Pipeline> {
  const pipeline = new Pipeline(deps);
  await pipeline.init();
  return pipeline;
}
