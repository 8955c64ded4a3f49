export { RuntimeEventBus } from "./event-bus.ts";
export {
  HOOK_TIMEOUT_MS,
  type HookDropOut,
  HookRegistry,
  type HookRunResult,
  type HookTraceEntry,
} from "./hook-registry.ts";
export { mountIdOf, PluginHost, type PluginHostDeps, type PluginInfo } from "./host.ts";
export type { PluginSpec } from "./load.ts";
export { PluginLoadError } from "./plugin-error.ts";
