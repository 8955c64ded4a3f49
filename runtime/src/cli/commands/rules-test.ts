// `./voltrate rules test DIR`: evaluates the golden sessions of a ruleset directory and prints a pass/fail list.
// Exit 0 when every golden session matches, 1 when one does not, 2 for bad input (an invalid ruleset or golden file).
import { relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import type { RuleTrace } from "@voltrate/sdk/rules";
import { type GoldenOutcome, loadGoldenCases, RulesetFileError, runGolden } from "../../rules/files/index.ts";
import type { CliCommand, CliIo } from "../command.ts";
import { UsageError } from "../command.ts";
import { fileIssuesError, loadAndCompile, sandboxFor } from "./rules-shared.ts";

const USAGE = `Usage: ./voltrate rules test DIR [--verbose]

Evaluates every golden session of the ruleset directory DIR (DIR/golden/*.json) with the ruleset in
DIR/ruleset.yaml and compares the result with the expected totals, lines, matched rules or drop-out.

Prints one line per golden session (PASS or FAIL), the differences and the rules tried for each failure,
and a summary. Exit code: 0 when every golden session matches, 1 when at least one does not, 2 when the
ruleset or a golden file is invalid (each problem is named with its file, path and line).

Options:
  --verbose    Also print the rules tried for the sessions that pass.`;

const ARG_OPTIONS = { verbose: { type: "boolean" } } as const;

function ruleLines(trace: readonly RuleTrace[]): string[] {
  return trace.map((t) => {
    const mark = t.status === "matched" ? "→" : t.status === "disabled" ? "-" : "×";
    return `${mark} ${t.ruleId}: ${t.status}${t.reason ? ` (${t.reason})` : ""}`;
  });
}

function describe(o: GoldenOutcome): string[] {
  const e = o.evaluation;
  const out: string[] = [];
  if (e.status === "priced" && e.totals) {
    const lines = e.lines.map((l) => `${l.code} ${l.amountExclVat}`).join(", ");
    out.push(`got: ${e.totals.exclVat} excl. VAT, ${e.totals.inclVat ?? "?"} incl. VAT [${lines}]`);
  } else if (e.dropOut) out.push(`got: drop-out ${e.dropOut.reason}: ${e.dropOut.message}`);
  out.push(...ruleLines(e.trace));
  return out;
}

async function run(args: string[], io: CliIo): Promise<number> {
  let parsed: ReturnType<typeof parseArgs<{ args: string[]; options: typeof ARG_OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args, options: ARG_OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${USAGE}`);
  }
  const [dirArg, ...extra] = parsed.positionals;
  if (dirArg === undefined) throw new UsageError(`DIR is required\n\n${USAGE}`);
  if (extra.length > 0) throw new UsageError(`one DIR only, got also ${extra.join(" ")}\n\n${USAGE}`);
  const dir = resolve(io.cwd, dirArg);

  const { loaded, compiled } = await loadAndCompile(dir, io.cwd);
  let cases: Awaited<ReturnType<typeof loadGoldenCases>>;
  try {
    cases = await loadGoldenCases(dir);
  } catch (error) {
    if (error instanceof RulesetFileError) throw fileIssuesError(error.issues, io.cwd);
    throw error;
  }
  if (cases.length === 0) throw new UsageError(`${dirArg}: no golden sessions (expected ${dirArg}/golden/*.json)`);

  const rs = loaded.ruleset;
  io.stdout(
    `ruleset ${rs.id} "${rs.name}" (${rs.side}, ${rs.currency}, hit policy ${rs.hitPolicy}, ${rs.rules.length} rules) sha256 ${compiled.hash.slice(0, 12)}\n`,
  );
  const sandbox = sandboxFor(loaded);
  let failed = 0;
  try {
    for (const golden of cases) {
      const outcome = await runGolden(compiled, golden, {
        ...(sandbox !== undefined && { sandbox }),
        version: { source: `file:${relative(io.cwd, dir) || dir}` },
      });
      const file = relative(dir, golden.file);
      if (outcome.passed) {
        io.stdout(`  PASS  ${file}  ${golden.name}\n`);
        if (parsed.values.verbose) for (const l of describe(outcome)) io.stdout(`          ${l}\n`);
      } else {
        failed++;
        io.stdout(`  FAIL  ${file}  ${golden.name}\n`);
        for (const d of outcome.differences) io.stdout(`          ${d}\n`);
        for (const l of describe(outcome)) io.stdout(`          ${l}\n`);
      }
    }
  } finally {
    await sandbox?.dispose();
  }
  const passed = cases.length - failed;
  io.stdout(`${cases.length} golden sessions: ${passed} passed, ${failed} failed\n`);
  return failed === 0 ? 0 : 1;
}

export const rulesTestCommand: CliCommand = {
  name: ["rules", "test"],
  summary: "Run the golden sessions of a ruleset directory",
  usage: USAGE,
  run,
};
