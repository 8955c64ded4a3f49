// The benchmark harness behind `pnpm bench`: every suite in ./suites reports rows, printed as one table.
// Benchmarks measure; they never fail on a number (targets are printed next to the result).

export interface BenchRow {
  /** What was measured, e.g. "embedded store: durable insertOne". */
  name: string;
  /** The measured value. */
  value: number;
  /** Its unit, e.g. "ops/s", "ms (p99)". */
  unit: string;
  /** The target this row is judged against, in words, e.g. ">= 50,000/s". */
  target?: string;
  /** Extra context: sample size, settings. */
  note?: string;
}

export interface BenchSuite {
  name: string;
  run(): Promise<BenchRow[]>;
}

/** Runs `fn` repeatedly for about `seconds` (after a short warm-up) and returns operations per second. */
export async function opsPerSecond(fn: () => unknown | Promise<unknown>, seconds = 2, batch = 1): Promise<number> {
  const warmUntil = performance.now() + 200;
  while (performance.now() < warmUntil) await fn();
  const start = performance.now();
  const end = start + seconds * 1000;
  let count = 0;
  while (performance.now() < end) {
    await fn();
    count += batch;
  }
  return count / ((performance.now() - start) / 1000);
}

/** The value at quantile q (0..1) of `samples` (nearest-rank). */
export function quantile(samples: number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] as number;
}

export function formatTable(rows: BenchRow[]): string {
  const header = ["benchmark", "result", "unit", "target", "note"];
  const body = rows.map((r) => [
    r.name,
    r.value >= 100 ? Math.round(r.value).toLocaleString("en-US") : r.value.toFixed(2),
    r.unit,
    r.target ?? "",
    r.note ?? "",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] as string).length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] as number)).join(" | ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("-|-"), ...body.map(line)].join("\n");
}
