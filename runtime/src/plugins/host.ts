// The plugin host: load → validate → set up → start, in dependency order; stop in reverse.
import type { Capability, PluginHealth, PluginLogger, Role, Store, VoltratePlugin } from "@voltrate/sdk";
import { Hono } from "hono";
import semver from "semver";
import type { ApiKeys } from "../auth/api-keys.ts";
import { requireRole } from "../auth/require-role.ts";
import type { RouteModule } from "../http/app.ts";
import type { Logger } from "../logging/logger.ts";
import type { Scheduler } from "../scheduler/index.ts";
import type { RuntimeEventBus } from "./event-bus.ts";
import type { HookRegistry } from "./hook-registry.ts";
import { importPlugin, type PluginSpec } from "./load.ts";
import { PluginLoadError } from "./plugin-error.ts";
import { resolveOrder } from "./resolve-order.ts";
import { scopedJobs, scopedStore } from "./scoped.ts";

export interface PluginHostDeps {
  /** The Voltrate version plugins' `voltrate` ranges are checked against. */
  voltrateVersion: string;
  /** Where package names are resolved from, in order. */
  baseDirs: string[];
  logger: Logger;
  store: Store;
  scheduler: Scheduler;
  apiKeys: ApiKeys;
  events: RuntimeEventBus;
  hooks: HookRegistry;
}

type SetupResult = {
  services?: Record<string, unknown>;
  start?: () => void | Promise<void>;
  stop?: () => void | Promise<void>;
  health?: () => PluginHealth | Promise<PluginHealth>;
};

type PluginState = "loaded" | "set up" | "started" | "stopped" | "failed";

interface LoadedPlugin {
  plugin: VoltratePlugin;
  config: unknown;
  mountId: string;
  state: PluginState;
  services: Record<string, unknown>;
  api?: Hono;
  wellKnown: Map<string, Hono>;
  start?: () => void | Promise<void>;
  stop?: () => void | Promise<void>;
  health?: () => PluginHealth | Promise<PluginHealth>;
}

export interface PluginInfo {
  name: string;
  version: string;
  description?: string;
  voltrate: string;
  provides: string[];
  requires: string[];
  routes: string[];
  state: PluginState;
  health: PluginHealth;
}

/** "@voltrate/plugin-fx" → "fx"; "acme-loyalty" → "acme-loyalty". Used in URLs, job and collection names. */
export function mountIdOf(name: string): string {
  return name.replace(/^@[^/]+\//, "").replace(/^(voltrate-)?plugin-/, "");
}

export class PluginHost {
  private readonly deps: PluginHostDeps;
  private readonly loaded: LoadedPlugin[];
  private readonly providers: Map<string, string>;

  private constructor(deps: PluginHostDeps, loaded: LoadedPlugin[], providers: Map<string, string>) {
    this.deps = deps;
    this.loaded = loaded;
    this.providers = providers;
  }

  /**
   * Imports the plugins and validates everything before anything runs: manifests, Voltrate version
   * ranges, configurations (errors name the plugin and the key), capabilities, order.
   */
  static async load(specs: PluginSpec[], deps: PluginHostDeps): Promise<PluginHost> {
    const entries: { plugin: VoltratePlugin; config: unknown }[] = [];
    for (const { spec, config } of specs) {
      entries.push({ plugin: await importPlugin(spec, deps.baseDirs), config });
    }
    return PluginHost.fromPlugins(entries, deps);
  }

  /** Like load(), for plugin objects already in hand (embedding, tests). */
  static fromPlugins(entries: { plugin: VoltratePlugin; config: unknown }[], deps: PluginHostDeps): PluginHost {
    const seen = new Set<string>();
    const mountIds = new Map<string, string>();
    const loaded: LoadedPlugin[] = [];
    for (const { plugin, config } of entries) {
      if (seen.has(plugin.name)) throw new PluginLoadError(`plugin "${plugin.name}" is listed twice`);
      seen.add(plugin.name);
      if (!semver.satisfies(deps.voltrateVersion, plugin.voltrate, { includePrerelease: true })) {
        throw new PluginLoadError(
          `plugin "${plugin.name}" ${plugin.version} needs Voltrate ${plugin.voltrate}; this is Voltrate ${deps.voltrateVersion}`,
        );
      }
      const mountId = mountIdOf(plugin.name);
      const clash = mountIds.get(mountId);
      if (clash) throw new PluginLoadError(`plugins "${clash}" and "${plugin.name}" would share the id "${mountId}"`);
      mountIds.set(mountId, plugin.name);
      loaded.push({
        plugin,
        config: validateConfig(plugin, config),
        mountId,
        state: "loaded",
        services: {},
        wellKnown: new Map(),
      });
    }
    const { order, providers } = resolveOrder(loaded.map((l) => l.plugin));
    const ordered = order.map((p) => loaded.find((l) => l.plugin === p) as LoadedPlugin);
    return new PluginHost(deps, ordered, providers);
  }

  /** Calls every plugin's setup in dependency order; each receives the services it requires. */
  async setup(): Promise<void> {
    for (const entry of this.loaded) {
      const { plugin } = entry;
      const logger = this.deps.logger.child({ plugin: plugin.name }) as unknown as PluginLogger;
      const services: Record<string, unknown> = {};
      for (const [key, capability] of Object.entries(plugin.requires ?? {})) services[key] = this.service(capability);
      const declared = new Set(plugin.mounts ?? []);
      const context = {
        plugin: { name: plugin.name, version: plugin.version },
        config: entry.config,
        logger,
        services,
        hooks: this.deps.hooks.registrarFor(plugin.name),
        routes: {
          get api() {
            entry.api ??= new Hono();
            return entry.api;
          },
          wellKnown: (prefix: string) => {
            if (!declared.has(prefix)) {
              throw new PluginLoadError(
                `plugin "${plugin.name}" asked for routes on "${prefix}" without declaring it in mounts`,
              );
            }
            let app = entry.wellKnown.get(prefix);
            if (!app) {
              app = new Hono();
              entry.wellKnown.set(prefix, app);
            }
            return app;
          },
        },
        auth: { requireRole: (...roles: Role[]) => requireRole(this.deps.apiKeys, ...roles) },
        jobs: scopedJobs(this.deps.scheduler, entry.mountId),
        store: scopedStore(this.deps.store, entry.mountId),
        events: this.deps.events.forOwner(plugin.name),
      };
      let result: SetupResult | undefined;
      try {
        result = (await plugin.setup(context as never)) as SetupResult | undefined;
      } catch (error) {
        entry.state = "failed";
        throw new PluginLoadError(`plugin "${plugin.name}" failed in setup: ${(error as Error).message}`, {
          cause: error,
        });
      }
      const provided = (result?.services ?? {}) as Record<string, unknown>;
      for (const [key, capability] of Object.entries(plugin.provides ?? {})) {
        if (provided[key] === undefined || provided[key] === null) {
          entry.state = "failed";
          throw new PluginLoadError(
            `plugin "${plugin.name}" declares capability "${capability.id}" but its setup returned no services.${key}`,
          );
        }
      }
      entry.services = provided;
      entry.start = result?.start?.bind(result);
      entry.stop = result?.stop?.bind(result);
      entry.health = result?.health?.bind(result);
      entry.state = "set up";
    }
  }

  /** The service behind a capability, when a loaded plugin provides it. */
  service<T>(capability: Capability<T>): T | undefined {
    const providerName = this.providers.get(capability.id);
    if (!providerName) return undefined;
    const provider = this.loaded.find((l) => l.plugin.name === providerName);
    if (!provider) return undefined;
    const key = Object.entries(provider.plugin.provides ?? {}).find(([, c]) => c.id === capability.id)?.[0];
    return key === undefined ? undefined : (provider.services[key] as T);
  }

  /** Mounts each plugin's API under /api/v1/plugins/<id> and its declared well-known prefixes. */
  routes(): RouteModule {
    return (app) => {
      for (const entry of this.loaded) {
        if (entry.api) app.route(`/api/v1/plugins/${entry.mountId}`, entry.api);
        for (const [prefix, sub] of entry.wellKnown) app.route(prefix, sub);
      }
    };
  }

  /** Starts plugins in dependency order; when one fails, those already started are stopped again. */
  async start(): Promise<void> {
    const started: LoadedPlugin[] = [];
    for (const entry of this.loaded) {
      try {
        await entry.start?.();
        entry.state = "started";
        started.push(entry);
      } catch (error) {
        entry.state = "failed";
        this.deps.logger.error({ err: error, plugin: entry.plugin.name }, "plugin failed to start");
        for (const other of started.reverse()) await this.stopOne(other);
        throw new PluginLoadError(`plugin "${entry.plugin.name}" failed to start: ${(error as Error).message}`, {
          cause: error,
        });
      }
    }
  }

  /** Stops started plugins in reverse order; a failing stop is logged and the others still stop. */
  async stop(): Promise<void> {
    for (const entry of [...this.loaded].reverse()) {
      if (entry.state === "started") await this.stopOne(entry);
    }
  }

  private async stopOne(entry: LoadedPlugin): Promise<void> {
    try {
      await entry.stop?.();
      entry.state = "stopped";
    } catch (error) {
      entry.state = "failed";
      this.deps.logger.error({ err: error, plugin: entry.plugin.name }, "plugin failed to stop");
    }
  }

  /** For GET /api/v1/plugins: what is loaded, in start order, with its health. */
  async describe(): Promise<PluginInfo[]> {
    return Promise.all(
      this.loaded.map(async (entry) => {
        const { plugin } = entry;
        let health: PluginHealth =
          entry.state === "started" || entry.state === "set up"
            ? { status: "ok" }
            : { status: "down", detail: entry.state };
        if (entry.health && entry.state === "started") {
          try {
            health = await entry.health();
          } catch (error) {
            health = { status: "down", detail: (error as Error).message };
          }
        }
        return {
          name: plugin.name,
          version: plugin.version,
          ...(plugin.description ? { description: plugin.description } : {}),
          voltrate: plugin.voltrate,
          provides: Object.values(plugin.provides ?? {}).map((c) => c.id),
          requires: Object.values(plugin.requires ?? {}).map((c) => c.id),
          routes: [...(entry.api ? [`/api/v1/plugins/${entry.mountId}`] : []), ...entry.wellKnown.keys()],
          state: entry.state,
          health,
        };
      }),
    );
  }
}

function validateConfig(plugin: VoltratePlugin, raw: unknown): unknown {
  if (!plugin.configSchema) return raw ?? {};
  const result = plugin.configSchema.safeParse(raw ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const key = issue?.path.length ? issue.path.join(".") : "(config)";
  throw new PluginLoadError(`plugin "${plugin.name}": config ${key}: ${issue?.message ?? "invalid"}`);
}
