// Dates, sides and statuses as people read them.
import type { RulesetSide, RulesetSummary } from "./types.ts";

const dateTime = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short" });

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateTime.format(d);
}

export const SIDE_LABELS: Record<RulesetSide, string> = {
  sales: "Sales — what customers pay us",
  purchase: "Purchase — what we pay CPOs",
};

export const sideShort = (side: RulesetSide) => (side === "sales" ? "Sales" : "Purchase");

export interface StatusBadge {
  text: string;
  tone: "ok" | "warn" | "muted" | "info";
}

/** The badges of a rule set in the list: active version, scheduled versions, open draft. */
export function statusBadges(r: RulesetSummary): StatusBadge[] {
  const out: StatusBadge[] = [];
  if (r.activeVersion !== null) out.push({ text: `Active v${r.activeVersion}`, tone: "ok" });
  for (const v of r.scheduledVersions) out.push({ text: `Scheduled v${v}`, tone: "warn" });
  if (r.openDraftRevision !== null) out.push({ text: `Draft r${r.openDraftRevision}`, tone: "info" });
  if (out.length === 0)
    out.push({ text: r.lastVersion === 0 ? "Never published" : "No version in effect", tone: "muted" });
  return out;
}

/** Amount with its currency ("8.31 EUR"), or "—". */
export function money(amount: string | undefined | null, currency?: string): string {
  if (amount === undefined || amount === null || amount === "") return "—";
  return currency ? `${amount} ${currency}` : amount;
}

export const SESSION_STATUS_TONE: Record<string, StatusBadge["tone"] | "danger"> = {
  processing: "info",
  priced: "ok",
  "dropped-out": "danger",
  "written-off": "muted",
  rejected: "warn",
};
