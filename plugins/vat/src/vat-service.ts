// The VAT service: the rate for charging in a country on a date, and the VAT treatment of one charging supply.
import type { CountryCode, VatParty, VatRate, VatService, VatTreatment, VatTreatmentRequest } from "@voltrate/sdk";
import { EU_MEMBER_STATES, normalizeCountry, vatIdCountry } from "./countries.ts";
import type { VatCountry, VatDataset } from "./dataset.ts";
import { calendarDateIn, isIsoDate } from "./dates.ts";
import { VatError } from "./errors.ts";

export interface VatServiceOptions {
  dataset: VatDataset;
  /**
   * Countries where a B2B supply of charging by a supplier not established there, to a customer identified for VAT
   * there, is reverse-charged (the customer accounts for the VAT). Default: the 27 EU member states (Art. 195 of
   * Directive 2006/112/EC). Aliases ("EL", "UK") are accepted; every entry must be a country of the dataset.
   */
  reverseChargeCountries?: readonly string[];
  /** The clock for "today" when a caller omits the date in the HTTP route; default `() => new Date()`. */
  now?: () => Date;
}

/** The VAT service with the few extras the plugin's routes and health need. */
export interface VatRates extends VatService {
  /** The dataset's name and version, e.g. "voltrate-vat-rates 2026-11-21". */
  readonly datasetLabel: string;
  /** The countries covered, sorted. */
  countries(): string[];
  /** The countries the reverse charge is configured for, sorted. */
  reverseChargeCountries(): string[];
  /** Today's calendar date in the country's time zone. */
  today(country: CountryCode): string;
}

function partyCountry(party: VatParty, role: string): string {
  const code = typeof party?.country === "string" ? normalizeCountry(party.country) : undefined;
  if (!code) throw new VatError("INVALID_REQUEST", `${role}.country must be an ISO 3166-1 alpha-2 code`);
  return code;
}

export function createVatService(options: VatServiceOptions): VatRates {
  const { dataset } = options;
  const now = options.now ?? (() => new Date());
  const datasetLabel = `${dataset.name} ${dataset.version}`;
  const known = Object.keys(dataset.countries).sort();

  const reverseCharge = new Set<string>();
  for (const entry of options.reverseChargeCountries ?? EU_MEMBER_STATES) {
    const code = normalizeCountry(entry);
    if (!code || !dataset.countries[code]) {
      throw new VatError(
        "UNKNOWN_COUNTRY",
        `reverseChargeCountries: "${entry}" is not a country of ${datasetLabel} (${known.join(", ")})`,
      );
    }
    reverseCharge.add(code);
  }

  function countryOf(input: string): { code: string; country: VatCountry } {
    const code = typeof input === "string" ? normalizeCountry(input) : undefined;
    const country = code ? dataset.countries[code] : undefined;
    if (!code || !country) {
      throw new VatError(
        "UNKNOWN_COUNTRY",
        `no VAT rates for country ${JSON.stringify(input)}; ${datasetLabel} covers ${known.join(", ")}`,
      );
    }
    return { code, country };
  }

  /** The calendar date a lookup uses: a YYYY-MM-DD string as given, a Date as its date in the country's zone. */
  function dayOf(date: Date | string, country: VatCountry): string {
    if (date instanceof Date) {
      if (Number.isNaN(date.getTime())) throw new VatError("INVALID_DATE", "the date is an invalid Date");
      return calendarDateIn(date, country.timeZone);
    }
    if (typeof date === "string" && isIsoDate(date)) return date;
    throw new VatError("INVALID_DATE", `expected a Date or a calendar date YYYY-MM-DD, got ${JSON.stringify(date)}`);
  }

  function rateFor(countryInput: CountryCode, date: Date | string): VatRate {
    const { code, country } = countryOf(countryInput);
    const day = dayOf(date, country);
    const period = country.periods.find((p) => p.validFrom <= day && (p.validTo === undefined || day <= p.validTo));
    if (!period) {
      const first = country.periods[0]?.validFrom;
      const last = country.periods.at(-1)?.validTo;
      const range = last ? `${first} to ${last}` : `${first} onwards`;
      throw new VatError("NO_RATE", `no VAT rate for ${code} on ${day}; ${datasetLabel} covers ${code} from ${range}`);
    }
    return {
      country: code,
      ratePercent: period.ratePercent,
      kind: period.kind,
      validFrom: period.validFrom,
      ...(period.validTo !== undefined ? { validTo: period.validTo } : {}),
      source: `${datasetLabel}: ${period.source}`,
    };
  }

  function treatmentFor(request: VatTreatmentRequest): VatTreatment {
    if (typeof request !== "object" || request === null) {
      throw new VatError("INVALID_REQUEST", "expected a VAT treatment request object");
    }
    const rate = rateFor(request.chargePointCountry, request.date);
    const place = rate.country;
    const supplierCountry = partyCountry(request.supplier, "supplier");
    partyCountry(request.customer, "customer");
    const eu = dataset.countries[place]?.euMember === true;
    const rateText = `${place} VAT ${rate.ratePercent}% (${rate.kind} rate)`;
    const placeText = eu
      ? `Place of supply ${place}: charging an electric vehicle is a supply of electricity, i.e. of goods, taxed where the charge point is (Art. 39 Directive 2006/112/EC; VAT Committee guidelines 2019/2021; CJEU C-282/22)`
      : `Place of supply ${place}: charging an electric vehicle is a supply of electricity (goods) at the charge point in ${place}`;
    const normal = (why: string): VatTreatment => ({
      placeOfSupply: place,
      ratePercent: rate.ratePercent,
      reverseCharge: false,
      rate,
      explanation: `${placeText}. ${why}; the supplier charges ${rateText}.`,
    });

    if (!request.customer.business) return normal("The customer is not a business (B2C)");
    if (supplierCountry === place) return normal(`The supplier is established in ${place} (domestic B2B supply)`);
    if (!reverseCharge.has(place)) {
      return normal(
        `The supplier is established in ${supplierCountry}, not in ${place}, but the reverse charge is not configured for ${place}`,
      );
    }
    const vatId = request.customer.vatId?.trim();
    const idCountry = vatId ? vatIdCountry(vatId) : undefined;
    if (!vatId || idCountry !== place) {
      const which = vatId ? `its VAT number ${vatId} is not one of ${place}` : "it gave no VAT number";
      return normal(
        `The supplier is established in ${supplierCountry}, not in ${place}, but the customer is not identified for VAT in ${place} (${which}), so there is no reverse charge`,
      );
    }
    const basis = eu
      ? "Art. 195 Directive 2006/112/EC (supply of electricity under Art. 39 by a supplier not established in the member state to a customer identified for VAT there)"
      : `the domestic reverse charge configured for ${place}`;
    return {
      placeOfSupply: place,
      ratePercent: "0",
      reverseCharge: true,
      rate,
      explanation: `${placeText}. Reverse charge: the supplier is established in ${supplierCountry}, not in ${place}, and the customer is identified for VAT in ${place} (${vatId}); under ${basis} the customer accounts for ${rateText}. The invoice shows no VAT and the mention "Reverse charge".`,
    };
  }

  return {
    datasetLabel,
    rateFor,
    treatmentFor,
    countries: () => [...known],
    reverseChargeCountries: () => [...reverseCharge].sort(),
    today: (country) => calendarDateIn(now(), countryOf(country).country.timeZone),
  };
}
