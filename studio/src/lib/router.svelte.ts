// A small client-side router on the History API: the runtime answers every browser navigation outside /api/ with
// the app, so paths are plain (`/rulesets/msp-nl-retail`), bookmarkable and reloadable.

export interface Match {
  name: RouteName;
  params: Record<string, string>;
}

export type RouteName =
  | "login"
  | "rulesets"
  | "ruleset"
  | "simulate"
  | "backtest"
  | "sessions"
  | "session"
  | "dropouts"
  | "reports"
  | "master-data"
  | "users"
  | "not-found";

const ROUTES: [RouteName, RegExp][] = [
  ["login", /^\/login$/],
  ["rulesets", /^\/(?:rulesets)?$/],
  ["ruleset", /^\/rulesets\/(?<id>[^/]+)$/],
  ["simulate", /^\/simulate$/],
  ["backtest", /^\/backtest$/],
  ["sessions", /^\/sessions$/],
  ["session", /^\/sessions\/(?<id>[^/]+)$/],
  ["dropouts", /^\/drop-outs$/],
  ["reports", /^\/reports$/],
  // The list, a record (/master-data/parties/pty_1) and a new record (/master-data/new/parties): one section.
  ["master-data", /^\/master-data(?:\/new\/(?<newType>[^/]+)|\/(?<type>[^/]+)\/(?<id>[^/]+))?$/],
  ["users", /^\/users$/],
];

export function match(pathname: string): Match {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, "") : pathname;
  for (const [name, pattern] of ROUTES) {
    const m = pattern.exec(path);
    if (m) {
      const params: Record<string, string> = {};
      for (const [k, v] of Object.entries(m.groups ?? {})) if (v !== undefined) params[k] = decodeURIComponent(v);
      return { name, params };
    }
  }
  return { name: "not-found", params: {} };
}

class Router {
  path = $state(location.pathname);
  search = $state(location.search);
  current = $derived(match(this.path));

  constructor() {
    addEventListener("popstate", () => this.sync());
  }

  private sync(): void {
    this.path = location.pathname;
    this.search = location.search;
  }

  navigate(to: string, options: { replace?: boolean } = {}): void {
    if (to === location.pathname + location.search) return;
    if (options.replace) history.replaceState(null, "", to);
    else history.pushState(null, "", to);
    this.sync();
  }

  /** Follows clicks on same-origin links without reloading the page (modifier keys keep the browser's behaviour). */
  handleClick = (event: MouseEvent): void => {
    if (
      event.defaultPrevented ||
      event.button !== 0 ||
      event.metaKey ||
      event.ctrlKey ||
      event.shiftKey ||
      event.altKey
    ) {
      return;
    }
    const anchor = (event.target as Element | null)?.closest?.("a");
    if (!anchor || anchor.target || anchor.hasAttribute("download") || anchor.origin !== location.origin) return;
    if (anchor.pathname.startsWith("/api/")) return;
    event.preventDefault();
    this.navigate(anchor.pathname + anchor.search);
  };
}

export const router = new Router();
