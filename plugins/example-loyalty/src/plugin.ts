// @voltrate/plugin-example-loyalty: subscription holders get a discount from their (N+1)th session in a calendar
// month. A worked example of a third-party plugin: configuration, a hook that adds a price line, its own store
// collection and a route. The tutorial in docs/plugins.md builds it step by step.
import { Dec, definePlugin, problemResponse, roundDecimal } from "@voltrate/sdk";
import { z } from "zod";
import { type LoyaltyConfig, loyaltyConfigSchema } from "./config.ts";
import { localMonth, MONTH_PATTERN } from "./month.ts";

/** The plugin's collection (stored by the host as plugin.example-loyalty.sessions). */
export const SESSIONS_COLLECTION = "sessions";
export const LINE_CODE = "LOYALTY";

/** One session the plugin has seen; `_id` is the session record id, so a reprocess does not count twice. */
export type LoyaltySessionDoc = {
  _id: string;
  contractId: string;
  /** The local calendar month of the start, "2026-03". */
  month: string;
  /** The start, ISO 8601 UTC (sessions of a month are ordered by it). */
  start: string;
  firstSeenAt: string;
  updatedAt: string;
};

/** The part of the hook view after rate determination this plugin reads. */
const viewSchema = z.object({
  id: z.string(),
  start: z.string(),
  contractId: z.string(),
  product: z.string().nullable(),
  subscription: z.string().nullable(),
  sales: z.object({ currency: z.string(), exclVat: z.string() }),
});

const qualifies = (config: LoyaltyConfig, v: z.infer<typeof viewSchema>): boolean =>
  config.products.some((p) => p === v.product || p === v.subscription);

export default definePlugin({
  name: "@voltrate/plugin-example-loyalty",
  version: "0.1.0",
  voltrate: "^0.1.0",
  description: "Loyalty discount for subscription holders after their Nth session in a calendar month.",
  configSchema: loyaltyConfigSchema,
  setup(ctx) {
    const { config } = ctx;
    const sessions = ctx.store.collection<LoyaltySessionDoc>(SESSIONS_COLLECTION);

    /** How many sessions of the contract in the month started before this one (ties: by record id). */
    const earlier = (contractId: string, month: string, start: string, id: string) =>
      sessions.countDocuments({
        contractId,
        month,
        _id: { $ne: id },
        $or: [{ start: { $lt: start } }, { start, _id: { $lt: id } }],
      });

    ctx.hooks.after("rateDetermination", async (hook) => {
      const view = viewSchema.parse(hook.session);
      if (!qualifies(config, view)) return;
      const { id, contractId, start } = view;
      const month = localMonth(new Date(start), config.timeZone);
      const now = new Date().toISOString();
      // Upsert by record id: a reprocess or correction updates the same document instead of counting again.
      await sessions.updateOne(
        { _id: id },
        { $set: { contractId, month, start, updatedAt: now }, $setOnInsert: { firstSeenAt: now } },
        { upsert: true },
      );
      const ordinal = (await earlier(contractId, month, start, id)) + 1;
      const data = { contractId, month, session: ordinal, afterSessions: config.afterSessions };
      if (ordinal <= config.afterSessions) {
        hook.annotate({ message: `session ${ordinal} of contract ${contractId} in ${month}: no discount yet`, data });
        return;
      }
      const subtotal = new Dec(view.sales.exclVat);
      const discount = roundDecimal(subtotal.times(config.discountPercent).div(100), 2, "HALF_UP");
      if (!discount.isZero()) {
        hook.addLine({
          side: "sales",
          code: LINE_CODE,
          description: `Loyalty discount ${config.discountPercent}% (session ${ordinal} in ${month})`,
          amount: discount.neg().toFixed(2),
        });
      }
      hook.annotate({
        message: `session ${ordinal} of contract ${contractId} in ${month}: ${config.discountPercent}% loyalty discount`,
        data: { ...data, subtotal: view.sales.exclVat, discount: discount.neg().toFixed(2) },
      });
    });

    ctx.routes.api.get("/contracts/:id/months/:month", ctx.auth.requireRole("viewer"), async (c) => {
      const contractId = c.req.param("id");
      const month = c.req.param("month");
      if (!MONTH_PATTERN.test(month)) {
        return problemResponse(c, {
          status: 400,
          slug: "validation",
          title: "The request is not valid",
          detail: `expected a month as yyyy-mm, got "${month}"`,
          errors: [{ path: "path.month", message: "expected a month as yyyy-mm" }],
        });
      }
      const count = await sessions.countDocuments({ contractId, month });
      return c.json({
        contractId,
        month,
        timeZone: config.timeZone,
        sessions: count,
        afterSessions: config.afterSessions,
        discounted: Math.max(0, count - config.afterSessions),
      });
    });

    return {
      async start() {
        await sessions.createIndex({ key: { contractId: 1, month: 1, start: 1 }, name: "contract_month_start" });
      },
    };
  },
});
