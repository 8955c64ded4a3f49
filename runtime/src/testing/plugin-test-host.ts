// A real runtime for plugin tests: the embedded store in a temporary folder, the scheduler, the plugin
// host, the HTTP app and API keys — the same components production uses, nothing mocked.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Capability, Role, Store, VoltratePlugin } from "@voltrate/sdk";
import { pino } from "pino";
import { ApiKeys } from "../auth/api-keys.ts";
import { type App, createApp } from "../http/app.ts";
import { pluginRoutes } from "../http/routes/plugins.ts";
import type { Logger } from "../logging/logger.ts";
import { HookRegistry, PluginHost, RuntimeEventBus } from "../plugins/index.ts";
import { createScheduler, type Scheduler } from "../scheduler/index.ts";
import { openStore } from "../store/index.ts";
import { version } from "../version.ts";

export interface PluginTestHostOptions {
  /** Plugins with their raw configuration (validated by the host as in production). */
  plugins: { plugin: VoltratePlugin; config?: unknown }[];
  /** How often the scheduler looks for due jobs; default 100 ms so job tests are quick. */
  processEveryMs?: number;
  logger?: Logger;
  /** Call start() on the plugins (default true). */
  start?: boolean;
  /** Use this data folder (e.g. to restart on the same data); default a new temporary folder. */
  dataDir?: string;
  /** Keep the data folder on close (default: kept when `dataDir` was given, removed otherwise). */
  keepData?: boolean;
}

export interface PluginTestHost {
  readonly host: PluginHost;
  readonly app: App;
  readonly store: Store;
  readonly scheduler: Scheduler;
  readonly hooks: HookRegistry;
  readonly events: RuntimeEventBus;
  readonly apiKeys: ApiKeys;
  readonly dataDir: string;
  /** The service behind a capability, as the host resolved it. */
  service<T>(capability: Capability<T>): T | undefined;
  /** An API key with this role, created on first use. */
  keyFor(role: Role): Promise<string>;
  /** `app.request` with `Authorization: Bearer <key of role>`. */
  request(pathname: string, init?: RequestInit & { role?: Role }): Promise<Response>;
  /** Stops plugins and scheduler, closes the store and removes its folder. */
  close(): Promise<void>;
}

export async function startPluginTestHost(options: PluginTestHostOptions): Promise<PluginTestHost> {
  const logger = options.logger ?? pino({ level: "silent" });
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), "voltrate-plugin-test-"));
  const keepData = options.keepData ?? options.dataDir !== undefined;
  const store = await openStore({ dataDir });
  const scheduler = createScheduler({ store, logger, processEvery: options.processEveryMs ?? 100 });
  const apiKeys = new ApiKeys(store);
  const hooks = new HookRegistry();
  const events = new RuntimeEventBus(logger);
  let host: PluginHost | undefined;
  const release = async () => {
    await host?.stop();
    await scheduler.stop();
    await store.close();
    if (!keepData) rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await scheduler.start();
    await apiKeys.init();
    host = PluginHost.fromPlugins(
      options.plugins.map(({ plugin, config }) => ({ plugin, config })),
      { voltrateVersion: version, baseDirs: [process.cwd()], logger, store, scheduler, apiKeys, events, hooks },
    );
    await host.setup();
    if (options.start ?? true) await host.start();
  } catch (error) {
    // A failed start must not leave the store locked or the scheduler polling.
    await release().catch(() => {});
    throw error;
  }
  const loaded = host;
  const app = createApp({ logger, routes: [pluginRoutes(loaded, apiKeys), loaded.routes()] });

  const keys = new Map<Role, string>();
  const keyFor = async (role: Role) => {
    let key = keys.get(role);
    if (!key) {
      key = (await apiKeys.create(`test ${role}`, role)).key;
      keys.set(role, key);
    }
    return key;
  };

  return {
    host: loaded,
    app,
    store,
    scheduler,
    hooks,
    events,
    apiKeys,
    dataDir,
    service: (capability) => loaded.service(capability),
    keyFor,
    async request(pathname, init = {}) {
      const { role, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (role) headers.set("Authorization", `Bearer ${await keyFor(role)}`);
      return app.request(pathname, { ...rest, headers });
    },
    close: release,
  };
}
