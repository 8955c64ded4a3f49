// The loyalty plugin's configuration: which products qualify, after how many sessions in a calendar month the
// discount starts, how large it is, and the time zone that decides which month a session belongs to.
import { z } from "zod";

const isTimeZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

export const loyaltyConfigSchema = z.object({
  /** Contract products (or subscription products) that earn the discount. */
  products: z.array(z.string().min(1)).min(1).default(["PLUS"]),
  /** N: the sessions of a month without discount; the (N+1)th and later get it. */
  afterSessions: z.number().int().min(0).default(5),
  /** Percentage of the sales subtotal (excl. VAT), a decimal string. */
  discountPercent: z
    .string()
    .regex(/^\d+(\.\d+)?$/, { error: 'expected a decimal string such as "10"' })
    .refine((v) => Number(v) > 0 && Number(v) <= 100, { error: "expected more than 0 and at most 100" })
    .default("10"),
  /** IANA time zone of the calendar month. */
  timeZone: z
    .string()
    .refine(isTimeZone, { error: "expected an IANA time zone such as Europe/Amsterdam" })
    .default("Europe/Amsterdam"),
});

export type LoyaltyConfig = z.infer<typeof loyaltyConfigSchema>;
