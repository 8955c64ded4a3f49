// Currency conversion for the stages: the fx capability's ECB rate of the session date, recorded with what it converted.
import { Dec } from "@voltrate/sdk";
import { fail, pass, type StageContext, type StageOutcome } from "../types.ts";
import type { FxUsed } from "../vocabulary.ts";

/** `amount` (unrounded result) in `to`, at the rate of `date`; FX_UNAVAILABLE when there is no rate or no FX plugin. */
export async function convert(
  ctx: StageContext,
  amount: Dec,
  from: string,
  to: string,
  date: Date,
  purpose: string,
): Promise<StageOutcome<{ amount: Dec; rate: FxUsed }>> {
  if (!ctx.fx) {
    return fail("FX_UNAVAILABLE", `no FX plugin is loaded to convert ${from} into ${to}`, { from, to });
  }
  try {
    const result = await ctx.fx.convert(amount.toString(), from, to, date);
    const rate: FxUsed = { ...result.rate, date: date.toISOString(), purpose };
    ctx.fxUsed(rate);
    ctx.trace(
      `${purpose}: ${amount.toString()} ${from} × ${result.rate.rate} = ${result.amount} ${to} (${result.rate.source})`,
      {
        from,
        to,
        rate: result.rate.rate,
        publishedOn: result.rate.publishedOn,
        derivation: result.rate.derivation,
      },
    );
    return pass({ amount: new Dec(result.amount), rate });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return fail(
      "FX_UNAVAILABLE",
      `no ${from}→${to} rate for ${date.toISOString().slice(0, 10)}: ${(error as Error).message}`,
      {
        from,
        to,
        date: date.toISOString(),
        ...(typeof code === "string" ? { fxError: code } : {}),
      },
    );
  }
}
