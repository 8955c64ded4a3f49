// `./voltrate price-cdr`: prices an OCPI CDR with its own tariffs (or tariffs from files) and reconciles the result
// against the CDR's own totals.
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import type { Tariff } from "@voltrate/sdk";
import {
  getProfile,
  PricingError,
  type PricingResult,
  priceSession,
  profileNames,
  type Reconciliation,
  reconcile,
} from "../../pricing/index.ts";
import {
  cdrForPricing,
  detectCdrVersion,
  documentItems,
  formatIssue,
  isIanaTimeZone,
  isOcpiVersion,
  normalizedTariffsOf,
  OCPI_VERSIONS,
  type OcpiVersion,
  type ParseIssue,
  parseJsonPreservingNumbers,
} from "../../protocols/ocpi/index.ts";
import type { CliCommand, CliIo } from "../command.ts";
import { UsageError } from "../command.ts";

const USAGE = `Usage: ./voltrate price-cdr --cdr FILE [--tariff FILE]... [--tz ZONE] [--profile NAME] [--ocpi-version 2.2.1|2.1.1]

Prices an OCPI CDR and prints the pricing as JSON on stdout: totals, per-period breakdown, trace, and a
reconciliation against the CDR's own totals.

Options:
  --cdr FILE             The CDR (an OCPI CDR object, or an OCPI response envelope holding one).
  --tariff FILE          Tariffs to price with instead of the CDR's own "tariffs"; repeatable. A file may hold one
                         tariff, an array of tariffs, or an OCPI response envelope ({"data": [...], ...}).
  --tz ZONE              IANA time zone for local-time tariff restrictions, e.g. Europe/Amsterdam. Default: the
                         location's time zone, else the zone of its country when that country has only one.
  --profile NAME         Interpretation profile (default ocpi-2.2.1): ${profileNames().join(", ")}.
  --ocpi-version V       The OCPI version of the files (${OCPI_VERSIONS.join(" or ")}). Default: detected from the CDR.

A CDR that lacks fields that do not affect the price (id, token, address, ...) is still priced; each missing or
invalid field is reported as a warning on stderr. Bad input exits with code 2.`;

/** Errors listed under the first one before the rest are only counted. */
const MAX_LISTED_ERRORS = 5;

interface Options {
  cdr: string;
  tariffs: string[];
  timeZone?: string;
  profile?: string;
  version?: OcpiVersion;
}

const ARG_OPTIONS = {
  cdr: { type: "string" },
  tariff: { type: "string", multiple: true },
  tz: { type: "string" },
  profile: { type: "string" },
  "ocpi-version": { type: "string" },
} as const;

function parseOptions(args: string[]): Options {
  let values: ReturnType<typeof parseArgs<{ args: string[]; options: typeof ARG_OPTIONS; strict: true }>>["values"];
  try {
    values = parseArgs({ args, options: ARG_OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${USAGE}`);
  }
  if (values.cdr === undefined || values.cdr === "") throw new UsageError(`--cdr FILE is required\n\n${USAGE}`);
  const version = values["ocpi-version"];
  if (version !== undefined && !isOcpiVersion(version)) {
    throw new UsageError(`--ocpi-version: expected ${OCPI_VERSIONS.join(" or ")}, got "${version}"`);
  }
  if (values.tz !== undefined && !isIanaTimeZone(values.tz)) {
    throw new UsageError(`--tz: unknown IANA time zone "${values.tz}" (expected e.g. Europe/Amsterdam)`);
  }
  if (values.profile !== undefined) {
    try {
      getProfile(values.profile);
    } catch {
      throw new UsageError(`--profile: unknown profile "${values.profile}" (known: ${profileNames().join(", ")})`);
    }
  }
  return {
    cdr: values.cdr,
    tariffs: values.tariff ?? [],
    ...(values.tz !== undefined && { timeZone: values.tz }),
    ...(values.profile !== undefined && { profile: values.profile }),
    ...(version !== undefined && { version }),
  };
}

/** Reads and parses a JSON file, keeping the source text of numbers. Throws a UsageError naming the file. */
async function readJson(file: string, io: CliIo): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(resolve(io.cwd, file), "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : (error as Error).message;
    throw new UsageError(`${file}: cannot read the file: ${reason}`);
  }
  try {
    return parseJsonPreservingNumbers(text);
  } catch (error) {
    throw new UsageError(`${file}: invalid JSON: ${(error as Error).message}`);
  }
}

/** One message for all the errors of a file: the first on the first line, the others listed below it. */
function invalid(file: string, what: string, errors: readonly ParseIssue[]): UsageError {
  const [first, ...rest] = errors;
  const lines = [`${file}: invalid ${what}: ${first ? formatIssue(first) : "unknown error"}`];
  for (const issue of rest.slice(0, MAX_LISTED_ERRORS)) lines.push(`  also ${formatIssue(issue)}`);
  if (rest.length > MAX_LISTED_ERRORS) lines.push(`  and ${rest.length - MAX_LISTED_ERRORS} more`);
  return new UsageError(lines.join("\n"));
}

function warn(io: CliIo, source: string, issues: readonly ParseIssue[]): void {
  for (const issue of issues) io.stderr(`voltrate price-cdr: warning: ${source}: ${formatIssue(issue)}\n`);
}

/** The CDR's version, when the document holds one CDR whose version its fields tell. */
function cdrVersionOf(json: unknown): OcpiVersion | undefined {
  const items = documentItems(json);
  return items.ok && items.value.length === 1 ? detectCdrVersion(items.value[0]!.json) : undefined;
}

async function run(args: string[], io: CliIo): Promise<number> {
  const options = parseOptions(args);
  const cdrJson = await readJson(options.cdr, io);
  const cdrVersion = options.version ?? cdrVersionOf(cdrJson);

  let tariffs: Tariff[] | undefined;
  if (options.tariffs.length > 0) {
    tariffs = [];
    for (const file of options.tariffs) {
      const parsed = normalizedTariffsOf(await readJson(file, io), {
        ...(options.version !== undefined && { version: options.version }),
        fallbackVersion: cdrVersion ?? "2.2.1",
        mode: "pricing-minimal",
      });
      warn(io, file, parsed.warnings);
      if (!parsed.ok) throw invalid(file, "tariff", parsed.errors);
      tariffs.push(...parsed.value);
    }
  }

  const input = cdrForPricing(cdrJson, {
    ...(cdrVersion !== undefined && { version: cdrVersion }),
    ...(tariffs !== undefined && { tariffs }),
    ...(options.timeZone !== undefined && { timeZone: options.timeZone }),
  });
  warn(io, options.cdr, input.warnings);
  if (!input.ok) throw invalid(options.cdr, cdrVersion ? `OCPI ${cdrVersion} CDR` : "CDR", input.errors);
  const { session, version, tariffSource } = input.value;

  const priceOptions = {
    ...(options.timeZone !== undefined && { timeZone: options.timeZone }),
    ...(options.profile !== undefined && { profile: options.profile }),
  };
  let result: PricingResult;
  let reconciliation: Reconciliation | undefined;
  try {
    if (session.reportedTotals?.cost) {
      reconciliation = reconcile(session, input.value.tariffs, priceOptions);
      result = reconciliation.result;
    } else {
      result = priceSession(session, input.value.tariffs, priceOptions);
    }
  } catch (error) {
    if (error instanceof PricingError) throw new UsageError(`${options.cdr}: cannot price the CDR: ${error.message}`);
    throw error;
  }
  for (const message of result.warnings) io.stderr(`voltrate price-cdr: warning: pricing: ${message}\n`);

  const output = {
    cdr: { file: options.cdr, ocpiVersion: version, ...(session.id !== undefined && { id: session.id }) },
    tariffs: {
      source: tariffSource === "supplied" ? "files" : "cdr",
      ...(tariffSource === "supplied" && { files: options.tariffs }),
      ids: input.value.tariffs.map((t) => t.id),
    },
    currency: result.currency,
    profile: result.profile,
    ...(result.timeZone !== undefined && { timeZone: result.timeZone, timeZoneSource: result.timeZoneSource }),
    tariffIds: result.tariffIds,
    totals: result.totals,
    breakdown: { periods: result.periods, adjustments: result.adjustments },
    trace: result.trace,
    warnings: [...input.warnings.map((w) => `${options.cdr}: ${formatIssue(w)}`), ...result.warnings],
    reconciliation: reconciliation
      ? {
          kind: reconciliation.kind,
          summary: reconciliation.summary,
          tolerance: reconciliation.tolerance,
          difference: reconciliation.difference,
          totals: reconciliation.totals,
          ...(reconciliation.explanation !== undefined && { explanation: reconciliation.explanation }),
        }
      : { kind: "not-possible", summary: "the CDR reports no total_cost" },
  };
  io.stdout(`${JSON.stringify(output, null, 2)}\n`);
  return 0;
}

export const priceCdrCommand: CliCommand = {
  name: ["price-cdr"],
  summary: "Price an OCPI CDR and reconcile it against its own totals",
  usage: USAGE,
  run,
};
