// POST /api/v1/rulesets/{id}/backtest: re-prices recent priced sessions with a draft (or a version) of a sales rule
// set and compares with what was billed. Editors run it; nothing is written.
import { ID_PATTERN } from "@voltrate/sdk/rules";
import { z } from "zod";
import type { ApiKeys } from "../../auth/api-keys.ts";
import { requireRole } from "../../auth/require-role.ts";
import { BACKTEST_MAX_SESSIONS, type BacktestDeps, runBacktest } from "../../backtest/index.ts";
import { RulesError } from "../../rules/versions/index.ts";
import type { RouteModule } from "../app.ts";
import { HttpProblem } from "../problem.ts";
import { validate, validBody } from "../validate.ts";

export interface BacktestRoutesOptions extends BacktestDeps {
  apiKeys: ApiKeys;
}

const isoInstant = z.iso.datetime({ offset: true, error: "expected an ISO 8601 instant (2025-03-01T00:00:00Z)" });
const backtestSchema = z
  .strictObject({
    draft: z.literal(true).optional(),
    version: z.number().int().positive().optional(),
    last: z.number().int().positive().max(BACKTEST_MAX_SESSIONS).optional(),
    from: isoInstant.optional(),
    to: isoInstant.optional(),
  })
  .refine((b) => (b.draft === undefined) !== (b.version === undefined), {
    error: "choose either `draft: true` or a `version`",
  })
  .refine((b) => (b.last === undefined) !== (b.from === undefined && b.to === undefined), {
    error: "choose either `last` or a period (`from` and `to`)",
  })
  .refine(
    (b) =>
      b.last !== undefined || (b.from !== undefined && b.to !== undefined && Date.parse(b.from) < Date.parse(b.to)),
    {
      error: "a period needs `from` before `to`",
    },
  );

export function backtestRoutes(options: BacktestRoutesOptions): RouteModule {
  const editor = requireRole(options.apiKeys, "editor");
  return (app) => {
    app.post("/api/v1/rulesets/:id/backtest", editor, async (c) => {
      const id = validate(
        z.string().regex(ID_PATTERN, { error: "expected a rule set id" }),
        c.req.param("id"),
        "path.id",
      );
      const body = await validBody(c, backtestSchema);
      try {
        const result = await runBacktest(
          options,
          id,
          body.version !== undefined ? { version: body.version } : { draft: true },
          body.last !== undefined
            ? { last: body.last }
            : { from: new Date(body.from as string), to: new Date(body.to as string) },
        );
        return c.json(result);
      } catch (error) {
        if (error instanceof RulesError) {
          throw new HttpProblem({
            slug: error.code,
            title: "The backtest cannot run",
            status: error.status,
            detail: error.message,
          });
        }
        throw error;
      }
    });
  };
}
