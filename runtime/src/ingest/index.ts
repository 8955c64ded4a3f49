// Ingestion of charge sessions (normalized, OCPI 2.2.1 and 2.1.1 CDRs; one or a batch). See docs/pipeline.md.
export { type IngestItemResult, type IngestOptions, Ingestor, type IngestResult, MAX_BATCH } from "./ingest.ts";
