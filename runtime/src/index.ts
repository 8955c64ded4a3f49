export { type Config, ConfigError, loadConfig } from "./config/index.ts";
export { type App, createApp, type RouteModule } from "./http/app.ts";
export { type FieldError, HttpProblem, type ProblemDetails, problemResponse } from "./http/problem.ts";
export { createLogger, type Logger } from "./logging/logger.ts";
export { createRuntime, type Runtime, type RuntimeOptions, StartupError } from "./runtime.ts";
export { version } from "./version.ts";
