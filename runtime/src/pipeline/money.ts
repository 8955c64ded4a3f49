// Amounts in the pipeline: decimals rounded half-up to the currency's minor units, written as strings.
import { Dec, minorUnits, roundDecimal } from "@voltrate/sdk";

export function roundMoney(amount: Dec, currency: string): Dec {
  return roundDecimal(amount, minorUnits(currency), "HALF_UP");
}

export function moneyString(amount: Dec, currency: string): string {
  return roundMoney(amount, currency).toFixed(minorUnits(currency));
}

/** An amount in minor units as a JS integer (for sums in the store's aggregations; exact below 2^53). */
export function minorOf(amount: string, currency: string): number {
  return new Dec(amount)
    .times(new Dec(10).pow(minorUnits(currency)))
    .round()
    .toNumber();
}

export function fromMinor(minor: number, currency: string): string {
  const digits = minorUnits(currency);
  return new Dec(String(minor)).div(new Dec(10).pow(digits)).toFixed(digits);
}
