// A real pino logger that keeps its JSON records in memory, so tests can assert what a plugin logs through the host.
import { pino } from "pino";

export interface LogRecord {
  level: string;
  msg?: string;
  /** Set by the plugin host on the logger it gives each plugin. */
  plugin?: string;
  [field: string]: unknown;
}

export function logCapture(): { logger: pino.Logger; records: LogRecord[] } {
  const records: LogRecord[] = [];
  const logger = pino(
    { level: "debug", formatters: { level: (label) => ({ level: label }) } },
    {
      write(line: string) {
        records.push(JSON.parse(line) as LogRecord);
      },
    },
  );
  return { logger, records };
}
