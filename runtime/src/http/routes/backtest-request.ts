// The body of a backtest request (synchronous or as a run) and how its errors read as problem JSON.
import { ID_PATTERN } from "@voltrate/sdk/rules";
import type { Context } from "hono";
import { z } from "zod";
import { BACKTEST_MAX_SESSIONS, type BacktestScope, type BacktestTarget } from "../../backtest/index.ts";
import { RulesError } from "../../rules/versions/index.ts";
import { HttpProblem } from "../problem.ts";
import { validate, validBody } from "../validate.ts";

const isoInstant = z.iso.datetime({ offset: true, error: "expected an ISO 8601 instant (2025-03-01T00:00:00Z)" });
export const backtestSchema = z
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

/** The rule set id of the path, the target and the scope of the body (validated). */
export async function backtestRequestOf(
  c: Context,
): Promise<{ rulesetId: string; target: BacktestTarget; scope: BacktestScope }> {
  const rulesetId = validate(
    z.string().regex(ID_PATTERN, { error: "expected a rule set id" }),
    c.req.param("id"),
    "path.id",
  );
  const body = await validBody(c, backtestSchema);
  return {
    rulesetId,
    target: body.version !== undefined ? { version: body.version } : { draft: true },
    scope:
      body.last !== undefined
        ? { last: body.last }
        : { from: new Date(body.from as string), to: new Date(body.to as string) },
  };
}

/** A RulesError (unknown rule set or version, purchase side, cannot be evaluated) as problem JSON. */
export function backtestProblemOf(error: unknown): unknown {
  if (error instanceof RulesError) {
    return new HttpProblem({
      slug: error.code,
      title: "The backtest cannot run",
      status: error.status,
      detail: error.message,
    });
  }
  return error;
}
