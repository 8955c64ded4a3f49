// The runtime: composes configuration, store, scheduler and HTTP into one process with a lifecycle.
import type { AddressInfo } from "node:net";
import path from "node:path";
import { createAdaptorServer, type ServerType } from "@hono/node-server";
import { ApiKeys } from "./auth/api-keys.ts";
import { acceptLoginSessions, LoginSessions } from "./auth/sessions.ts";
import { UserAdmin } from "./auth/user-admin.ts";
import { ensureAdminUser, Users } from "./auth/users.ts";
import { type BacktestRuns, createBacktestRuns } from "./backtest/index.ts";
import { type BulkActions, createBulkActions } from "./bulk/index.ts";
import type { Config } from "./config/index.ts";
import { demoSessionDatasets, demoSetupDatasets } from "./demo/datasets.ts";
import { seedDemoData } from "./demo/seed.ts";
import { type App, createApp, type RouteModule } from "./http/app.ts";
import { authRoutes } from "./http/routes/auth.ts";
import { backtestRoutes } from "./http/routes/backtest.ts";
import { bulkRoutes } from "./http/routes/bulk.ts";
import { dropOutRoutes } from "./http/routes/dropouts.ts";
import { healthRoutes } from "./http/routes/health.ts";
import { indexRoutes } from "./http/routes/index-page.ts";
import { masterDataRoutes } from "./http/routes/master-data.ts";
import { openApiRoutes } from "./http/routes/openapi.ts";
import { pluginRoutes } from "./http/routes/plugins.ts";
import { reportRoutes } from "./http/routes/reports.ts";
import { rulesRoutes } from "./http/routes/rulesets.ts";
import { sessionRoutes } from "./http/routes/sessions.ts";
import { studioRoutes } from "./http/routes/studio.ts";
import { userRoutes } from "./http/routes/users.ts";
import type { Logger } from "./logging/logger.ts";
import { createMasterData, type MasterData } from "./master-data/index.ts";
import { createPipeline, masterDataPort, type Pipeline } from "./pipeline/index.ts";
import { HookRegistry, PluginHost, PluginLoadError, RuntimeEventBus } from "./plugins/index.ts";
import { MarginReports } from "./reports/index.ts";
import { createScriptSandbox, type ScriptSandbox } from "./rules/scripts/index.ts";
import { createRulesService, type RulesService, registerRuleJobs } from "./rules/versions/index.ts";
import { createScheduler, type Scheduler } from "./scheduler/index.ts";
import { openStore, type Store } from "./store/index.ts";
import { version } from "./version.ts";

export interface RuntimeOptions {
  config: Config;
  logger: Logger;
  /** Extra routes mounted after the built-in ones (plugins, tests). */
  routes?: RouteModule[];
}

export interface Runtime {
  readonly config: Config;
  readonly logger: Logger;
  readonly store: Store;
  readonly scheduler: Scheduler;
  readonly app: App;
  readonly apiKeys: ApiKeys;
  readonly plugins: PluginHost;
  readonly hooks: HookRegistry;
  readonly events: RuntimeEventBus;
  readonly rules: RulesService;
  readonly masterData: MasterData;
  /** The session pipeline: ingestion, pricing, revisions, drop-out cases. */
  readonly pipeline: Pipeline;
  /** Runs script rules in isolated-vm. */
  readonly sandbox: ScriptSandbox;
  /** An admin API key generated at this start because none existed; shown once, then only its hash is kept. */
  readonly generatedAdminKey?: string;
  /** The studio password of user "admin", generated at this start because none existed; shown once. */
  readonly generatedAdminPassword?: string;
  /** Starts listening and the scheduler; resolves with the base URL. */
  start(): Promise<string>;
  /**
   * Graceful stop: no new connections, in-flight requests finish (up to the shutdown timeout),
   * the scheduler stops, the store flushes its journal and releases its lock. Safe to call twice.
   */
  shutdown(reason?: string): Promise<void>;
}

/** The workspace root: plugin packages are resolved from the working directory, then from here. */
const workspaceRoot = path.resolve(import.meta.dirname, "../..");

/** A start-up failure, phrased for the operator (one line). */
export class StartupError extends Error {
  override name = "StartupError";
}

export async function createRuntime(options: RuntimeOptions): Promise<Runtime> {
  const { config, logger } = options;
  const store = await openStore({
    dataDir: config.VOLTRATE_DATA_DIR,
    logger: logger.child({ component: "store" }),
    ...(config.VOLTRATE_MONGODB_URL ? { mongodbUrl: config.VOLTRATE_MONGODB_URL } : {}),
  }).catch((error: unknown) => {
    throw new StartupError(`cannot open the store: ${(error as Error).message}`, { cause: error });
  });

  const scheduler = createScheduler({
    store,
    logger: logger.child({ component: "scheduler" }),
    ...(config.VOLTRATE_MONGODB_URL ? { mongodbUrl: config.VOLTRATE_MONGODB_URL } : {}),
  });
  const events = new RuntimeEventBus(logger.child({ component: "events" }));
  const hooks = new HookRegistry();
  const apiKeys = new ApiKeys(store);
  const users = new Users(store);
  const loginSessions = new LoginSessions(store, users);
  // requireRole (ours and the plugins') accepts a studio session cookie as well as an API key.
  acceptLoginSessions(apiKeys, loginSessions);
  const userAdmin = new UserAdmin({ store, users, sessions: loginSessions });
  const masterData = createMasterData(store);
  const sandboxLogger = logger.child({ component: "script-sandbox" });
  const sandbox = createScriptSandbox({
    onEvent: (event) =>
      event.type === "catastrophic-error"
        ? sandboxLogger.error(event, "script sandbox: an isolate could not be stopped; restart the process")
        : sandboxLogger.warn(event, `script sandbox: ${event.type}`),
  });
  const rules = createRulesService({ store, scheduler, events, sandbox, logger: logger.child({ component: "rules" }) });
  registerRuleJobs(scheduler, rules);

  // Everything below may fail; what was opened is closed again before the error is reported.
  let plugins: PluginHost;
  let pipeline: Pipeline;
  let bulk: BulkActions;
  let backtestRuns: BacktestRuns;
  let generatedAdminKey: string | undefined;
  let generatedAdminPassword: string | undefined;
  try {
    try {
      await scheduler.start();
    } catch (error) {
      throw new StartupError(`cannot start the scheduler: ${(error as Error).message}`, { cause: error });
    }
    await apiKeys.init();
    await rules.init();
    await masterData.ensureIndexes();
    generatedAdminKey = (await apiKeys.ensureAdmin(config.VOLTRATE_ADMIN_API_KEY)).generatedKey;
    await users.init();
    await loginSessions.init();
    await userAdmin.init();
    generatedAdminPassword = (await ensureAdminUser(store, config.VOLTRATE_ADMIN_PASSWORD)).generatedPassword;
    if (config.VOLTRATE_DEMO_DATA) {
      await seedDemoData(store, logger.child({ component: "demo" }), demoSetupDatasets, { rules });
    }
    try {
      plugins = await PluginHost.load(
        config.VOLTRATE_PLUGINS.map((spec) => ({ spec, config: config.VOLTRATE_PLUGIN_CONFIG[spec] })),
        {
          voltrateVersion: version,
          baseDirs: [...new Set([process.cwd(), workspaceRoot])],
          logger: logger.child({ component: "plugins" }),
          store,
          scheduler,
          apiKeys,
          events,
          hooks,
        },
      );
      await plugins.setup();
    } catch (error) {
      if (error instanceof PluginLoadError) throw new StartupError(error.message, { cause: error });
      throw error;
    }
    pipeline = await createPipeline({
      store,
      masterData: masterDataPort(masterData),
      rules,
      hooks,
      events,
      plugins,
      sandbox,
      logger: logger.child({ component: "pipeline" }),
    });
    bulk = await createBulkActions({ store, pipeline, scheduler, logger: logger.child({ component: "bulk" }) });
    backtestRuns = await createBacktestRuns({
      store,
      scheduler,
      backtest: { rules, records: pipeline.records, sandbox, masterData: masterDataPort(masterData) },
      logger: logger.child({ component: "backtest" }),
    });
    if (config.VOLTRATE_DEMO_DATA) {
      await seedDemoData(store, logger.child({ component: "demo" }), demoSessionDatasets, { rules, pipeline });
    }
  } catch (error) {
    await scheduler.stop().catch(() => {});
    await sandbox.dispose();
    await store.close();
    throw error;
  }

  const startedAt = Date.now();
  // Long-lived responses (event streams) end when this is aborted, at the start of a shutdown.
  const closing = new AbortController();
  const app = createApp({
    logger: logger.child({ component: "http" }),
    routes: [
      studioRoutes(path.join(workspaceRoot, "studio", "dist")),
      healthRoutes(() => {
        const schedulerState = scheduler.state();
        return {
          status: schedulerState.running ? "ok" : "degraded",
          version,
          uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
          store: { mode: store.mode },
          scheduler: schedulerState,
        };
      }),
      openApiRoutes(),
      indexRoutes({ version }),
      authRoutes({ users, sessions: loginSessions, apiKeys }),
      userRoutes({ admin: userAdmin, apiKeys }),
      pluginRoutes(plugins, apiKeys),
      rulesRoutes({ service: rules, apiKeys, sessions: pipeline.records, masterData: masterDataPort(masterData) }),
      backtestRoutes({
        rules,
        records: pipeline.records,
        sandbox,
        masterData: masterDataPort(masterData),
        apiKeys,
        runs: backtestRuns,
        closing: closing.signal,
      }),
      masterDataRoutes(masterData, apiKeys),
      sessionRoutes({ pipeline, apiKeys, logger: logger.child({ component: "ingest" }) }),
      dropOutRoutes({ cases: pipeline.cases, apiKeys }),
      bulkRoutes({ bulk, apiKeys }),
      reportRoutes({
        reports: new MarginReports({ records: pipeline.records, masterData: masterDataPort(masterData) }),
        apiKeys,
      }),
      plugins.routes(),
      ...(options.routes ?? []),
    ],
  });

  let server: ServerType | undefined;
  let stopping: Promise<void> | undefined;

  const start = async (): Promise<string> => {
    try {
      await plugins.start();
    } catch (error) {
      await scheduler.stop();
      await sandbox.dispose();
      await store.close();
      throw new StartupError((error as Error).message, { cause: error });
    }
    const httpServer = createAdaptorServer({ fetch: app.fetch, hostname: config.VOLTRATE_HOST });
    server = httpServer;
    await new Promise<void>((resolve, reject) => {
      httpServer.once("error", (error: NodeJS.ErrnoException) =>
        reject(
          new StartupError(
            error.code === "EADDRINUSE"
              ? `VOLTRATE_PORT: port ${config.VOLTRATE_PORT} on ${config.VOLTRATE_HOST} is already in use`
              : `cannot listen on ${config.VOLTRATE_HOST}:${config.VOLTRATE_PORT}: ${error.message}`,
          ),
        ),
      );
      httpServer.listen(config.VOLTRATE_PORT, config.VOLTRATE_HOST, () => resolve());
    }).catch(async (error: unknown) => {
      await plugins.stop();
      await scheduler.stop();
      await sandbox.dispose();
      await store.close();
      throw error;
    });
    const address = httpServer.address() as AddressInfo;
    const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}`;
  };

  const closeServer = async (): Promise<void> => {
    const current = server;
    if (!current) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        logger.warn({ timeoutMs: config.VOLTRATE_SHUTDOWN_TIMEOUT_MS }, "closing connections still busy at timeout");
        if ("closeAllConnections" in current) current.closeAllConnections();
      }, config.VOLTRATE_SHUTDOWN_TIMEOUT_MS);
      timer.unref();
      // Keep-alive connections with no request in flight would hold close() open until their keep-alive timeout,
      // also those whose last response (a stream, say) ends after close() began: close them as they go idle.
      const closeIdle = () => {
        if ("closeIdleConnections" in current) current.closeIdleConnections();
      };
      const idleSweep = setInterval(closeIdle, 100);
      idleSweep.unref();
      current.close(() => {
        clearTimeout(timer);
        clearInterval(idleSweep);
        resolve();
      });
      closeIdle();
    });
  };

  const shutdown = (reason = "shutdown"): Promise<void> => {
    stopping ??= (async () => {
      logger.info({ reason }, "shutting down");
      closing.abort();
      await closeServer();
      await plugins.stop();
      await scheduler.stop();
      await sandbox.dispose();
      await store.close();
      logger.info("shutdown complete");
    })();
    return stopping;
  };

  return {
    config,
    logger,
    store,
    scheduler,
    app,
    apiKeys,
    plugins,
    hooks,
    events,
    rules,
    masterData,
    pipeline,
    sandbox,
    ...(generatedAdminKey ? { generatedAdminKey } : {}),
    ...(generatedAdminPassword ? { generatedAdminPassword } : {}),
    start,
    shutdown,
  };
}
