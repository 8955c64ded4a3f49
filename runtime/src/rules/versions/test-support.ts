// Test support for rule set versions: the real components (embedded store in a temporary folder, the scheduler polling
// every 100 ms, the event bus, API keys and the HTTP app with the rules routes) and sample rule sets.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Role, Store, VersionPublishedEvent } from "@voltrate/sdk";
import type { Ruleset } from "@voltrate/sdk/rules";
import { pino } from "pino";
import { ApiKeys } from "../../auth/api-keys.ts";
import { type App, createApp } from "../../http/app.ts";
import { rulesRoutes } from "../../http/routes/rulesets.ts";
import { RuntimeEventBus } from "../../plugins/event-bus.ts";
import { createScheduler, type Scheduler } from "../../scheduler/index.ts";
import { openStore } from "../../store/index.ts";
import { registerRuleJobs } from "./jobs.ts";
import { createRulesService, type RulesService } from "./service.ts";
import type { Actor } from "./types.ts";

export interface RulesHarness {
  store: Store;
  scheduler: Scheduler;
  service: RulesService;
  events: RuntimeEventBus;
  apiKeys: ApiKeys;
  app: App;
  dataDir: string;
  /** `version.published` payloads, in order. */
  published: VersionPublishedEvent[];
  /** app.request with the key of `role` (none: no Authorization header) and a JSON body. */
  request(pathname: string, init?: { method?: string; role?: Role; json?: unknown; body?: string }): Promise<Response>;
  close(): Promise<void>;
}

export async function startRulesHarness(options: { now?: () => Date } = {}): Promise<RulesHarness> {
  const logger = pino({ level: "silent" });
  const dataDir = mkdtempSync(path.join(tmpdir(), "voltrate-rules-test-"));
  const store = await openStore({ dataDir });
  const scheduler = createScheduler({ store, logger, processEvery: 100 });
  const events = new RuntimeEventBus(logger);
  const published: VersionPublishedEvent[] = [];
  events.forOwner("test").on("version.published", (e) => {
    published.push(e);
  });
  const service = createRulesService({
    store,
    scheduler,
    events,
    logger,
    ...(options.now ? { now: options.now } : {}),
  });
  registerRuleJobs(scheduler, service);
  await service.init();
  await scheduler.start();
  const apiKeys = new ApiKeys(store);
  await apiKeys.init();
  const app = createApp({ logger, routes: [rulesRoutes({ service, apiKeys })] });
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
    store,
    scheduler,
    service,
    events,
    apiKeys,
    app,
    dataDir,
    published,
    async request(pathname, init = {}) {
      const headers = new Headers();
      if (init.role) headers.set("Authorization", `Bearer ${await keyFor(init.role)}`);
      let body: string | undefined = init.body;
      if (init.json !== undefined) {
        headers.set("Content-Type", "application/json");
        body = JSON.stringify(init.json);
      }
      return app.request(pathname, { method: init.method ?? "GET", headers, ...(body !== undefined ? { body } : {}) });
    },
    async close() {
      await scheduler.stop();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const ALICE: Actor = { id: "key_alice", name: "Alice (editor)", role: "editor", via: "api" };
export const BOB: Actor = { id: "key_bob", name: "Bob (admin)", role: "admin", via: "api" };

/** A small sales price list: a night rate, a day rate with a start fee. */
export function sampleRuleset(overrides: Partial<Ruleset> = {}): Ruleset {
  return {
    id: "msp-test",
    name: "MSP test prices",
    administrationId: "adm-nl",
    side: "sales",
    currency: "EUR",
    hitPolicy: "first",
    vatPercent: "21",
    rules: [
      {
        id: "night",
        name: "Night rate",
        enabled: true,
        condition: { op: "timeOfDay", property: "startTime", from: "22:00", to: "06:00" },
        outcome: {
          type: "rate",
          tariff: { elements: [{ components: [{ dimension: "ENERGY", price: "0.25", vat: "21" }] }] },
        },
      },
      {
        id: "day",
        name: "Day rate",
        enabled: true,
        condition: { op: "always" },
        outcome: {
          type: "rate",
          tariff: {
            elements: [
              {
                components: [
                  { dimension: "ENERGY", price: "0.35", vat: "21" },
                  { dimension: "FLAT", price: "0.50", vat: "21" },
                ],
              },
            ],
          },
        },
      },
    ],
    ...overrides,
  };
}

/** The sample with the night rule's energy price changed. */
export function withNightPrice(ruleset: Ruleset, price: string): Ruleset {
  const copy = structuredClone(ruleset);
  const night = copy.rules.find((r) => r.id === "night");
  if (night?.outcome.type === "rate") {
    const component = night.outcome.tariff.elements[0]?.components[0];
    if (component) component.price = price;
  }
  return copy;
}

/** A session in the JSON form: 10 kWh from `start` for an hour, in Amsterdam. */
export function sampleSession(start: string): Record<string, unknown> {
  const end = new Date(new Date(start).getTime() + 3_600_000).toISOString();
  return {
    id: "S1",
    start,
    end,
    currency: "EUR",
    timeZone: "Europe/Amsterdam",
    countryCode: "NL",
    chargingPeriods: [{ start, energyKwh: "10" }],
  };
}

/** Resolves once `check` returns true (polling every 25 ms), or rejects after `timeoutMs`. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
