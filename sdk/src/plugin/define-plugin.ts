// definePlugin: the one entry point of a Voltrate plugin package (its default export).
import semver from "semver";
import type { z } from "zod";
import type { Capability, ServicesOf } from "./capability.ts";
import type { PluginContext } from "./context.ts";

export type CapabilityMap = Record<string, Capability<unknown>>;

export interface PluginHealth {
  status: "ok" | "degraded" | "down";
  detail?: string;
}

/** What `setup` returns: the services it provides, and optional lifecycle callbacks. */
export type PluginSetupResult<Provided> = (keyof Provided extends never
  ? { services?: Record<string, never> }
  : { services: Provided }) & {
  /** Called after every plugin is set up, in dependency order (a plugin starts after those it requires). */
  start?(): void | Promise<void>;
  /** Called on shutdown, in reverse start order. */
  stop?(): void | Promise<void>;
  /** Reported by GET /api/v1/plugins. */
  health?(): PluginHealth | Promise<PluginHealth>;
};

export interface PluginDefinition<
  ConfigSchema extends z.ZodType,
  Provides extends CapabilityMap,
  Requires extends CapabilityMap,
> {
  /** The package name, e.g. "@voltrate/plugin-fx" or "acme-voltrate-loyalty". */
  name: string;
  /** The plugin's own version (semver). */
  version: string;
  /** The Voltrate versions this plugin works with (a semver range, e.g. "^0.1.0"). */
  voltrate: string;
  description?: string;
  /** Capabilities this plugin provides, by the key under which `setup` returns their services. */
  provides?: Provides;
  /** Capabilities this plugin needs; their services arrive in `ctx.services` under the same keys. */
  requires?: Requires;
  /** zod schema of the plugin's configuration; validated before anything starts. */
  configSchema?: ConfigSchema;
  /** Well-known URL prefixes the plugin mounts routes on besides its own (e.g. ["/ocpi"]). */
  mounts?: string[];
  /** Registers hooks, routes, jobs and event handlers, and returns the provided services. */
  setup(
    ctx: PluginContext<z.output<ConfigSchema>, ServicesOf<Requires>>,
  ): PluginSetupResult<ServicesOf<Provides>> | Promise<PluginSetupResult<ServicesOf<Provides>>>;
}

/** What definePlugin returns: the definition, checked and frozen, with its types kept. */
export type TypedPlugin<
  ConfigSchema extends z.ZodType,
  Provides extends CapabilityMap,
  Requires extends CapabilityMap,
> = Readonly<PluginDefinition<ConfigSchema, Provides, Requires>> & { readonly kind: "voltrate-plugin" };

/**
 * Any plugin, as the host loads it: the host handles plugins whose configuration and capabilities it
 * cannot know statically, and checks them at run time instead.
 */
export interface VoltratePlugin {
  readonly kind: "voltrate-plugin";
  readonly name: string;
  readonly version: string;
  readonly voltrate: string;
  readonly description?: string;
  readonly provides?: CapabilityMap;
  readonly requires?: CapabilityMap;
  readonly configSchema?: z.ZodType;
  readonly mounts?: string[];
  setup(ctx: never): unknown;
}

const namePattern = /^(@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/;
const prefixPattern = /^\/[a-z0-9][a-z0-9/_-]*$/;

/** A manifest problem, naming the plugin and the field. */
export class PluginDefinitionError extends Error {
  override name = "PluginDefinitionError";
}

/**
 * Declares a plugin. Checks the manifest's static fields at once, so a broken plugin fails when it is
 * imported, with a message naming it and the field.
 */
export function definePlugin<
  ConfigSchema extends z.ZodType = z.ZodType<Record<string, never>>,
  Provides extends CapabilityMap = Record<never, never>,
  Requires extends CapabilityMap = Record<never, never>,
>(definition: PluginDefinition<ConfigSchema, Provides, Requires>): TypedPlugin<ConfigSchema, Provides, Requires> {
  const who = `plugin "${definition.name}"`;
  const fail = (field: string, message: string): never => {
    throw new PluginDefinitionError(`${who}: ${field}: ${message}`);
  };
  if (typeof definition.name !== "string" || !namePattern.test(definition.name)) {
    fail("name", "expected an npm package name");
  }
  if (!semver.valid(definition.version)) fail("version", `expected a semver version, got "${definition.version}"`);
  if (!semver.validRange(definition.voltrate))
    fail("voltrate", `expected a semver range, got "${definition.voltrate}"`);
  if (typeof definition.setup !== "function") fail("setup", "expected a function");
  for (const prefix of definition.mounts ?? []) {
    if (!prefixPattern.test(prefix) || prefix.startsWith("/api")) {
      fail("mounts", `"${prefix}" must be a lower-case path like "/ocpi", outside /api`);
    }
  }
  const provided = Object.values(definition.provides ?? {}).map((c) => c.id);
  const duplicate = provided.find((id, i) => provided.indexOf(id) !== i);
  if (duplicate) fail("provides", `capability "${duplicate}" is listed twice`);
  return Object.freeze({ ...definition, kind: "voltrate-plugin" as const });
}
