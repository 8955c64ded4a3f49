// Cross-field checks shared by the versions.
import type { z } from "zod";
import { ocpiInstant } from "./fields.ts";

/** Reports `field` when the end of a session or CDR lies before its start. */
export function endNotBeforeStart(
  start: string,
  end: string | undefined,
  ctx: z.RefinementCtx,
  field: "end_date_time" | "stop_date_time",
): void {
  if (end === undefined) return;
  if (ocpiInstant(end).getTime() < ocpiInstant(start).getTime()) {
    ctx.addIssue({ code: "custom", path: [field], message: "expected a time at or after start_date_time" });
  }
}
