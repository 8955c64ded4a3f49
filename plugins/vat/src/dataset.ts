// The VAT rate dataset: a JSON file of periods per country, validated at load (shape with zod, then the timeline:
// periods in ascending order, contiguous, non-overlapping, only the last one open-ended).
import { readFileSync } from "node:fs";
import { dec } from "@voltrate/sdk";
import { z } from "zod";
import { addDays, isIsoDate, isTimeZone } from "./dates.ts";
import { VatDatasetError } from "./errors.ts";

const isoDate = z.string().refine(isIsoDate, { message: "expected a calendar date YYYY-MM-DD" });

const periodSchema = z.strictObject({
  validFrom: isoDate,
  /** The last day of the period (inclusive); absent on the open-ended last period. */
  validTo: isoDate.optional(),
  ratePercent: z
    .string()
    .regex(/^\d{1,2}(\.\d{1,4})?$/, { message: 'expected a percentage as a decimal string, e.g. "21" or "25.5"' }),
  kind: z.enum(["standard", "reduced", "zero"]),
  /** The legal act or authority the figure comes from. */
  source: z.string().min(1),
  note: z.string().optional(),
});

const countrySchema = z.strictObject({
  name: z.string().min(1),
  /** The IANA time zone whose calendar dates decide which period a moment falls in. */
  timeZone: z.string().refine(isTimeZone, { message: "expected an IANA time zone, e.g. Europe/Berlin" }),
  euMember: z.boolean(),
  periods: z.array(periodSchema).min(1),
});

export const vatDatasetSchema = z.strictObject({
  $schema: z.string().optional(),
  name: z.string().min(1),
  version: z.string().min(1),
  description: z.string().optional(),
  coverageFrom: isoDate,
  coverageNote: z.string().optional(),
  evCharging: z.string().optional(),
  crossChecked: z.array(z.string()).optional(),
  countries: z.record(
    z.string().regex(/^[A-Z]{2}$/, { message: "expected an ISO 3166-1 alpha-2 code" }),
    countrySchema,
  ),
});

export type VatDataset = z.output<typeof vatDatasetSchema>;
export type VatCountry = VatDataset["countries"][string];
export type VatPeriod = VatCountry["periods"][number];

/** Checks one country's timeline; returns its problems (empty when fine). */
function timelineProblems(code: string, country: VatCountry, coverageFrom: string): string[] {
  const problems: string[] = [];
  const at = (i: number) => `countries.${code}.periods[${i}]`;
  country.periods.forEach((p, i) => {
    if (p.validTo !== undefined && p.validTo < p.validFrom) {
      problems.push(`${at(i)}: validTo ${p.validTo} is before validFrom ${p.validFrom}`);
    }
    const rate = dec(p.ratePercent);
    if (p.kind === "zero" ? !rate.isZero() : rate.isZero()) {
      problems.push(`${at(i)}: kind "${p.kind}" does not match ratePercent "${p.ratePercent}"`);
    }
    if (i === 0 && p.validFrom < coverageFrom) {
      problems.push(`${at(i)}: validFrom ${p.validFrom} is before the dataset's coverageFrom ${coverageFrom}`);
    }
    const prev = country.periods[i - 1];
    if (!prev) return;
    if (p.validFrom <= prev.validFrom) {
      problems.push(
        `${at(i)}: validFrom ${p.validFrom} is not after ${at(i - 1)}.validFrom ${prev.validFrom} (periods must be in ascending order)`,
      );
      return;
    }
    if (prev.validTo === undefined) {
      problems.push(`${at(i - 1)}: only the last period may be open-ended, but ${at(i)} follows it`);
      return;
    }
    const expected = addDays(prev.validTo, 1);
    if (p.validFrom < expected) {
      problems.push(
        `${at(i)}: overlaps ${at(i - 1)} (starts ${p.validFrom}, the previous period runs until ${prev.validTo})`,
      );
    } else if (p.validFrom > expected) {
      problems.push(
        `${at(i)}: gap before it (the previous period ends ${prev.validTo}, this one starts ${p.validFrom})`,
      );
    }
  });
  return problems;
}

/** Validates a parsed dataset (shape and timelines). Throws a VatDatasetError listing every problem. */
export function parseVatDataset(input: unknown, origin = "(inline)"): VatDataset {
  const parsed = vatDatasetSchema.safeParse(input);
  if (!parsed.success) {
    throw new VatDatasetError(
      origin,
      parsed.error.issues.map((issue) => {
        // A bad record key carries its reason in the nested issues ("Invalid key in record" alone says little).
        const message =
          issue.code === "invalid_key" ? issue.issues.map((inner) => inner.message).join("; ") : issue.message;
        return `${issue.path.map(String).join(".") || "(root)"}: ${message}`;
      }),
    );
  }
  const dataset = parsed.data;
  const problems = Object.entries(dataset.countries).flatMap(([code, country]) =>
    timelineProblems(code, country, dataset.coverageFrom),
  );
  if (problems.length > 0) throw new VatDatasetError(origin, problems);
  return dataset;
}

/** Reads and validates a dataset file (JSON). */
export function loadVatDatasetFile(path: string | URL): VatDataset {
  const origin = String(path);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new VatDatasetError(origin, [`cannot read the file: ${(error as Error).message}`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new VatDatasetError(origin, [`not valid JSON: ${(error as Error).message}`]);
  }
  return parseVatDataset(json, origin);
}

/** Where the bundled dataset lives (plugins/vat/data/vat-rates.json). */
export const BUNDLED_DATASET_URL = new URL("../data/vat-rates.json", import.meta.url);

let bundled: VatDataset | undefined;

/** The dataset shipped with the package (validated once, then cached). */
export function loadBundledVatDataset(): VatDataset {
  bundled ??= loadVatDatasetFile(BUNDLED_DATASET_URL);
  return bundled;
}
