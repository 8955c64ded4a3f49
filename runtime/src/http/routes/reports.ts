// Reports over REST: margins (revenue, cost, margin, sessions, energy) per roaming partner and/or period, as JSON or
// CSV (`Accept: text/csv` or `format=csv`).
import { z } from "zod";
import type { ApiKeys } from "../../auth/api-keys.ts";
import { requireRole } from "../../auth/require-role.ts";
import {
  AdministrationNotFoundError,
  type MarginGroup,
  type MarginReports,
  marginsCsv,
  ReportQueryError,
} from "../../reports/margins.ts";
import type { RouteModule } from "../app.ts";
import { HttpProblem } from "../problem.ts";
import { validQuery } from "../validate.ts";

export interface ReportRoutesDeps {
  reports: MarginReports;
  apiKeys: ApiKeys;
}

const bound = z.union([z.iso.date(), z.iso.datetime({ offset: true })], {
  error: 'expected an ISO 8601 date ("2025-03-01") or date-time with offset',
});

const GROUPINGS: Record<string, MarginGroup[]> = {
  partner: ["partner"],
  period: ["period"],
  "partner,period": ["partner", "period"],
  "period,partner": ["period", "partner"],
  none: [],
};

const marginsQuerySchema = z.strictObject({
  administrationId: z.string().min(1).max(100),
  from: bound,
  to: bound,
  groupBy: z
    .enum(Object.keys(GROUPINGS) as [string, ...string[]], {
      error: 'expected "partner", "period", "partner,period", "period,partner" or "none"',
    })
    .default("partner"),
  period: z.enum(["day", "month"]).default("month"),
  timeZone: z.string().min(1).max(64).optional(),
  format: z.enum(["json", "csv"]).optional(),
});

/** GET /api/v1/reports/margins. */
export function reportRoutes(deps: ReportRoutesDeps): RouteModule {
  const { reports, apiKeys } = deps;
  return (app) => {
    app.get("/api/v1/reports/margins", requireRole(apiKeys, "viewer"), async (c) => {
      const q = validQuery(c, marginsQuerySchema);
      let report: Awaited<ReturnType<MarginReports["margins"]>>;
      try {
        report = await reports.margins({
          administrationId: q.administrationId,
          from: q.from,
          to: q.to,
          groupBy: GROUPINGS[q.groupBy] ?? ["partner"],
          period: q.period,
          ...(q.timeZone ? { timeZone: q.timeZone } : {}),
        });
      } catch (error) {
        if (error instanceof AdministrationNotFoundError) throw HttpProblem.notFound(error.message);
        if (error instanceof ReportQueryError) throw HttpProblem.badRequest(error.message);
        throw error;
      }
      const csv = q.format === "csv" || (q.format === undefined && (c.req.header("Accept") ?? "").includes("text/csv"));
      if (!csv) return c.json(report);
      const name = `margins-${report.administrationId}-${report.from.slice(0, 10)}-${report.to.slice(0, 10)}.csv`;
      return c.body(marginsCsv(report), 200, {
        "Content-Type": "text/csv; charset=utf-8; header=present",
        "Content-Disposition": `attachment; filename="${name.replace(/[^A-Za-z0-9._-]/g, "_")}"`,
      });
    });
  };
}
