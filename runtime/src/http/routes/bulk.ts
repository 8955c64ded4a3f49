// Bulk actions over REST: reprocess a drop-out case, explicit sessions or a filter — optionally with an instruction —
// as a background job with progress; list, read and cancel them.
import type { Context } from "hono";
import { z } from "zod";
import type { ApiKeys, Principal } from "../../auth/api-keys.ts";
import { requireRole } from "../../auth/require-role.ts";
import { BulkActionNotFoundError, BulkActionStateError, type BulkActions } from "../../bulk/bulk-actions.ts";
import { instructionSchema } from "../../pipeline/vocabulary.ts";
import type { RouteModule } from "../app.ts";
import { HttpProblem } from "../problem.ts";
import { validate, validQuery } from "../validate.ts";

export interface BulkRoutesDeps {
  bulk: BulkActions;
  apiKeys: ApiKeys;
}

/** At most this many explicit session ids per action. */
export const MAX_SESSION_IDS = 10_000;

const STATUSES = ["processing", "priced", "dropped-out", "written-off", "rejected"] as const;

const instant = z.union([z.iso.datetime({ offset: true }), z.iso.date().transform((d) => `${d}T00:00:00Z`)], {
  error: 'expected an ISO 8601 date ("2025-03-01") or date-time with offset',
});

const selectionSchema = z.union(
  [
    z.strictObject({ caseId: z.string().min(1).max(100) }),
    z.strictObject({
      sessionIds: z
        .array(z.string().min(1).max(100))
        .min(1)
        .max(MAX_SESSION_IDS, {
          error: `at most ${MAX_SESSION_IDS} session ids (use a filter or a case)`,
        }),
    }),
    z.strictObject({
      filter: z
        .strictObject({
          status: z.enum(STATUSES).optional(),
          party: z
            .string()
            .regex(/^[A-Za-z]{2}\*[A-Za-z0-9]{3}$/, { error: 'expected a party "NL*ABC"' })
            .optional(),
          administrationId: z.string().min(1).max(100).optional(),
          caseId: z.string().min(1).max(100).optional(),
          from: instant.optional(),
          to: instant.optional(),
        })
        .refine((f) => Object.keys(f).length > 0, { error: "a filter needs at least one criterion" }),
    }),
  ],
  { error: "expected a selection: { caseId }, { sessionIds: [...] } or { filter: { ... } }" },
);

const createSchema = z.strictObject({
  selection: selectionSchema,
  action: z.literal("reprocess", { error: 'expected "reprocess"' }).default("reprocess"),
  instruction: instructionSchema.optional(),
  reason: z.string().trim().min(1, { error: "say why (it is kept with every revision)" }).max(2000),
});

const listQuerySchema = z.strictObject({
  status: z.enum(["queued", "running", "done", "failed", "cancelled"]).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

function principalOf(c: Context): Principal | undefined {
  return c.get("principal" as never) as Principal | undefined;
}

/** POST/GET /api/v1/bulk-actions, GET /api/v1/bulk-actions/{id}, POST /api/v1/bulk-actions/{id}/cancel. */
export function bulkRoutes(deps: BulkRoutesDeps): RouteModule {
  const { bulk, apiKeys } = deps;
  return (app) => {
    app.post("/api/v1/bulk-actions", requireRole(apiKeys, "editor"), async (c) => {
      const body = validate(createSchema, await c.req.json());
      const created = await bulk.create({
        selection: body.selection,
        ...(body.instruction ? { instruction: body.instruction } : {}),
        reason: body.reason,
        requestedBy: principalOf(c)?.name ?? "unknown",
      });
      c.header("Location", `/api/v1/bulk-actions/${created.id}`);
      return c.json(created, 202);
    });

    app.get("/api/v1/bulk-actions", requireRole(apiKeys, "viewer"), async (c) => {
      const q = validQuery(c, listQuerySchema);
      const { items, total } = await bulk.list({
        ...(q.status ? { status: q.status } : {}),
        limit: q.limit,
        offset: q.offset,
      });
      return c.json({ items, total, limit: q.limit, offset: q.offset });
    });

    app.get("/api/v1/bulk-actions/:id", requireRole(apiKeys, "viewer"), async (c) => {
      const found = await bulk.get(c.req.param("id"));
      if (!found) throw HttpProblem.notFound(`no bulk action ${c.req.param("id")}`);
      return c.json(found);
    });

    app.post("/api/v1/bulk-actions/:id/cancel", requireRole(apiKeys, "editor"), async (c) => {
      try {
        return c.json(await bulk.cancel(c.req.param("id"), principalOf(c)?.name ?? "unknown"));
      } catch (error) {
        if (error instanceof BulkActionNotFoundError) throw HttpProblem.notFound(error.message);
        if (error instanceof BulkActionStateError)
          throw new HttpProblem({
            slug: "conflict",
            title: "The bulk action cannot be cancelled",
            status: 409,
            detail: error.message,
          });
        throw error;
      }
    });
  };
}
