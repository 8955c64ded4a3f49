// Which calendar month ("2026-03") an instant falls in, in a time zone.

const formats = new Map<string, Intl.DateTimeFormat>();

export function localMonth(instant: Date, timeZone: string): string {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit" });
    formats.set(timeZone, format);
  }
  const parts = format.formatToParts(instant);
  const year = parts.find((p) => p.type === "year")?.value;
  const month = parts.find((p) => p.type === "month")?.value;
  return `${year}-${month}`;
}

/** "2026-03" (months 01–12). */
export const MONTH_PATTERN = /^\d{4}-(0[1-9]|1[0-2])$/;
