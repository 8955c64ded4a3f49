import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["sdk/src/**/*.test.ts", "runtime/src/**/*.test.ts", "plugins/*/src/**/*.test.ts", "test/**/*.test.ts"],
    exclude: ["**/node_modules/**", "test/bench/**"],
    // isolated-vm needs Node started without its startup snapshot; forks let us pass the flag.
    pool: "forks",
    execArgv: ["--no-node-snapshot"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: ["default", "./test/support/summary-reporter.ts"],
  },
});
