import type { VoltratePlugin } from "@voltrate/sdk";
import { PluginLoadError } from "./plugin-error.ts";

/**
 * Resolves every required capability to the one plugin providing it and orders the plugins so that each
 * comes after the plugins it requires. Missing or duplicate capabilities and cycles stop the start.
 */
export function resolveOrder(plugins: VoltratePlugin[]): { order: VoltratePlugin[]; providers: Map<string, string> } {
  const providers = new Map<string, string>();
  for (const plugin of plugins) {
    for (const capability of Object.values(plugin.provides ?? {})) {
      const existing = providers.get(capability.id);
      if (existing) {
        throw new PluginLoadError(
          `capability "${capability.id}" is provided by both "${existing}" and "${plugin.name}"; load only one of them`,
        );
      }
      providers.set(capability.id, plugin.name);
    }
  }
  const byName = new Map(plugins.map((p) => [p.name, p]));
  const dependencies = new Map<string, string[]>();
  for (const plugin of plugins) {
    const needs: string[] = [];
    for (const capability of Object.values(plugin.requires ?? {})) {
      const provider = providers.get(capability.id);
      if (!provider) {
        throw new PluginLoadError(
          `plugin "${plugin.name}" requires capability "${capability.id}" (${capability.description}), which no loaded plugin provides`,
        );
      }
      if (provider === plugin.name) {
        throw new PluginLoadError(
          `plugin "${plugin.name}" requires capability "${capability.id}", which it provides itself`,
        );
      }
      needs.push(provider);
    }
    dependencies.set(plugin.name, needs);
  }

  const order: VoltratePlugin[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (name: string, path: string[]) => {
    if (state.get(name) === "done") return;
    if (state.get(name) === "visiting") {
      throw new PluginLoadError(`plugins require each other in a cycle: ${[...path, name].join(" → ")}`);
    }
    state.set(name, "visiting");
    for (const dependency of dependencies.get(name) ?? []) visit(dependency, [...path, name]);
    state.set(name, "done");
    order.push(byName.get(name) as VoltratePlugin);
  };
  for (const plugin of plugins) visit(plugin.name, []);
  return { order, providers };
}
