export { type PluginTestHost, type PluginTestHostOptions, startPluginTestHost } from "./plugin-test-host.ts";
