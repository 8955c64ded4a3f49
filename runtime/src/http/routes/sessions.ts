// Charge sessions over REST: ingest (one or a batch; normalized, OCPI 2.2.1 and 2.1.1 CDRs), search, read with all
// revisions, reprocess with an instruction; and the advanced checks' configuration per administration.
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { z } from "zod";
import type { ApiKeys, Principal } from "../../auth/api-keys.ts";
import { requireRole } from "../../auth/require-role.ts";
import { Ingestor } from "../../ingest/index.ts";
import type { Logger } from "../../logging/logger.ts";
import { checkConfigSchema } from "../../pipeline/check-config.ts";
import { type Pipeline, SessionNotFoundError } from "../../pipeline/pipeline.ts";
import { pricedJsonOf } from "../../pipeline/records.ts";
import { type InputSnapshot, instructionSchema, type SessionRevision } from "../../pipeline/vocabulary.ts";
import type { RouteModule } from "../app.ts";
import { HttpProblem, problemResponse } from "../problem.ts";
import { validate, validQuery } from "../validate.ts";

export interface SessionRoutesDeps {
  pipeline: Pipeline;
  apiKeys: ApiKeys;
  logger?: Pick<Logger, "error">;
  /** The largest request body accepted (default 16 MiB). */
  maxBodyBytes?: number;
}

const FORMATS = ["normalized", "ocpi-2.2.1", "ocpi-2.1.1"] as const;
const STATUSES = ["processing", "priced", "dropped-out", "written-off", "rejected"] as const;

const instant = z.union([z.iso.datetime({ offset: true }), z.iso.date().transform((d) => `${d}T00:00:00Z`)], {
  error: 'expected an ISO 8601 date ("2025-03-01") or date-time with offset',
});

const listQuerySchema = z.strictObject({
  status: z.enum(STATUSES).optional(),
  party: z
    .string()
    .regex(/^[A-Za-z]{2}\*[A-Za-z0-9]{3}$/, { error: 'expected a party "NL*ABC"' })
    .optional(),
  administration: z.string().min(1).max(100).optional(),
  case: z.string().min(1).max(100).optional(),
  from: instant.optional(),
  to: instant.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

const ingestQuerySchema = z.strictObject({
  party: z.string().optional(),
  format: z.enum(FORMATS).optional(),
});

const reprocessSchema = z.strictObject({
  instruction: instructionSchema.optional(),
  reason: z.string().min(1).max(2000).optional(),
});

/**
 * A revision as POST /api/v1/sessions answers it: everything but the input payload (the sender has it) and the trace
 * (GET /api/v1/sessions/{id} has both).
 */
function resultOf(
  revision: SessionRevision,
): Omit<SessionRevision, "trace" | "input"> & { input: Omit<InputSnapshot, "payload"> } {
  const { trace: _trace, input, ...rest } = revision;
  const { payload: _payload, ...snapshot } = input;
  return { ...rest, input: snapshot };
}

function principalOf(c: Context): Principal | undefined {
  return c.get("principal" as never) as Principal | undefined;
}

/** POST/GET /api/v1/sessions, GET /api/v1/sessions/{id}, POST …/{id}/reprocess, GET/PUT /api/v1/pipeline/checks/{administrationId}. */
export function sessionRoutes(deps: SessionRoutesDeps): RouteModule {
  const { pipeline, apiKeys } = deps;
  const ingestor = new Ingestor(pipeline, deps.logger);
  const limit = bodyLimit({
    maxSize: deps.maxBodyBytes ?? 16 * 1024 * 1024,
    onError: () => {
      throw new HttpProblem({
        slug: "payload-too-large",
        title: "The request body is too large",
        status: 413,
        detail: `send at most ${deps.maxBodyBytes ?? 16 * 1024 * 1024} bytes per request (split the batch)`,
      });
    },
  });
  return (app) => {
    app.post("/api/v1/sessions", requireRole(apiKeys, "editor"), limit, async (c) => {
      const query = validQuery(c, ingestQuerySchema);
      const body: unknown = await c.req.json();
      const outcome = await ingestor.ingest(body, {
        ...(query.party ? { party: query.party } : {}),
        ...(query.format ? { format: query.format } : {}),
      });
      if (!outcome.ok) return problemResponse(c, outcome.problem);
      if (outcome.single) {
        const r = outcome.results[0]!;
        if (!r.ok) return problemResponse(c, r.problem);
        c.header("Location", `/api/v1/sessions/${r.session.id}`);
        const { priced, ...revision } = resultOf(r.revision);
        if (!priced) return c.json({ outcome: r.outcome, session: r.session, revision }, r.status);
        const text = JSON.stringify({ outcome: r.outcome, session: r.session, revision });
        // The priced result's JSON text was made when the revision was stored: spliced in as the revision's last
        // field (the text ends with the revision's and the answer's closing braces) rather than serialized again.
        return c.body(`${text.slice(0, -2)},"priced":${pricedJsonOf(priced)}}}`, r.status, {
          "Content-Type": "application/json",
        });
      }
      const counts = { created: 0, corrections: 0, repeats: 0, failed: 0 };
      const results = outcome.results.map((r) => {
        if (!r.ok) {
          counts.failed++;
          return { index: r.index, status: r.status, problem: r.problem };
        }
        if (r.outcome === "created") counts.created++;
        else if (r.outcome === "correction") counts.corrections++;
        else counts.repeats++;
        return {
          index: r.index,
          status: r.status,
          outcome: r.outcome,
          session: r.session,
          revisionId: r.revision.id,
          ...(r.revision.dropOut
            ? {
                dropOut: {
                  stage: r.revision.dropOut.stage,
                  code: r.revision.dropOut.code,
                  message: r.revision.dropOut.message,
                },
              }
            : {}),
        };
      });
      return c.json({ counts, results }, 200);
    });

    app.get("/api/v1/sessions", requireRole(apiKeys, "viewer"), async (c) => {
      const q = validQuery(c, listQuerySchema);
      const { items, total } = await pipeline.list({
        ...(q.status ? { status: q.status } : {}),
        ...(q.party ? { party: q.party } : {}),
        ...(q.administration ? { administrationId: q.administration } : {}),
        ...(q.case ? { caseId: q.case } : {}),
        ...(q.from ? { from: new Date(q.from) } : {}),
        ...(q.to ? { to: new Date(q.to) } : {}),
        limit: q.limit,
        offset: q.offset,
      });
      return c.json({ items, total, limit: q.limit, offset: q.offset });
    });

    app.get("/api/v1/sessions/:id", requireRole(apiKeys, "viewer"), async (c) => {
      const found = await pipeline.get(c.req.param("id"));
      if (!found) throw HttpProblem.notFound(`no session ${c.req.param("id")}`);
      return c.json(found);
    });

    app.post("/api/v1/sessions/:id/reprocess", requireRole(apiKeys, "editor"), async (c) => {
      const text = await c.req.text();
      const body = validate(reprocessSchema, text.trim() === "" ? {} : JSON.parse(text));
      const principal = principalOf(c);
      const reason = body.reason ?? (principal ? `reprocessed by ${principal.name}` : undefined);
      try {
        const result = await pipeline.reprocess(c.req.param("id"), body.instruction, reason);
        return c.json({ outcome: result.outcome, session: result.session, revision: result.revision }, 201);
      } catch (error) {
        if (error instanceof SessionNotFoundError) throw HttpProblem.notFound(error.message);
        throw error;
      }
    });

    app.get("/api/v1/pipeline/checks/:administrationId", requireRole(apiKeys, "viewer"), async (c) => {
      const id = c.req.param("administrationId");
      const stored = await pipeline.checkConfigs.stored(id);
      return c.json({
        administrationId: id,
        effective: await pipeline.checkConfigs.get(id),
        overrides: stored?.checks ?? {},
        updatedAt: stored?.updatedAt.toISOString() ?? null,
        updatedBy: stored?.updatedBy ?? null,
      });
    });

    app.put("/api/v1/pipeline/checks/:administrationId", requireRole(apiKeys, "admin"), async (c) => {
      const id = c.req.param("administrationId");
      const checks = validate(checkConfigSchema, await c.req.json());
      const effective = await pipeline.checkConfigs.set(id, checks, principalOf(c)?.name ?? "unknown");
      return c.json({ administrationId: id, effective, overrides: checks });
    });
  };
}
