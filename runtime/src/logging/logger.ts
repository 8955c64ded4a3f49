import { pino } from "pino";
import type { Config } from "../config/index.ts";

export type Logger = pino.Logger;

/**
 * JSON lines for machines; in a terminal (or with VOLTRATE_LOG_FORMAT=pretty) the same records are
 * rendered readably by pino-pretty in a worker thread, so the event loop never formats logs.
 */
export function createLogger(config: Pick<Config, "VOLTRATE_LOG_LEVEL" | "VOLTRATE_LOG_FORMAT">): Logger {
  const pretty =
    config.VOLTRATE_LOG_FORMAT === "pretty" || (config.VOLTRATE_LOG_FORMAT === "auto" && process.stdout.isTTY === true);
  return pino({
    level: config.VOLTRATE_LOG_LEVEL,
    base: { service: "voltrate" },
    timestamp: pino.stdTimeFunctions.isoTime,
    ...(pretty
      ? { transport: { target: "pino-pretty", options: { translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname" } } }
      : {}),
  });
}
