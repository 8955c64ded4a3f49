/** A plugin problem that stops the start: names the plugin and what is wrong, in one line. */
export class PluginLoadError extends Error {
  override name = "PluginLoadError";
}
