// The plugin's configuration (validated by the host before anything starts).
import { z } from "zod";
import { DEFAULT_STALENESS_DAYS } from "./fx-service.ts";
import { DEFAULT_FETCH_TIMEOUT_MS } from "./importer.ts";

/** Weekdays at 16:30 in Frankfurt: the ECB publishes its reference rates at about 16:00 CET. */
export const DEFAULT_FETCH_AT = "30 16 * * 1-5";
/** The zone `fetchAt` is read in. */
export const FETCH_TIME_ZONE = "Europe/Berlin";

// A cron expression (5 or 6 fields) or an Agenda human interval ("1 day", "12 hours").
const schedule = /^(?:[\d*/,?LW#A-Za-z-]+\s+){4,5}[\d*/,?LW#A-Za-z-]+$|^\d+(?:\.\d+)?\s*[a-z]+$/;

export const fxConfigSchema = z
  .strictObject({
    /** An ECB eurofxref XML URL fetched by the daily job, e.g. .../eurofxref-hist-90d.xml. No job without it. */
    url: z.url({ protocol: /^https?$/, message: "expected an http(s) URL" }).optional(),
    /** When the job runs: cron (read in Europe/Berlin) or a human interval; default weekdays 16:30. */
    fetchAt: z
      .string()
      .trim()
      .regex(schedule, { message: 'expected a cron expression ("30 16 * * 1-5") or an interval ("1 day")' })
      .default(DEFAULT_FETCH_AT),
    /** The most calendar days between a date asked and the publication used; default 7. */
    stalenessDays: z.number().int().min(0).max(366).default(DEFAULT_STALENESS_DAYS),
    /** An ECB XML file imported at every start (idempotent), e.g. a downloaded eurofxref-hist.xml. */
    importFile: z.string().min(1).optional(),
    /** Time limit of one fetch (request and body); default 30 s. */
    fetchTimeoutMs: z.number().int().min(100).max(600_000).default(DEFAULT_FETCH_TIMEOUT_MS),
  })
  .prefault({});

export type FxConfig = z.output<typeof fxConfigSchema>;
