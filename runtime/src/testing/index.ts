export { type LogRecord, logCapture } from "./log-capture.ts";
export { type PluginTestHost, type PluginTestHostOptions, startPluginTestHost } from "./plugin-test-host.ts";
