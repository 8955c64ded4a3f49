// A PluginContext for tests of the FX plugin's setup: a real Hono app for its routes, MemoryCollections for its
// store, jobs that are recorded (and whose handlers a test can run), an auth that maps "Bearer <role>" to a role,
// and a logger that records.
import type { Collection, Doc, JobHandler, PluginContext, PluginLogger, Role } from "@voltrate/sdk";
import { Hono } from "hono";
import { MemoryCollection } from "./memory-collection.ts";

export interface LogRecord {
  level: string;
  obj: object | string;
  msg?: string | undefined;
}

export interface RecordedJobs {
  handlers: Map<string, JobHandler>;
  every: { interval: string; name: string; data: unknown; options: unknown }[];
  now: string[];
  /** Runs a defined job as the scheduler would. */
  run(name: string): Promise<void>;
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
  throw new Error(`the FX plugin does not use ${what}`);
};

const problem = (status: number, detail: string): Response =>
  new Response(JSON.stringify({ type: "urn:voltrate:problem:auth", title: "Not allowed", status, detail }), {
    status,
    headers: { "content-type": "application/problem+json" },
  });

export function fakeContext<Config>(config: Config): {
  ctx: PluginContext<Config, Record<never, never>>;
  api: Hono;
  logger: ReturnType<typeof recordingLogger>;
  jobs: RecordedJobs;
  collections: Map<string, MemoryCollection>;
} {
  const api = new Hono();
  const logger = recordingLogger();
  const collections = new Map<string, MemoryCollection>();
  const jobs: RecordedJobs = {
    handlers: new Map(),
    every: [],
    now: [],
    async run(name) {
      const handler = jobs.handlers.get(name);
      if (!handler) throw new Error(`no job "${name}" is defined`);
      await handler({ name, data: undefined, attempt: 1, progress: async () => {} });
    },
  };
  const ctx: PluginContext<Config, Record<never, never>> = {
    plugin: { name: "@voltrate/plugin-fx", version: "0.1.0" },
    config,
    logger,
    services: {},
    hooks: { before: unused("hooks"), after: unused("hooks") },
    routes: { api, wellKnown: unused("well-known mounts") },
    auth: {
      requireRole:
        (...roles: Role[]) =>
        async (c, next) => {
          const role = /^Bearer (admin|editor|viewer)$/.exec(c.req.header("authorization") ?? "")?.[1] as
            | Role
            | undefined;
          if (!role) return problem(401, "an API key is required");
          if (!roles.includes(role)) return problem(403, `this needs the role ${roles.join(" or ")}`);
          await next();
        },
    },
    jobs: {
      define: (name, handler) => {
        jobs.handlers.set(name, handler as JobHandler);
      },
      every: async (interval, name, data, options) => {
        jobs.every.push({ interval, name, data, options });
      },
      now: async (name) => {
        jobs.now.push(name);
      },
      schedule: unused("one-off jobs"),
    },
    store: {
      collection: <T extends Doc = Doc>(name: string): Collection<T> => {
        let collection = collections.get(name);
        if (!collection) {
          collection = new MemoryCollection(`plugin.fx.${name}`);
          collections.set(name, collection);
        }
        return collection as unknown as Collection<T>;
      },
      nextSequence: unused("sequences"),
    },
    events: { on: unused("events") },
  };
  return { ctx, api, logger, jobs, collections };
}
