// `pnpm bench`: runs every suite in ./suites (or those whose file name contains an argument) and prints
// one table. Suites run one after another so that they do not compete for the two cores.
import { readdir } from "node:fs/promises";
import path from "node:path";
import { type BenchRow, type BenchSuite, formatTable } from "./harness.ts";

const suitesDir = path.join(import.meta.dirname, "suites");
const filters = process.argv.slice(2);
const files = (await readdir(suitesDir))
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

const rows: BenchRow[] = [];
for (const file of files) {
  const mod = (await import(path.join(suitesDir, file))) as { default: BenchSuite };
  process.stderr.write(`running ${mod.default.name}…\n`);
  rows.push(...(await mod.default.run()));
}
process.stdout.write(`${formatTable(rows)}\n`);
