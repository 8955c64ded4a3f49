// What the Reports charts plot, from a margin report: revenue, cost and margin per period (summed over partners) and
// per partner (summed over periods). The sums are exact (decimal strings added as scaled integers), so the accessible
// summary can quote them; only the chart's bars and points turn them into numbers.
import type { MarginReport } from "./types.ts";

export type Figures = { revenue: string; cost: string; margin: string };
export type ChartSeries = { key: string; labels: string[]; figures: Figures[] };

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/** a + b for decimal strings ("12.30", "-0.5"), exactly, with the larger number of decimals of the two. */
export function addDecimal(a: string, b: string): string {
  const pa = DECIMAL.exec(a);
  const pb = DECIMAL.exec(b);
  if (!pa || !pb) throw new Error(`not a decimal: ${pa ? b : a}`);
  const digits = Math.max(pa[3]?.length ?? 0, pb[3]?.length ?? 0);
  const scaled = (p: RegExpExecArray) => BigInt(`${p[1]}${p[2]}${(p[3] ?? "").padEnd(digits, "0")}`);
  const sum = scaled(pa) + scaled(pb);
  const negative = sum < 0n;
  const text = (negative ? -sum : sum).toString().padStart(digits + 1, "0");
  const whole = text.slice(0, text.length - digits);
  const fraction = text.slice(text.length - digits);
  return `${negative ? "-" : ""}${whole}${digits > 0 ? `.${fraction}` : ""}`;
}

/** The rows of a report summed by one of its groupings, in the report's order (periods ascending). */
function sumBy(report: MarginReport, key: "partner" | "period"): ChartSeries {
  const sums = new Map<string, Figures>();
  for (const row of report.rows) {
    const label = row[key] ?? "";
    const current = sums.get(label);
    sums.set(
      label,
      current
        ? {
            revenue: addDecimal(current.revenue, row.revenue),
            cost: addDecimal(current.cost, row.cost),
            margin: addDecimal(current.margin, row.margin),
          }
        : { revenue: row.revenue, cost: row.cost, margin: row.margin },
    );
  }
  const labels = [...sums.keys()];
  if (key === "period") labels.sort();
  return { key, labels, figures: labels.map((l) => sums.get(l) as Figures) };
}

/** The charts a report can show: over time when it is grouped by period, per partner when grouped by partner. */
export function chartsOf(report: MarginReport): { periods?: ChartSeries; partners?: ChartSeries } {
  return {
    ...(report.groupBy.includes("period") && report.rows.length > 0 ? { periods: sumBy(report, "period") } : {}),
    ...(report.groupBy.includes("partner") && report.rows.length > 0 ? { partners: sumBy(report, "partner") } : {}),
  };
}

/**
 * A sentence for screen readers: what is plotted (`what`: "month", "day", "partner"), how many, and where the margin
 * is highest and lowest.
 */
export function summaryOf(series: ChartSeries, what: string, currency: string): string {
  const n = series.labels.length;
  if (n === 0) return `No ${what}s to show.`;
  let best = 0;
  let worst = 0;
  const compare = (a: string, b: string) => Number(a) - Number(b);
  series.figures.forEach((f, i) => {
    if (compare(f.margin, series.figures[best]?.margin ?? "0") > 0) best = i;
    if (compare(f.margin, series.figures[worst]?.margin ?? "0") < 0) worst = i;
  });
  const head = `Revenue, cost and margin in ${currency} for ${n} ${what}${n === 1 ? "" : "s"}`;
  if (n === 1) {
    const f = series.figures[0] as Figures;
    return `${head}: ${series.labels[0]} revenue ${f.revenue}, cost ${f.cost}, margin ${f.margin}.`;
  }
  const at = (i: number) => `${series.labels[i]} (${series.figures[i]?.margin})`;
  const span = series.key === "period" ? `, ${series.labels[0]} to ${series.labels[n - 1]}` : "";
  return `${head}${span}; highest margin ${at(best)}, lowest ${at(worst)}. The table below has the exact figures.`;
}
