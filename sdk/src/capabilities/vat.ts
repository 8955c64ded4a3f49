// The "vat" capability: VAT rates in time and the VAT treatment of a charging supply.
import { defineCapability } from "../plugin/capability.ts";

/** ISO 3166-1 alpha-2 country code, upper case (Greece is "GR", not "EL"). */
export type CountryCode = string;

export interface VatRate {
  country: CountryCode;
  /** Percent as a decimal string, e.g. "21" or "5.5". */
  ratePercent: string;
  /** The kind of rate: the standard rate, or a reduced rate a country applies to EV charging. */
  kind: "standard" | "reduced" | "zero";
  /** The first day the rate applies (YYYY-MM-DD) and the last, when it has ended. */
  validFrom: string;
  validTo?: string;
  /** Where the figure comes from (dataset name and version). */
  source: string;
}

export interface VatParty {
  country: CountryCode;
  /** A business (taxable person) rather than a consumer. */
  business: boolean;
  /** VAT identification number, when known. */
  vatId?: string;
}

export interface VatTreatmentRequest {
  /** Where the charge point is: the place of supply of charging (a supply of electricity/goods). */
  chargePointCountry: CountryCode;
  /** The moment of supply (the session start). */
  date: Date;
  supplier: VatParty;
  customer: VatParty;
}

export interface VatTreatment {
  /** Whose VAT applies (the place of supply). */
  placeOfSupply: CountryCode;
  /** The rate the supplier charges; "0" with `reverseCharge` when the customer accounts for the VAT. */
  ratePercent: string;
  reverseCharge: boolean;
  /** The rate as found, for the record (also when reverse charge moves it to the customer). */
  rate: VatRate;
  /** Why, in words, for the trace and the invoice ("Reverse charge: Art. 194 …"). */
  explanation: string;
}

export interface VatService {
  /** The rate for charging in a country on a date (the reduced charging rate where one applies, else standard). */
  rateFor(country: CountryCode, date: Date | string): VatRate;
  /** The VAT treatment of one charging supply between two parties. */
  treatmentFor(request: VatTreatmentRequest): VatTreatment;
}

export const vatCapability = defineCapability<VatService>("vat", "VAT rates in time and the VAT treatment of charging");
