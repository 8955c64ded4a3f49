// Ingestion: a request body holding one session or a batch — normalized sessions, OCPI 2.2.1 or 2.1.1 CDRs, each item
// in its own form — is split into items; each is recognised, keyed (source party, session id), validated (a malformed
// item is answered with the field that is wrong, and nothing is stored) and handed to the pipeline. Items of a batch
// succeed or fail on their own.
import type { FieldError, ProblemDetails } from "../http/problem.ts";
import { problemType } from "../http/problem.ts";
import type { Logger } from "../logging/logger.ts";
import { detectFormat, identify, parseInput } from "../pipeline/parse-input.ts";
import type { Pipeline, ProcessResult } from "../pipeline/pipeline.ts";
import type { InputFormat } from "../pipeline/vocabulary.ts";

export interface IngestOptions {
  /** The sending party for OCPI 2.1.1 CDRs, which do not carry one ("NL*ABC"). */
  party?: string;
  /** Skip detection: every item is of this form. */
  format?: InputFormat;
}

export type IngestItemResult =
  | ({ index: number; ok: true; status: 200 | 201 } & ProcessResult)
  | { index: number; ok: false; status: number; problem: ProblemDetails };

export interface IngestResult {
  /** True when the body was one item (not an array or an envelope). */
  single: boolean;
  results: IngestItemResult[];
}

/** The most items one request may carry. */
export const MAX_BATCH = 1000;
/** Items of a batch processed at the same time (their writes share the store's group commits). */
const BATCH_CONCURRENCY = 16;
const MAX_DEPTH = 64;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** A field name the store cannot keep (`$…`, `__proto__`) or nesting deeper than the store takes. */
function unstorable(value: unknown, path: string, depth = 0): FieldError | undefined {
  if (depth > MAX_DEPTH) return { path, message: `nested more than ${MAX_DEPTH} levels deep` };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const e = unstorable(value[i], `${path}[${i}]`, depth + 1);
      if (e) return e;
    }
  } else if (isRecord(value)) {
    for (const [k, v] of Object.entries(value)) {
      const p = path === "" ? k : `${path}.${k}`;
      if (k.startsWith("$") || k === "__proto__")
        return { path: p, message: "field names may not start with $ or be __proto__" };
      const e = unstorable(v, p, depth + 1);
      if (e) return e;
    }
  }
  return undefined;
}

const join = (prefix: string, path: string): string =>
  path === "" ? prefix : path.startsWith("[") ? `${prefix}${path}` : `${prefix}.${path}`;

function problem(slug: string, title: string, status: number, detail: string, errors?: FieldError[]): ProblemDetails {
  return { type: problemType(slug), title, status, detail, ...(errors ? { errors } : {}) };
}

export class Ingestor {
  private readonly pipeline: Pipeline;
  private readonly logger: Pick<Logger, "error"> | undefined;

  constructor(pipeline: Pipeline, logger?: Pick<Logger, "error">) {
    this.pipeline = pipeline;
    this.logger = logger;
  }

  /**
   * The items of a body: an array is a batch, an OCPI envelope (`{ data, status_code }`) a batch of its `data`, any
   * other object one item. Returns a problem for a body that is none of these.
   */
  split(
    body: unknown,
  ): { ok: true; single: boolean; items: { path: string; json: unknown }[] } | { ok: false; problem: ProblemDetails } {
    if (Array.isArray(body))
      return { ok: true, single: false, items: body.map((json, i) => ({ path: `body[${i}]`, json })) };
    if (!isRecord(body)) {
      return {
        ok: false,
        problem: problem(
          "validation",
          "The request is not valid",
          400,
          "body: expected a session object or an array of them",
          [{ path: "body", message: "expected a session object or an array of them" }],
        ),
      };
    }
    if ("status_code" in body && "data" in body) {
      const code = body.status_code;
      if (typeof code !== "number" || code < 1000 || code > 1999) {
        return {
          ok: false,
          problem: problem(
            "validation",
            "The request is not valid",
            400,
            "body.status_code: not an OCPI success (1xxx)",
            [{ path: "body.status_code", message: "expected an OCPI success status code (1xxx)" }],
          ),
        };
      }
      const data = body.data;
      if (Array.isArray(data))
        return { ok: true, single: false, items: data.map((json, i) => ({ path: `body.data[${i}]`, json })) };
      return { ok: true, single: true, items: [{ path: "body.data", json: data }] };
    }
    return { ok: true, single: true, items: [{ path: "body", json: body }] };
  }

  async ingest(
    body: unknown,
    options: IngestOptions = {},
  ): Promise<({ ok: true } & IngestResult) | { ok: false; problem: ProblemDetails }> {
    const split = this.split(body);
    if (!split.ok) return split;
    if (split.items.length > MAX_BATCH) {
      return {
        ok: false,
        problem: problem(
          "batch-too-large",
          "Too many sessions in one request",
          413,
          `the batch holds ${split.items.length} sessions; send at most ${MAX_BATCH} per request`,
        ),
      };
    }
    const results: IngestItemResult[] = new Array(split.items.length);
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < split.items.length; i = next++) {
        const item = split.items[i]!;
        results[i] = await this.one(i, item.path, item.json, options);
      }
    };
    await Promise.all(Array.from({ length: Math.min(BATCH_CONCURRENCY, split.items.length) }, worker));
    return { ok: true, single: split.single, results };
  }

  /** One item: recognised, keyed, validated, processed. Never throws. */
  async one(index: number, path: string, json: unknown, options: IngestOptions = {}): Promise<IngestItemResult> {
    try {
      return await this.unguarded(index, path, json, options);
    } catch (error) {
      this.logger?.error({ err: error, path }, "ingesting a session failed");
      return {
        index,
        ok: false,
        status: 500,
        problem: problem(
          "internal",
          "Internal error",
          500,
          "The session could not be recorded; it has been logged. Sending it again is safe.",
        ),
      };
    }
  }

  private async unguarded(
    index: number,
    path: string,
    json: unknown,
    options: IngestOptions,
  ): Promise<IngestItemResult> {
    const invalid = (
      detail: string,
      errors: FieldError[],
      slug = "validation",
      title = "The session is not valid",
    ) => ({
      index,
      ok: false as const,
      status: 400,
      problem: problem(slug, title, 400, detail, errors),
    });
    if (!isRecord(json)) {
      return invalid(`${path}: expected a session object`, [{ path, message: "expected a session object" }]);
    }
    const format = options.format ?? detectFormat(json);
    if (!format) {
      const message =
        "cannot tell the form of this session: a normalized session has sourceParty and chargingPeriods, an OCPI 2.2.1 CDR " +
        "country_code, party_id, cdr_token, cdr_location and end_date_time, an OCPI 2.1.1 CDR auth_id, location and stop_date_time";
      return invalid(`${path}: ${message}`, [{ path, message }], "unknown-session-form", "Unknown session form");
    }
    const bad = unstorable(json, "");
    if (bad)
      return invalid(`${join(path, bad.path)}: ${bad.message}`, [{ path: join(path, bad.path), message: bad.message }]);
    const id = identify(format, json, options.party);
    if (!id.ok) {
      const errors = id.errors.map((e) => ({
        path: e.path === "party" ? "query.party" : join(path, e.path),
        message: e.message,
      }));
      return invalid(`${errors[0]?.path}: ${errors[0]?.message}`, errors);
    }
    const parsed = parseInput(format, json, id.sourceParty, id.sessionId);
    if (!parsed.ok) {
      const errors = parsed.errors.slice(0, 50).map((e) => ({ path: join(path, e.path), message: e.message }));
      const first = errors[0];
      const more = parsed.errors.length > 1 ? ` (and ${parsed.errors.length - 1} more)` : "";
      return invalid(`${first?.path}: ${first?.message}${more}`, errors);
    }
    try {
      const result = await this.pipeline.process({
        format,
        payload: json,
        sourceParty: id.sourceParty,
        sessionId: id.sessionId,
        preParsed: parsed.value,
      });
      return { index, ok: true, status: result.outcome === "repeat" ? 200 : 201, ...result };
    } catch (error) {
      this.logger?.error(
        { err: error, sourceParty: id.sourceParty, sessionId: id.sessionId },
        "ingesting a session failed",
      );
      return {
        index,
        ok: false,
        status: 500,
        problem: problem(
          "internal",
          "Internal error",
          500,
          "The session could not be recorded; it has been logged. Sending it again is safe.",
        ),
      };
    }
  }
}
