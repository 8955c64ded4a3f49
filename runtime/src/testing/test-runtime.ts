// A real runtime for tests that talk to it over HTTP: the embedded store in a data folder of the test's own, no demo
// data, silent logs, a free port on 127.0.0.1.
import { pino } from "pino";
import { loadConfig } from "../config/index.ts";
import { createRuntime, type Runtime } from "../runtime.ts";

/** Creates (does not start) a runtime on `dataDir`. */
export function createTestRuntime(dataDir: string): Promise<Runtime> {
  return createRuntime({
    config: loadConfig({
      VOLTRATE_DATA_DIR: dataDir,
      VOLTRATE_HOST: "127.0.0.1",
      VOLTRATE_PORT: "0",
      VOLTRATE_DEMO_DATA: "false",
      VOLTRATE_LOG_LEVEL: "silent",
    }),
    logger: pino({ level: "silent" }),
  });
}

/** Creates and starts a runtime on `dataDir`; answers it with its base URL. */
export async function startTestRuntime(dataDir: string): Promise<{ runtime: Runtime; url: string }> {
  const runtime = await createTestRuntime(dataDir);
  return { runtime, url: await runtime.start() };
}
