// Finding and importing plugin packages: workspace packages and installed npm packages by name, or files
// by path. Nothing is set up here; the host validates everything before anything starts.
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { VoltratePlugin } from "@voltrate/sdk";
import { PluginLoadError } from "./plugin-error.ts";

export interface PluginSpec {
  /** A package name ("@voltrate/plugin-fx") or a path ("./my-plugin/src/index.ts"). */
  spec: string;
  /** Raw configuration, validated later against the plugin's configSchema. */
  config: unknown;
}

const isPath = (spec: string) => spec.startsWith(".") || spec.startsWith("/");

function resolveSpec(spec: string, baseDirs: string[]): string {
  if (isPath(spec)) return path.resolve(baseDirs[0] ?? process.cwd(), spec);
  for (const dir of baseDirs) {
    try {
      return createRequire(path.join(dir, "package.json")).resolve(spec);
    } catch {}
  }
  throw new PluginLoadError(
    `plugin "${spec}" is not installed (looked in ${baseDirs.join(", ")}); add it with pnpm add ${spec}`,
  );
}

/** Imports a plugin module and checks that its default export is a plugin made with definePlugin. */
export async function importPlugin(spec: string, baseDirs: string[]): Promise<VoltratePlugin> {
  const file = resolveSpec(spec, baseDirs);
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
  } catch (error) {
    throw new PluginLoadError(`plugin "${spec}" could not be imported: ${(error as Error).message}`, { cause: error });
  }
  const plugin = mod.default as Partial<VoltratePlugin> | undefined;
  if (plugin?.kind !== "voltrate-plugin") {
    throw new PluginLoadError(`"${spec}" is not a Voltrate plugin: its default export must come from definePlugin()`);
  }
  return plugin as VoltratePlugin;
}
