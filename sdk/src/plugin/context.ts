// What `setup(ctx)` receives: exactly what a plugin may touch, nothing of the runtime's internals.
import type { Hono, MiddlewareHandler } from "hono";
import type { Collection, Doc } from "../store/types.ts";
import type { EventBus } from "./events.ts";
import type { HookRegistrar } from "./hooks.ts";
import type { PluginLogger } from "./logger.ts";

/** The store, limited to the plugin's own collections (stored as `plugin.<plugin>.<name>`). */
export interface PluginStore {
  collection<T extends Doc = Doc>(name: string): Collection<T>;
  /** Atomic counter in the plugin's own namespace. */
  nextSequence(name: string, by?: number): Promise<number>;
}

export interface JobContext<Data> {
  readonly name: string;
  readonly data: Data;
  readonly attempt: number;
  /** Reports progress (0–100) for long jobs. */
  progress(percent: number): Promise<void>;
}

export type JobHandler<Data = unknown> = (job: JobContext<Data>) => Promise<void> | void;

export interface JobOptions {
  /** How many of this job may run at once in this process; default 1. */
  concurrency?: number;
  /** How long a started job may hold its lock before another worker may pick it up; default 10 minutes. */
  lockLifetimeMs?: number;
}

/** Agenda jobs in the plugin's namespace: the names are stored as `<plugin>:<name>`. */
export interface PluginJobs {
  define<Data = unknown>(name: string, handler: JobHandler<Data>, options?: JobOptions): void;
  /** A recurring job: a human interval ("1 day", "15 minutes") or a cron expression. One per name. */
  every(interval: string, name: string, data?: unknown, options?: { timezone?: string }): Promise<void>;
  /** A one-off job at a time. */
  schedule(when: Date, name: string, data?: unknown): Promise<void>;
  /** A one-off job as soon as possible. */
  now(name: string, data?: unknown): Promise<void>;
}

export type Role = "admin" | "editor" | "viewer";

/** The runtime's authentication, for the plugin's own routes. */
export interface PluginAuth {
  /** Middleware: the request must carry a valid API key (Authorization: Bearer …) with one of these roles. */
  requireRole(...roles: Role[]): MiddlewareHandler;
}

export interface PluginRoutes {
  /** A Hono app mounted at `/api/v1/plugins/<plugin>`; answer errors as RFC 9457 problem JSON. */
  readonly api: Hono;
  /**
   * A Hono app mounted at a well-known prefix the manifest declares in `mounts` (e.g. "/ocpi"), for
   * protocol plugins whose peers expect fixed paths. Asking for an undeclared prefix throws.
   */
  wellKnown(prefix: string): Hono;
}

export interface PluginContext<Config, Services> {
  readonly plugin: { readonly name: string; readonly version: string };
  /** The plugin's configuration, validated against its `configSchema`. */
  readonly config: Config;
  readonly logger: PluginLogger;
  /** The services of the capabilities the plugin `requires`. */
  readonly services: Services;
  readonly hooks: HookRegistrar;
  readonly routes: PluginRoutes;
  readonly auth: PluginAuth;
  readonly jobs: PluginJobs;
  readonly store: PluginStore;
  readonly events: EventBus;
}
