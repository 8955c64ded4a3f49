// A PluginContext for tests of this plugin's setup: a real Hono app for its routes, a logger that records,
// and stubs that fail loudly for what the VAT plugin does not use.
import type { PluginContext, PluginLogger } from "@voltrate/sdk";
import { Hono } from "hono";

export interface LogRecord {
  level: string;
  obj: object | string;
  msg?: string | undefined;
}

export function recordingLogger(records: LogRecord[] = []): PluginLogger & { records: LogRecord[] } {
  const at =
    (level: string) =>
    (obj: object | string, msg?: string): void => {
      records.push({ level, obj, msg });
    };
  const logger = {
    records,
    trace: at("trace"),
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    child: () => logger,
  };
  return logger;
}

const unused = (what: string) => (): never => {
  throw new Error(`the VAT plugin does not use ${what}`);
};

export function fakeContext<Config>(config: Config): {
  ctx: PluginContext<Config, Record<never, never>>;
  api: Hono;
  logger: ReturnType<typeof recordingLogger>;
} {
  const api = new Hono();
  const logger = recordingLogger();
  const ctx: PluginContext<Config, Record<never, never>> = {
    plugin: { name: "@voltrate/plugin-vat", version: "0.1.0" },
    config,
    logger,
    services: {},
    hooks: { before: unused("hooks"), after: unused("hooks") },
    routes: { api, wellKnown: unused("well-known mounts") },
    auth: { requireRole: unused("auth") },
    jobs: { define: unused("jobs"), every: unused("jobs"), schedule: unused("jobs"), now: unused("jobs") },
    store: { collection: unused("the store"), nextSequence: unused("the store") },
    events: { on: unused("events") },
  };
  return { ctx, api, logger };
}
