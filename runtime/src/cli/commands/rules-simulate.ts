// `./voltrate rules simulate`: evaluates a ruleset directory on one session (an OCPI CDR, a session in the JSON form
// of the model, or an input document with session/cdr, facts and purchase cost) and prints the result as JSON.
import { readFile } from "node:fs/promises";
import { relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { Dec, minorUnits } from "@voltrate/sdk";
import {
  amountJsonSchema,
  DECIMAL_PATTERN,
  formatModelIssue,
  type ModelIssue,
  type SessionFacts,
} from "@voltrate/sdk/rules";
import { parseJsonPreservingNumbers } from "../../protocols/ocpi/index.ts";
import {
  type InputResult,
  inputFromCdr,
  inputFromSessionJson,
  type LoadedInput,
  looksLikeCdr,
  parseFactsJson,
} from "../../rules/files/index.ts";
import type { CliCommand, CliIo } from "../command.ts";
import { UsageError } from "../command.ts";
import { loadAndCompile, sandboxFor } from "./rules-shared.ts";

const USAGE = `Usage: ./voltrate rules simulate --ruleset DIR --session FILE [--side sales|purchase] [--at ISO]
                                [--facts FILE] [--purchase-cost AMOUNT] [--no-trace]

Evaluates the ruleset in DIR (DIR/ruleset.yaml) on one session and prints JSON on stdout: the lines, the
totals excl. and incl. VAT (or the drop-out), the matched rules, the ruleset and its version (content hash),
the session properties the conditions read, and the trace (every rule tried, why it matched or not, and what
its outcome computed).

FILE may be:
  - an OCPI CDR (2.2.1 or 2.1.1; a CDR object, an array holding one or an OCPI response envelope). Its party,
    token, location and power type become the session facts; its total_cost is the purchase cost.
  - a session in the JSON form of the model: { "start", "end", "timeZone", "chargingPeriods": [...] }.
  - an input document: { "session" | "cdr", "facts"?, "purchaseCost"? } (a golden file is one).

Options:
  --side S              sales or purchase: the side you mean to simulate; refused when the ruleset prices the
                        other side. For a purchase ruleset and a CDR, the output compares the result with the
                        CDR's own total_cost.
  --at ISO              The instant the ruleset version is chosen for (reported with the result; a ruleset
                        directory holds one version).
  --facts FILE          Session facts (JSON), merged over those of the session file.
  --purchase-cost AMT   The purchase cost excl. VAT (e.g. 12.40), instead of the CDR's total_cost.
  --no-trace            Leave out the trace.

Bad input exits with code 2; a drop-out is a result (exit 0).`;

const ARG_OPTIONS = {
  ruleset: { type: "string" },
  session: { type: "string" },
  side: { type: "string" },
  at: { type: "string" },
  facts: { type: "string" },
  "purchase-cost": { type: "string" },
  "no-trace": { type: "boolean" },
} as const;

async function readText(file: string, io: CliIo): Promise<string> {
  try {
    return await readFile(resolve(io.cwd, file), "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : (error as Error).message;
    throw new UsageError(`${file}: cannot read the file: ${reason}`);
  }
}

function invalid(file: string, issues: readonly ModelIssue[]): UsageError {
  const [first, ...rest] = issues.map(formatModelIssue);
  return new UsageError([`${file}: ${first ?? "invalid"}`, ...rest.slice(0, 10).map((l) => `  also ${l}`)].join("\n"));
}

/** Validated facts, or a usage error naming the file and the facts path. */
function checkedFacts(file: string, facts: unknown): SessionFacts {
  const parsed = parseFactsJson(facts);
  if (!parsed.ok)
    throw invalid(
      file,
      parsed.issues.map((i) => ({ ...i, path: i.path === "" ? "facts" : `facts.${i.path}` })),
    );
  return parsed.value;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Reads the session file in any of its three forms. */
async function readInput(
  file: string,
  io: CliIo,
  facts: unknown,
  purchaseCost: { exclVat: string } | undefined,
): Promise<LoadedInput> {
  const text = await readText(file, io);
  let plain: unknown;
  try {
    plain = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${file}: invalid JSON: ${(error as Error).message}`);
  }
  const extra = (docFacts: unknown, docCost: unknown) => {
    let cost = purchaseCost;
    if (cost === undefined && docCost !== undefined) {
      const parsed = amountJsonSchema.safeParse(docCost);
      if (!parsed.success) throw new UsageError(`${file}: purchaseCost: expected { "exclVat": "12.40" }`);
      cost = parsed.data;
    }
    const mergedFacts =
      facts === undefined ? docFacts : isRecord(docFacts) && isRecord(facts) ? { ...docFacts, ...facts } : facts;
    return { facts: mergedFacts, cost };
  };
  let result: InputResult;
  if (isRecord(plain) && ("session" in plain || "cdr" in plain)) {
    const { facts: f, cost } = extra(plain.facts, plain.purchaseCost);
    if ("cdr" in plain) {
      const cdr = (parseJsonPreservingNumbers(text) as { cdr: unknown }).cdr;
      result = inputFromCdr(cdr, {
        ...(f !== undefined && { facts: checkedFacts(file, f) }),
        ...(cost !== undefined && { purchaseCost: cost }),
      });
    } else {
      result = inputFromSessionJson(plain.session, {
        ...(f !== undefined && { facts: f }),
        ...(cost !== undefined && { purchaseCost: cost }),
      });
    }
  } else if (looksLikeCdr(plain)) {
    const { facts: f, cost } = extra(undefined, undefined);
    result = inputFromCdr(parseJsonPreservingNumbers(text), {
      ...(f !== undefined && { facts: checkedFacts(file, f) }),
      ...(cost !== undefined && { purchaseCost: cost }),
    });
  } else {
    const { facts: f, cost } = extra(undefined, undefined);
    result = inputFromSessionJson(plain, {
      ...(f !== undefined && { facts: f }),
      ...(cost !== undefined && { purchaseCost: cost }),
    });
  }
  if (!result.ok) throw invalid(file, result.issues);
  return result.value;
}

async function run(args: string[], io: CliIo): Promise<number> {
  let values: ReturnType<typeof parseArgs<{ args: string[]; options: typeof ARG_OPTIONS; strict: true }>>["values"];
  try {
    values = parseArgs({ args, options: ARG_OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${USAGE}`);
  }
  if (!values.ruleset) throw new UsageError(`--ruleset DIR is required\n\n${USAGE}`);
  if (!values.session) throw new UsageError(`--session FILE is required\n\n${USAGE}`);
  if (values.side !== undefined && values.side !== "sales" && values.side !== "purchase") {
    throw new UsageError(`--side: expected sales or purchase, got "${values.side}"`);
  }
  let at: string | undefined;
  if (values.at !== undefined) {
    const t = Date.parse(values.at);
    if (!/^\d{4}-\d{2}-\d{2}T/.test(values.at) || Number.isNaN(t)) {
      throw new UsageError(`--at: expected an ISO 8601 instant (2025-04-01T00:00:00Z), got "${values.at}"`);
    }
    at = new Date(t).toISOString();
  }
  const cost = values["purchase-cost"];
  if (cost !== undefined && !DECIMAL_PATTERN.test(cost)) {
    throw new UsageError(`--purchase-cost: expected a decimal amount excl. VAT (12.40), got "${cost}"`);
  }
  let facts: unknown;
  if (values.facts !== undefined) {
    try {
      facts = JSON.parse(await readText(values.facts, io));
    } catch (error) {
      if (error instanceof UsageError) throw error;
      throw new UsageError(`${values.facts}: invalid JSON: ${(error as Error).message}`);
    }
  }

  const dir = resolve(io.cwd, values.ruleset);
  const { loaded, compiled } = await loadAndCompile(dir, io.cwd);
  if (values.side !== undefined && values.side !== loaded.ruleset.side) {
    throw new UsageError(
      `--side ${values.side}: ruleset ${loaded.ruleset.id} prices the ${loaded.ruleset.side} side (${values.ruleset})`,
    );
  }
  const input = await readInput(values.session, io, facts, cost === undefined ? undefined : { exclVat: cost });
  for (const w of input.warnings) io.stderr(`voltrate rules simulate: warning: ${values.session}: ${w}\n`);

  const sandbox = sandboxFor(loaded);
  let evaluation: Awaited<ReturnType<typeof compiled.evaluate>>;
  try {
    evaluation = await compiled.evaluate(input.input, {
      trace: !values["no-trace"],
      version: { source: `file:${relative(io.cwd, dir) || dir}` },
      ...(sandbox !== undefined && { sandbox }),
      ...(at !== undefined && { at }),
    });
  } finally {
    await sandbox?.dispose();
  }

  const reported = input.input.session.reportedTotals?.cost;
  const comparison =
    loaded.ruleset.side === "purchase" && input.source !== "session" && reported && evaluation.totals
      ? {
          cdrTotalCost: {
            exclVat: reported.exclVat.toString(),
            ...(reported.inclVat !== undefined && { inclVat: reported.inclVat.toString() }),
          },
          computed: { exclVat: evaluation.totals.exclVat, inclVat: evaluation.totals.inclVat },
          differenceExclVat: new Dec(evaluation.totals.exclVat)
            .minus(reported.exclVat)
            .toFixed(minorUnits(evaluation.ruleset.currency)),
        }
      : undefined;

  const output = {
    ruleset: { ...evaluation.ruleset, dir: values.ruleset },
    session: {
      file: values.session,
      source: input.source,
      ...(input.input.session.id !== undefined && { id: input.input.session.id }),
    },
    ...(evaluation.at !== undefined && { at: evaluation.at }),
    status: evaluation.status,
    ...(evaluation.dropOut !== undefined && { dropOut: evaluation.dropOut }),
    matchedRuleIds: evaluation.matchedRuleIds,
    lines: evaluation.lines,
    ...(evaluation.totals !== undefined && { totals: evaluation.totals }),
    ...(comparison !== undefined && { comparison }),
    facts: input.input.facts ?? {},
    ...(input.input.purchaseCost !== undefined && { purchaseCost: input.input.purchaseCost }),
    properties: evaluation.properties,
    trace: evaluation.trace,
    warnings: input.warnings,
  };
  io.stdout(`${JSON.stringify(output, null, 2)}\n`);
  return 0;
}

export const rulesSimulateCommand: CliCommand = {
  name: ["rules", "simulate"],
  summary: "Evaluate a ruleset directory on one session (OCPI CDR or session JSON) and print the result",
  usage: USAGE,
  run,
};
