import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { defineCapability, definePlugin, type Store, type VoltratePlugin } from "@voltrate/sdk";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { ApiKeys } from "../auth/api-keys.ts";
import { createApp } from "../http/app.ts";
import { pluginRoutes } from "../http/routes/plugins.ts";
import { createScheduler, type Scheduler } from "../scheduler/index.ts";
import { openStore } from "../store/index.ts";
import { RuntimeEventBus } from "./event-bus.ts";
import { HookRegistry } from "./hook-registry.ts";
import { PluginHost, type PluginHostDeps } from "./host.ts";

const logger = pino({ level: "silent" });
const greeting = defineCapability<{ greet(name: string): string }>("test.greeting", "greets");
const counter = defineCapability<{ next(): Promise<number> }>("test.counter", "counts");

const open: { store: Store; scheduler: Scheduler; dataDir: string }[] = [];
afterEach(async () => {
  for (const { store, scheduler, dataDir } of open.splice(0)) {
    await scheduler.stop();
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

async function makeDeps(overrides: Partial<PluginHostDeps> = {}): Promise<PluginHostDeps> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "voltrate-plugins-"));
  const store = await openStore({ dataDir });
  const scheduler = createScheduler({ store, logger, processEvery: 100 });
  await scheduler.start();
  open.push({ store, scheduler, dataDir });
  const apiKeys = new ApiKeys(store);
  await apiKeys.init();
  return {
    voltrateVersion: "0.1.0",
    baseDirs: [import.meta.dirname],
    logger,
    store,
    scheduler,
    apiKeys,
    events: new RuntimeEventBus(logger),
    hooks: new HookRegistry({ timeoutMs: 200 }),
    ...overrides,
  };
}

const entries = (...plugins: VoltratePlugin[]) =>
  plugins.map((plugin) => ({ plugin: plugin as VoltratePlugin, config: {} }));

describe("plugin host: validation before anything starts", () => {
  const provider = definePlugin({
    name: "greeter",
    version: "1.0.0",
    voltrate: "^0.1.0",
    provides: { greeting },
    setup: () => ({ services: { greeting: { greet: (n: string) => `hello ${n}` } } }),
  });
  const consumer = definePlugin({
    name: "@acme/plugin-consumer",
    version: "2.0.0",
    voltrate: "^0.1.0",
    requires: { greeting },
    setup: () => ({}),
  });

  it("stops on a required capability nobody provides", () => {
    expect(() => PluginHost.fromPlugins(entries(consumer), { voltrateVersion: "0.1.0" } as PluginHostDeps)).toThrow(
      /plugin "@acme\/plugin-consumer" requires capability "test.greeting" \(greets\), which no loaded plugin provides/,
    );
  });

  it("stops on a capability provided twice", () => {
    const second = definePlugin({ ...provider, name: "greeter-2" });
    expect(() =>
      PluginHost.fromPlugins(entries(provider, second), { voltrateVersion: "0.1.0" } as PluginHostDeps),
    ).toThrow('capability "test.greeting" is provided by both "greeter" and "greeter-2"');
  });

  it("stops on plugins that require each other in a cycle", () => {
    const a = definePlugin({
      name: "a",
      version: "1.0.0",
      voltrate: "*",
      provides: { greeting },
      requires: { counter },
      setup: () => ({ services: { greeting: { greet: () => "" } } }),
    });
    const b = definePlugin({
      name: "b",
      version: "1.0.0",
      voltrate: "*",
      provides: { counter },
      requires: { greeting },
      setup: () => ({ services: { counter: { next: async () => 1 } } }),
    });
    expect(() => PluginHost.fromPlugins(entries(a, b), { voltrateVersion: "0.1.0" } as PluginHostDeps)).toThrow(
      "plugins require each other in a cycle: a → b → a",
    );
  });

  it("stops on a Voltrate version outside the plugin's range", () => {
    const old = definePlugin({ name: "old", version: "1.0.0", voltrate: "^2.0.0", setup: () => ({}) });
    expect(() => PluginHost.fromPlugins(entries(old), { voltrateVersion: "0.1.0" } as PluginHostDeps)).toThrow(
      'plugin "old" 1.0.0 needs Voltrate ^2.0.0; this is Voltrate 0.1.0',
    );
  });

  it("stops on a bad configuration, naming the plugin and the key", () => {
    const configured = definePlugin({
      name: "configured",
      version: "1.0.0",
      voltrate: "*",
      configSchema: z.object({ url: z.url(), retries: z.number().int().min(0) }),
      setup: () => ({}),
    });
    expect(() =>
      PluginHost.fromPlugins(
        [{ plugin: configured as VoltratePlugin, config: { url: "https://x.test", retries: -1 } }],
        {
          voltrateVersion: "0.1.0",
        } as PluginHostDeps,
      ),
    ).toThrow(/^plugin "configured": config retries: /);
  });

  it("rejects malformed manifests when they are defined", () => {
    expect(() => definePlugin({ name: "x", version: "one", voltrate: "*", setup: () => ({}) })).toThrow(
      'plugin "x": version: expected a semver version, got "one"',
    );
    expect(() =>
      definePlugin({ name: "x", version: "1.0.0", voltrate: "*", mounts: ["/api/x"], setup: () => ({}) }),
    ).toThrow(/mounts: "\/api\/x" must be a lower-case path/);
  });

  it("loads by path, and explains a module that is not a plugin or not installed", async () => {
    const deps = await makeDeps();
    const host = await PluginHost.load([{ spec: "./fixtures/path-plugin.ts", config: {} }], deps);
    await host.setup();
    expect((await host.describe()).map((p) => p.name)).toEqual(["path-plugin"]);
    await expect(PluginHost.load([{ spec: "./fixtures/not-a-plugin.ts", config: {} }], deps)).rejects.toThrow(
      '"./fixtures/not-a-plugin.ts" is not a Voltrate plugin: its default export must come from definePlugin()',
    );
    await expect(PluginHost.load([{ spec: "@acme/absent-plugin", config: {} }], deps)).rejects.toThrow(
      /plugin "@acme\/absent-plugin" is not installed/,
    );
  });
});

describe("plugin host: lifecycle and services", () => {
  it("sets up and starts in dependency order, hands over services, stops in reverse", async () => {
    const events: string[] = [];
    const consumer = definePlugin({
      name: "consumer",
      version: "1.0.0",
      voltrate: "*",
      requires: { greeting },
      setup(ctx) {
        events.push(`setup consumer: ${ctx.services.greeting.greet("consumer")}`);
        return { start: () => void events.push("start consumer"), stop: () => void events.push("stop consumer") };
      },
    });
    const provider = definePlugin({
      name: "provider",
      version: "1.0.0",
      voltrate: "*",
      provides: { greeting },
      setup() {
        events.push("setup provider");
        return {
          services: { greeting: { greet: (n: string) => `hello ${n}` } },
          start: () => void events.push("start provider"),
          stop: () => void events.push("stop provider"),
        };
      },
    });
    // Listed consumer-first on purpose: the host orders by what each requires.
    const host = PluginHost.fromPlugins(entries(consumer, provider), await makeDeps());
    await host.setup();
    await host.start();
    await host.stop();
    expect(events).toEqual([
      "setup provider",
      "setup consumer: hello consumer",
      "start provider",
      "start consumer",
      "stop consumer",
      "stop provider",
    ]);
    expect(host.service(greeting)?.greet("x")).toBe("hello x");
  });

  it("reports a plugin that fails to start, and stops those already started", async () => {
    const stopped: string[] = [];
    const good = definePlugin({
      name: "good",
      version: "1.0.0",
      voltrate: "*",
      provides: { greeting },
      setup: () => ({ services: { greeting: { greet: () => "" } }, stop: () => void stopped.push("good") }),
    });
    const bad = definePlugin({
      name: "bad",
      version: "1.0.0",
      voltrate: "*",
      requires: { greeting },
      setup: () => ({
        start: () => {
          throw new Error("cannot reach the tax office");
        },
      }),
    });
    const host = PluginHost.fromPlugins(entries(good, bad), await makeDeps());
    await host.setup();
    await expect(host.start()).rejects.toThrow('plugin "bad" failed to start: cannot reach the tax office');
    expect(stopped).toEqual(["good"]);
  });

  it("refuses a plugin whose setup does not return the services it declares", async () => {
    const liar = definePlugin({
      name: "liar",
      version: "1.0.0",
      voltrate: "*",
      provides: { greeting },
      setup: () => ({}) as never,
    });
    const host = PluginHost.fromPlugins(entries(liar), await makeDeps());
    await expect(host.setup()).rejects.toThrow(
      'plugin "liar" declares capability "test.greeting" but its setup returned no services.greeting',
    );
  });
});

describe("plugin host: hooks", () => {
  it("runs hooks by order, collects trace notes, and honours a drop-out request", async () => {
    const deps = await makeDeps();
    const first = definePlugin({
      name: "first",
      version: "1.0.0",
      voltrate: "*",
      setup(ctx) {
        ctx.hooks.before("rateDetermination", (h) => h.annotate({ message: "late", data: { order: 10 } }), {
          order: 10,
        });
        ctx.hooks.before("rateDetermination", (h) => h.annotate({ message: `early ${String(h.session.id)}` }), {
          order: -5,
        });
        return {};
      },
    });
    const blocker = definePlugin({
      name: "blocker",
      version: "1.0.0",
      voltrate: "*",
      setup(ctx) {
        ctx.hooks.before("rateDetermination", (h) => h.dropOut({ code: "BLOCKED_CPO", message: "CPO is blocked" }), {
          order: 20,
        });
        ctx.hooks.before("rateDetermination", (h) => h.annotate({ message: "never" }), { order: 30 });
        return {};
      },
    });
    const host = PluginHost.fromPlugins(entries(first, blocker), deps);
    await host.setup();
    const result = await deps.hooks.run("rateDetermination", "before", { id: "S1" });
    expect(result.notes.map((n) => `${n.plugin}: ${n.message}`)).toEqual(["first: early S1", "first: late"]);
    expect(result.dropOut).toEqual({
      code: "BLOCKED_CPO",
      message: "CPO is blocked",
      plugin: "blocker",
      stage: "rateDetermination",
      phase: "before",
    });
    expect((await deps.hooks.run("calculations", "after", {})).notes).toEqual([]);
  });

  it("turns a throwing, rejecting or hanging hook into a drop-out naming the plugin", async () => {
    const deps = await makeDeps();
    const faulty = definePlugin({
      name: "faulty",
      version: "1.0.0",
      voltrate: "*",
      setup(ctx) {
        ctx.hooks.after("lookups", () => {
          throw new Error("lookup table missing");
        });
        ctx.hooks.after("calculations", async () => Promise.reject(new Error("rejected")));
        ctx.hooks.after("pricedSession", () => new Promise(() => {}));
        return {};
      },
    });
    const host = PluginHost.fromPlugins(entries(faulty), deps);
    await host.setup();
    expect((await deps.hooks.run("lookups", "after", {})).dropOut?.message).toBe(
      'plugin "faulty" failed in its after:lookups hook: lookup table missing',
    );
    expect((await deps.hooks.run("calculations", "after", {})).dropOut?.code).toBe("PLUGIN_HOOK_FAILED");
    expect((await deps.hooks.run("pricedSession", "after", {})).dropOut?.message).toBe(
      'plugin "faulty" failed in its after:pricedSession hook: did not finish within 200 ms',
    );
  });
});

describe("plugin host: store, jobs, routes, events", () => {
  it("scopes the store to the plugin's own collections", async () => {
    const deps = await makeDeps();
    const notes = definePlugin({
      name: "@voltrate/plugin-notes",
      version: "1.0.0",
      voltrate: "*",
      setup: async (ctx) => {
        await ctx.store.collection("notes").insertOne({ _id: "n1", text: "hi" });
        expect(await ctx.store.nextSequence("ids")).toBe(1);
        expect(() => ctx.store.collection("../api_keys")).toThrow(/collection name/);
        return {};
      },
    });
    const host = PluginHost.fromPlugins(entries(notes), deps);
    await host.setup();
    expect(await deps.store.collection("plugin.notes.notes").findOne({ _id: "n1" })).toMatchObject({ text: "hi" });
    expect(await deps.store.collection("notes").countDocuments()).toBe(0);
  });

  it("runs a plugin's job through the scheduler, under the plugin's namespace", async () => {
    const deps = await makeDeps();
    let received: unknown;
    const done = new Promise<void>((resolve) => {
      const jobs = definePlugin({
        name: "jobs",
        version: "1.0.0",
        voltrate: "*",
        setup: async (ctx) => {
          ctx.jobs.define<{ n: number }>("refresh", (job) => {
            received = { name: job.name, data: job.data, attempt: job.attempt };
            resolve();
          });
          return { start: () => ctx.jobs.now("refresh", { n: 7 }) };
        },
      });
      const host = PluginHost.fromPlugins(entries(jobs), deps);
      void host.setup().then(() => host.start());
    });
    await done;
    expect(received).toEqual({ name: "refresh", data: { n: 7 }, attempt: 1 });
    const stored = await deps.scheduler.jobs({ name: "jobs:refresh" });
    expect(stored.total).toBe(1);
  });

  it("mounts plugin routes and lists plugins for authenticated callers only", async () => {
    const deps = await makeDeps();
    const web = definePlugin({
      name: "@voltrate/plugin-web",
      version: "3.1.4",
      voltrate: "*",
      description: "web things",
      mounts: ["/ocpi"],
      setup(ctx) {
        ctx.routes.api.get("/ping", (c) => c.json({ pong: true }));
        ctx.routes.api.post("/admin-only", ctx.auth.requireRole("admin"), (c) => c.json({ ok: true }));
        ctx.routes.wellKnown("/ocpi").get("/versions", (c) => c.json({ data: [] }));
        expect(() => ctx.routes.wellKnown("/oicp")).toThrow(/without declaring it in mounts/);
        return { health: () => ({ status: "degraded", detail: "hub unreachable" }) };
      },
    });
    const host = PluginHost.fromPlugins(entries(web), deps);
    await host.setup();
    await host.start();
    const app = createApp({ logger, routes: [pluginRoutes(host, deps.apiKeys), host.routes()] });
    const { key: viewerKey } = await deps.apiKeys.create("viewer", "viewer");
    const { key: adminKey } = await deps.apiKeys.create("admin", "admin");

    expect(await (await app.request("/api/v1/plugins/web/ping")).json()).toEqual({ pong: true });
    expect(await (await app.request("/ocpi/versions")).json()).toEqual({ data: [] });

    const anonymous = await app.request("/api/v1/plugins");
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("WWW-Authenticate")).toBe('Bearer realm="voltrate"');

    const listed = await app.request("/api/v1/plugins", { headers: { Authorization: `Bearer ${viewerKey}` } });
    expect(listed.status).toBe(200);
    expect(await listed.json()).toEqual({
      plugins: [
        {
          name: "@voltrate/plugin-web",
          version: "3.1.4",
          description: "web things",
          voltrate: "*",
          provides: [],
          requires: [],
          routes: ["/api/v1/plugins/web", "/ocpi"],
          state: "started",
          health: { status: "degraded", detail: "hub unreachable" },
        },
      ],
    });

    const forbidden = await app.request("/api/v1/plugins/web/admin-only", {
      method: "POST",
      headers: { Authorization: `Bearer ${viewerKey}` },
    });
    expect(forbidden.status).toBe(403);
    const allowed = await app.request("/api/v1/plugins/web/admin-only", {
      method: "POST",
      headers: { Authorization: `Bearer ${adminKey}` },
    });
    expect(allowed.status).toBe(200);
  });

  it("isolates a failing event handler from the others", async () => {
    const deps = await makeDeps();
    const seen: string[] = [];
    const listener = (name: string, fail: boolean) =>
      definePlugin({
        name,
        version: "1.0.0",
        voltrate: "*",
        setup(ctx) {
          ctx.events.on("dropout.opened", (e) => {
            if (fail) throw new Error("handler broke");
            seen.push(`${name}:${e.caseId}`);
          });
          return {};
        },
      });
    const host = PluginHost.fromPlugins(entries(listener("l1", true), listener("l2", false)), deps);
    await host.setup();
    await deps.events.emit("dropout.opened", {
      sessionId: "s",
      caseId: "c1",
      stage: "lookups",
      reason: "UNKNOWN_TOKEN",
    });
    expect(seen).toEqual(["l2:c1"]);
  });
});
