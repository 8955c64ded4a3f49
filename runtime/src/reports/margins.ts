// Margin reports: revenue (sales excl. VAT), cost (purchase excl. VAT), margin, session count and energy of the priced
// sessions of one administration, per roaming partner (the CPO) and/or per period (day or month of the session start
// in the administration's time zone). Only the current revision of each priced session counts: a correction or a
// reprocess replaces what its session contributed, it is never added to it. Amounts are summed as decimals.
import { Dec, minorUnits } from "@voltrate/sdk";
import { getCountry } from "countries-and-timezones";
import type { PipelineMasterData } from "../pipeline/ports.ts";
import type { SessionRecords } from "../pipeline/records.ts";

export type MarginGroup = "partner" | "period";
export type MarginPeriod = "day" | "month";

export interface MarginQuery {
  administrationId: string;
  /** The first day ("2025-03-01", local midnight in the report's time zone) or an instant (inclusive). */
  from: string;
  /** The last day ("2025-03-31", inclusive: up to the next local midnight) or an instant (exclusive). */
  to: string;
  /** Grouping, in order; empty: one row with the totals. */
  groupBy: MarginGroup[];
  period: MarginPeriod;
  /** Overrides the administration's time zone (IANA). */
  timeZone?: string;
}

export interface MarginFigures {
  sessions: number;
  /** kWh, decimal string. */
  energyKwh: string;
  /** Sales excl. VAT. */
  revenue: string;
  /** Purchase excl. VAT. */
  cost: string;
  /** Revenue − cost. */
  margin: string;
}

export interface MarginRow extends MarginFigures {
  /** The CPO party ("NL*ABC"), when grouped by partner. */
  partner?: string;
  /** "2025-03-07" or "2025-03", when grouped by period. */
  period?: string;
  currency: string;
}

export interface MarginReport {
  administrationId: string;
  currency: string;
  timeZone: string;
  /** The instants covered: [from, to). */
  from: string;
  to: string;
  groupBy: MarginGroup[];
  period: MarginPeriod;
  rows: MarginRow[];
  totals: MarginFigures;
}

export class AdministrationNotFoundError extends Error {
  override name = "AdministrationNotFoundError";
}

export class ReportQueryError extends Error {
  override name = "ReportQueryError";
}

export interface MarginReportsDeps {
  /** `pipeline.records`. */
  records: SessionRecords;
  masterData: Pick<PipelineMasterData, "administration">;
  now?: () => Date;
}

/** The figures of a session's current priced revision that the report reads. */
type Contribution = {
  _id: string;
  cpo: string;
  start: string;
  energyKwh: string;
  totals: { currency: string; purchaseExclVat: string; salesExclVat: string; marginExclVat: string };
};

type Acc = { sessions: number; energy: Dec; revenue: Dec; cost: Dec; margin: Dec };

const IDS_PER_READ = 1_000;

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * The zone of the capital where the tz database lists several zones for a country (or lists the country under a
 * neighbour's zone): the Canaries and the Azores are an hour behind the mainland.
 */
const CAPITAL_ZONES: Record<string, string> = {
  NL: "Europe/Amsterdam",
  LU: "Europe/Luxembourg",
  DK: "Europe/Copenhagen",
  SE: "Europe/Stockholm",
  NO: "Europe/Oslo",
  DE: "Europe/Berlin",
  ES: "Europe/Madrid",
  PT: "Europe/Lisbon",
};

/** The time zone of a country: the administration's books follow its country (its capital's zone). */
export function timeZoneOfCountry(country: string): string | undefined {
  const code = country.toUpperCase();
  return CAPITAL_ZONES[code] ?? getCountry(code)?.timezones[0];
}

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();

function dayFormat(zone: string): Intl.DateTimeFormat {
  let f = dayFormats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-CA", {
      timeZone: zone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
    });
    dayFormats.set(zone, f);
  }
  return f;
}

function localParts(t: number, zone: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of dayFormat(zone).formatToParts(new Date(t))) if (p.type !== "literal") out[p.type] = Number(p.value);
  return out;
}

/** The zone's offset from UTC at instant `t`, in milliseconds. */
function offsetAt(t: number, zone: string): number {
  const p = localParts(t, zone);
  const asUtc = Date.UTC(p.year ?? 1970, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0);
  return asUtc - Math.floor(t / 1000) * 1000;
}

/** The instant of local midnight at the start of a day ("2025-03-01") in `zone`. */
export function localMidnight(day: string, zone: string): Date {
  const m = DATE_ONLY.exec(day);
  if (!m) throw new ReportQueryError(`expected a date "YYYY-MM-DD", got "${day}"`);
  const guess = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  let t = guess - offsetAt(guess, zone);
  t = guess - offsetAt(t, zone);
  return new Date(t);
}

/** The local day ("2025-03-07") or month ("2025-03") of an instant in `zone`. */
export function periodOf(instant: Date, zone: string, period: MarginPeriod): string {
  const p = localParts(instant.getTime(), zone);
  const ym = `${String(p.year).padStart(4, "0")}-${String(p.month).padStart(2, "0")}`;
  return period === "month" ? ym : `${ym}-${String(p.day).padStart(2, "0")}`;
}

function nextDay(day: string): string {
  const m = DATE_ONLY.exec(day);
  if (!m) throw new ReportQueryError(`expected a date "YYYY-MM-DD", got "${day}"`);
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + 1)).toISOString().slice(0, 10);
}

function instantOf(value: string, zone: string, bound: "from" | "to"): Date {
  if (DATE_ONLY.test(value)) return localMidnight(bound === "from" ? value : nextDay(value), zone);
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new ReportQueryError(`${bound}: expected a date or an ISO 8601 instant, got "${value}"`);
  return new Date(t);
}

const zero = (): Acc => ({
  sessions: 0,
  energy: new Dec(0),
  revenue: new Dec(0),
  cost: new Dec(0),
  margin: new Dec(0),
});

function figures(acc: Acc, currency: string): MarginFigures {
  const digits = minorUnits(currency);
  return {
    sessions: acc.sessions,
    energyKwh: acc.energy.toFixed(),
    revenue: acc.revenue.toFixed(digits),
    cost: acc.cost.toFixed(digits),
    margin: acc.margin.toFixed(digits),
  };
}

export class MarginReports {
  private readonly deps: MarginReportsDeps;

  constructor(deps: MarginReportsDeps) {
    this.deps = deps;
  }

  async margins(query: MarginQuery): Promise<MarginReport> {
    const now = this.deps.now?.() ?? new Date();
    const admin = await this.deps.masterData.administration(query.administrationId, now);
    if (!admin) throw new AdministrationNotFoundError(`no administration ${query.administrationId}`);
    const zone = query.timeZone ?? timeZoneOfCountry(admin.country) ?? "UTC";
    if (!isTimeZone(zone)) throw new ReportQueryError(`timeZone: "${zone}" is not an IANA time zone`);
    const from = instantOf(query.from, zone, "from");
    const to = instantOf(query.to, zone, "to");
    if (to.getTime() <= from.getTime()) throw new ReportQueryError("to: must be after from");

    const byPartner = query.groupBy.includes("partner");
    const byPeriod = query.groupBy.includes("period");
    const groups = new Map<string, { partner?: string; period?: string; currency: string; acc: Acc }>();
    const total = zero();
    const currencies = new Set<string>();

    for await (const c of this.contributions(query.administrationId, from, to)) {
      const currency = c.totals.currency;
      currencies.add(currency);
      const partner = byPartner ? c.cpo : undefined;
      const period = byPeriod ? periodOf(new Date(c.start), zone, query.period) : undefined;
      const key = `${partner ?? ""}|${period ?? ""}|${currency}`;
      let g = groups.get(key);
      if (!g) {
        g = { ...(partner ? { partner } : {}), ...(period ? { period } : {}), currency, acc: zero() };
        groups.set(key, g);
      }
      for (const acc of [g.acc, total]) {
        acc.sessions++;
        acc.energy = acc.energy.plus(c.energyKwh);
        acc.revenue = acc.revenue.plus(c.totals.salesExclVat);
        acc.cost = acc.cost.plus(c.totals.purchaseExclVat);
        acc.margin = acc.margin.plus(c.totals.marginExclVat);
      }
    }

    const ordered = (groupBy: MarginGroup[]) => (a: MarginRow, b: MarginRow) => {
      for (const g of groupBy) {
        const d = (a[g] ?? "").localeCompare(b[g] ?? "");
        if (d !== 0) return d;
      }
      return a.currency.localeCompare(b.currency);
    };
    const rows: MarginRow[] = [...groups.values()]
      .map((g) => ({
        ...(g.partner ? { partner: g.partner } : {}),
        ...(g.period ? { period: g.period } : {}),
        currency: g.currency,
        ...figures(g.acc, g.currency),
      }))
      .sort(ordered(query.groupBy));
    const currency = currencies.size === 1 ? [...currencies][0]! : admin.currency;
    return {
      administrationId: query.administrationId,
      currency,
      timeZone: zone,
      from: from.toISOString(),
      to: to.toISOString(),
      groupBy: query.groupBy,
      period: query.period,
      rows,
      totals: figures(total, currency),
    };
  }

  /** The current revision of every priced session of the administration that started in [from, to). */
  private async *contributions(administrationId: string, from: Date, to: Date): AsyncGenerator<Contribution> {
    const { sessions, revisions } = this.deps.records;
    const heads = await sessions.find(
      { status: "priced", administrationId, start: { $gte: from, $lt: to } },
      { projection: { _id: 1, currentRevisionId: 1 } },
    );
    const ids = heads.map((h) => h.currentRevisionId).filter((id): id is string => typeof id === "string");
    for (let i = 0; i < ids.length; i += IDS_PER_READ) {
      const rows = await revisions.aggregate<Contribution>([
        { $match: { _id: { $in: ids.slice(i, i + IDS_PER_READ) }, outcome: "priced" } },
        {
          // `report` in revisions since the priced result is kept as text; `priced` in revisions recorded before.
          $project: {
            cpo: { $ifNull: ["$report.cpo", "$priced.cpo"] },
            start: { $ifNull: ["$report.start", "$priced.session.start"] },
            energyKwh: { $ifNull: ["$report.energyKwh", "$priced.session.energyKwh"] },
            totals: { $ifNull: ["$report.totals", "$priced.totals"] },
          },
        },
      ]);
      yield* rows;
    }
  }
}

const CSV_COLUMNS: { key: keyof MarginRow; title: string }[] = [
  { key: "partner", title: "partner" },
  { key: "period", title: "period" },
  { key: "currency", title: "currency" },
  { key: "sessions", title: "sessions" },
  { key: "energyKwh", title: "energy_kwh" },
  { key: "revenue", title: "revenue_excl_vat" },
  { key: "cost", title: "cost_excl_vat" },
  { key: "margin", title: "margin_excl_vat" },
];

/** One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break; quotes doubled. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** The report as CSV (RFC 4180: a header row, CRLF line ends); the grouping columns first. */
export function marginsCsv(report: MarginReport): string {
  const columns = CSV_COLUMNS.filter(
    (c) => (c.key !== "partner" && c.key !== "period") || report.groupBy.includes(c.key),
  );
  const lines = [columns.map((c) => csvField(c.title)).join(",")];
  for (const row of report.rows) lines.push(columns.map((c) => csvField(String(row[c.key] ?? ""))).join(","));
  return `${lines.join("\r\n")}\r\n`;
}
