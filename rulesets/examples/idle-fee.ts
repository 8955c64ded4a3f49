// Idle fee (occupancy fee): €1 per hour that the car stays at the charger after charging ended, after a free first
// hour, at most €8 per session.
//
// How it counts:
// - Idle time is `idleSeconds`, or `parkingSeconds` when the source has no idle time; none at all means no fee.
// - The first hour is free. What remains is billed PER STARTED MINUTE at the hourly rate ÷ 60 (€1/h = €0.0166… per
//   minute): 1 h 00 min 01 s of idle time is 1 started minute. Per started minute, because per started hour would
//   charge a full euro for one minute over the free hour, which drivers rightly contest.
// - The fee is computed exactly, rounded to cents at the end (half-up), then capped: 90 minutes = €1.50,
//   20 minutes = €0.333… = €0.33, 1 minute = €0.0166… = €0.02, 660 minutes = €11.00 → €8.00.
// - No fee, no line: the result is empty (with a note saying why).
//
// Parameters (all optional; the defaults are the deal above): `ratePerHour` (decimal string, "1.00"),
// `freeMinutes` (number, 60), `maxFee` (decimal string, "8.00"). Amounts are in the session currency, excl. VAT.
import { defineScript } from "voltrate:script";

type IdleFeeParams = {
  ratePerHour?: string;
  freeMinutes?: number;
  maxFee?: string;
};

export default defineScript<IdleFeeParams>((session, h) => {
  const ratePerHour = h.money(session.params.ratePerHour ?? "1.00");
  const free = h.minutes(session.params.freeMinutes ?? 60);
  const maxFee = h.money(session.params.maxFee ?? "8.00");

  const idle = h.seconds(session.idleSeconds ?? session.parkingSeconds ?? 0);
  const billable = idle.minus(free).max(h.seconds(0));
  if (billable.isZero()) {
    return { lines: [], notes: [`idle ${idle.minutes.toFixed(1)} min: within the ${free.minutes} free minutes`] };
  }

  const startedMinutes = billable.minutes.ceil();
  const fee = ratePerHour.div(60).times(startedMinutes).round(2);
  const charged = fee.min(maxFee);
  h.log("idle", idle, "billable", billable, "started minutes", startedMinutes, "fee", fee, "charged", charged);

  const capped = charged.lt(fee) ? ` (capped at ${maxFee.toFixed(2)})` : "";
  return {
    lines: [
      h.line({
        code: "IDLE_FEE",
        description: `Idle fee: ${startedMinutes} min after ${free.minutes} free min at ${ratePerHour.toFixed(2)} ${session.currency}/h${capped}`,
        amount: charged.toFixed(2),
        quantity: startedMinutes,
        unit: "min",
      }),
    ],
  };
});
