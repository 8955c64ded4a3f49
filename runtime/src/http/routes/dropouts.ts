// Drop-out cases over REST: failed sessions grouped by stage, reason and party (or rule, or plugin), with counts and
// amounts at stake; one case; the sessions of a case; and the reason-code catalogue.
import { pipelineStages } from "@voltrate/sdk";
import { z } from "zod";
import type { ApiKeys } from "../../auth/api-keys.ts";
import { requireRole } from "../../auth/require-role.ts";
import type { DropOutCases } from "../../dropouts/cases.ts";
import { REASON_CODES, reasonCodes } from "../../pipeline/vocabulary.ts";
import type { RouteModule } from "../app.ts";
import { HttpProblem } from "../problem.ts";
import { validQuery } from "../validate.ts";

export interface DropOutRoutesDeps {
  /** `pipeline.cases`. */
  cases: DropOutCases;
  apiKeys: ApiKeys;
}

const paging = {
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
};

const listQuerySchema = z.strictObject({
  stage: z.enum(pipelineStages).optional(),
  code: z
    .string()
    .regex(/^[A-Z][A-Z0-9_]*$/, { error: "expected a reason code (upper case)" })
    .optional(),
  group: z.string().min(1).max(200).optional(),
  status: z.enum(["open", "resolved", "all"]).default("open"),
  ...paging,
});

const sessionsQuerySchema = z.strictObject(paging);

/** GET /api/v1/dropouts, /api/v1/dropouts/{id}, /api/v1/dropouts/{id}/sessions, /api/v1/pipeline/reason-codes. */
export function dropOutRoutes(deps: DropOutRoutesDeps): RouteModule {
  const { cases, apiKeys } = deps;
  return (app) => {
    app.get("/api/v1/dropouts", requireRole(apiKeys, "viewer"), async (c) => {
      const q = validQuery(c, listQuerySchema);
      const { items, total } = await cases.list({
        ...(q.stage ? { stage: q.stage } : {}),
        ...(q.code ? { code: q.code } : {}),
        ...(q.group ? { group: q.group } : {}),
        status: q.status,
        limit: q.limit,
        offset: q.offset,
      });
      return c.json({ items, total, limit: q.limit, offset: q.offset });
    });

    app.get("/api/v1/dropouts/:id", requireRole(apiKeys, "viewer"), async (c) => {
      const found = await cases.get(c.req.param("id"));
      if (!found) throw HttpProblem.notFound(`no drop-out case ${c.req.param("id")}`);
      return c.json(found);
    });

    app.get("/api/v1/dropouts/:id/sessions", requireRole(apiKeys, "viewer"), async (c) => {
      const q = validQuery(c, sessionsQuerySchema);
      const id = c.req.param("id");
      if (!(await cases.get(id))) throw HttpProblem.notFound(`no drop-out case ${id}`);
      const { items, total } = await cases.sessionsOf(id, { limit: q.limit, offset: q.offset });
      return c.json({ caseId: id, items, total, limit: q.limit, offset: q.offset });
    });

    app.get("/api/v1/pipeline/reason-codes", requireRole(apiKeys, "viewer"), (c) =>
      c.json({ items: reasonCodes.map((code) => ({ code, ...REASON_CODES[code] })) }),
    );
  };
}
