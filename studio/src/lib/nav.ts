// The studio's sections, in the order of a tariff manager's work: build rule sets, try them, backtest them, then
// look at sessions, drop-outs and reports; master data feeds them all.
import type { RouteName } from "./router.svelte.ts";

export interface NavItem {
  route: RouteName;
  href: string;
  label: string;
  icon: string;
  /** What the section is for (the page's subtitle). */
  purpose: string;
  /** Whether the section works on this runtime (otherwise it shows "coming soon"). */
  ready: boolean;
}

export const NAV: readonly NavItem[] = [
  {
    route: "rulesets",
    href: "/rulesets",
    label: "Rulesets",
    icon: "▦",
    purpose: "Price lists per administration and side: build them with blocks or scripts, then publish.",
    ready: true,
  },
  {
    route: "simulate",
    href: "/simulate",
    label: "Simulate",
    icon: "▷",
    purpose: "Price one session with a rule set — a draft, the active version or any version — and see why.",
    ready: true,
  },
  {
    route: "backtest",
    href: "/backtest",
    label: "Backtest",
    icon: "↺",
    purpose: "Re-price past sessions with a draft and compare the results with what was charged.",
    ready: true,
  },
  {
    route: "sessions",
    href: "/sessions",
    label: "Sessions",
    icon: "⚡",
    purpose: "Charge sessions as they arrive, with their prices and the trace that explains them.",
    ready: true,
  },
  {
    route: "dropouts",
    href: "/drop-outs",
    label: "Drop-outs",
    icon: "⚠",
    purpose: "Sessions that could not be priced: see why, fix the rule set or the data, and price them again.",
    ready: true,
  },
  {
    route: "reports",
    href: "/reports",
    label: "Reports",
    icon: "▤",
    purpose: "Revenue, cost and margin per administration, partner and period.",
    ready: true,
  },
  {
    route: "master-data",
    href: "/master-data",
    label: "Master data",
    icon: "☰",
    purpose: "Administrations, partners, agreements and the other data rule sets refer to — as they were on any date.",
    ready: true,
  },
];

/** Sections for admins only, shown apart from the work sections (the runtime refuses them to other roles anyway). */
export const ADMIN_NAV: readonly NavItem[] = [
  {
    route: "users",
    href: "/users",
    label: "Users",
    icon: "☺",
    purpose: "Who may sign in to the studio, with which role: create users, change roles, disable, reset passwords.",
    ready: true,
  },
];
