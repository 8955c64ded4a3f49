export { RuntimeEventBus } from "./event-bus.ts";
export { HOOK_TIMEOUT_MS, type HookDropOut, HookRegistry, type HookRunResult, type HookTraceEntry } from "./hook-registry.ts";
export { type PluginInfo, PluginHost, type PluginHostDeps, mountIdOf } from "./host.ts";
export type { PluginSpec } from "./load.ts";
export { PluginLoadError } from "./plugin-error.ts";
