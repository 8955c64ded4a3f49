// `npm start`: the runtime as a process. Configuration errors and start-up failures end the process
// with one clear line; SIGTERM/SIGINT shut it down gracefully.
import { ConfigError, loadConfig } from "./config/index.ts";
import { createLogger } from "./logging/logger.ts";
import { createRuntime, StartupError } from "./runtime.ts";

function die(message: string): never {
  process.stderr.write(`voltrate: ${message}\n`);
  process.exit(1);
}

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) die(`configuration error: ${error.message}`);
  throw error;
}

const logger = createLogger(config);
process.on("unhandledRejection", (reason) => logger.error({ err: reason }, "unhandled rejection"));

try {
  const runtime = await createRuntime({ config, logger });
  const url = await runtime.start();
  const storeNote = runtime.store.mode === "mongodb" ? "MongoDB" : `embedded store in ${config.VOLTRATE_DATA_DIR}`;
  process.stdout.write(
    [
      "",
      `Voltrate is running (${storeNote})`,
      `  Studio:   ${url}/`,
      `  Health:   ${url}/health`,
      `  API:      ${url}/api/v1`,
      `  OpenAPI:  ${url}/api/v1/openapi.json`,
      ...(runtime.generatedAdminKey
        ? [
            "",
            `Admin API key (shown once; store it now): ${runtime.generatedAdminKey}`,
            "Use it as: Authorization: Bearer <key>. Set VOLTRATE_ADMIN_API_KEY to choose your own.",
          ]
        : []),
      ...(runtime.generatedAdminPassword
        ? [
            "",
            `Studio sign-in (shown once; store it now): user admin, password ${runtime.generatedAdminPassword}`,
            "Set VOLTRATE_ADMIN_PASSWORD to choose your own.",
          ]
        : []),
      "Press Ctrl+C to stop.",
      "",
    ].join("\n"),
  );
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      runtime.shutdown(signal).then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, "shutdown failed");
          process.exit(1);
        },
      );
    });
  }
} catch (error) {
  if (error instanceof StartupError) die(error.message);
  throw error;
}
