// The two times a master data view is read at, as they travel in the address (`?at=…&known=…`): `at` is the valid
// time — a day ("2026-02-01", read to its end in the browser's zone) or an exact instant (a session's start) — and
// `known` the transaction time, an instant: only what was recorded by then is shown. "" means now / the latest.
import { ENTITY_PATHS, ENTITY_TYPES, type EntityType } from "@voltrate/sdk/master-data";
import { formatDateTime } from "./format.ts";

export type AsOf = { at: string; known: string };

const DAY = /^\d{4}-\d{2}-\d{2}$/;

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

const isInstant = (text: string) => INSTANT.test(text) && !Number.isNaN(Date.parse(text));

/** Whether `at` names a whole day rather than an instant. */
export const isDay = (at: string): boolean => DAY.test(at);

/** The day of `at` in the browser's zone ("2026-02-01"), as a date input shows it; "" for now. */
export function dayOf(at: string): string {
  if (isDay(at)) return at;
  if (!isInstant(at)) return "";
  const d = new Date(at);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** When the values are valid, in words: "now", "on 2026-02-01", "at 1 Feb 2026, 08:00". */
export function validText(at: string): string {
  if (isDay(at)) return `on ${at}`;
  return isInstant(at) ? `at ${formatDateTime(at)}` : "now";
}

/** The view's times from an address's query string; a value that is neither a day nor an instant is dropped. */
export function asOfFromSearch(search: string): AsOf {
  const params = new URLSearchParams(search);
  const at = params.get("at") ?? "";
  // A "+" typed into an address arrives as a space: put the offset's sign back.
  const known = (params.get("known") ?? "").replace(" ", "+");
  return { at: isDay(at) || isInstant(at) ? at : "", known: isInstant(known) ? known : "" };
}

/** The `at` and `known` parameters of `asOf` ("" for now / the latest are left out), for an address. */
export function asOfParams(asOf: AsOf): [string, string][] {
  const pairs: [string, string][] = [];
  if (asOf.at) pairs.push(["at", asOf.at]);
  if (asOf.known) pairs.push(["known", asOf.known]);
  return pairs;
}

/** `?at=…&known=…`, or "" when the view is of now as known now. */
export function asOfSearch(asOf: AsOf): string {
  const text = new URLSearchParams(asOfParams(asOf)).toString();
  return text ? `?${text}` : "";
}

/**
 * The valid time to ask the API for, as an ISO instant: a day means its end in the browser's zone (changes made
 * during the day count), an instant itself; undefined for now.
 */
export function validAtOf(at: string): string | undefined {
  if (isDay(at)) return new Date(`${at}T23:59:59.999`).toISOString();
  return isInstant(at) ? new Date(at).toISOString() : undefined;
}

/** The transaction time to ask the API for, as an ISO instant in UTC; undefined for the latest. */
export function knownAtOf(known: string): string | undefined {
  return isInstant(known) ? new Date(known).toISOString() : undefined;
}

/**
 * Whether two instants fall in the same minute (or are both ""): a date-time picker shows minutes, so a moment from
 * the address (with seconds) and the picker's reading of it are the same choice.
 */
export function sameMinute(a: string, b: string): boolean {
  if (a === "" || b === "") return a === b;
  return Math.floor(Date.parse(a) / 60_000) === Math.floor(Date.parse(b) / 60_000);
}

/** A record's page as of `asOf`. */
export function recordHref(type: EntityType, id: string, asOf: AsOf): string {
  return `/master-data/${ENTITY_PATHS[type]}/${encodeURIComponent(id)}${asOfSearch(asOf)}`;
}

/**
 * The page of a master data version a priced session used, showing what the pricing saw: valid at the session's
 * start (now when it has none), as recorded when the pricing read it. Undefined for a kind the studio does not know.
 */
export function usedVersionHref(
  ref: { entityType: string; entityId: string },
  sessionStart: string | undefined,
  knownAt: string,
): string | undefined {
  const type = ENTITY_TYPES.find((t) => t === ref.entityType);
  return type === undefined ? undefined : recordHref(type, ref.entityId, { at: sessionStart ?? "", known: knownAt });
}
