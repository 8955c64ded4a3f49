import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./index.ts";

describe("loadConfig", () => {
  it("applies the documented defaults", () => {
    const config = loadConfig({}, "/srv/voltrate");
    expect(config).toMatchObject({
      VOLTRATE_HOST: "127.0.0.1",
      VOLTRATE_PORT: 8080,
      VOLTRATE_DATA_DIR: "/srv/voltrate/data",
      VOLTRATE_LOG_LEVEL: "info",
      VOLTRATE_LOG_FORMAT: "auto",
      VOLTRATE_DEMO_DATA: true,
      VOLTRATE_SHUTDOWN_TIMEOUT_MS: 10_000,
    });
    expect(config.VOLTRATE_MONGODB_URL).toBeUndefined();
  });

  it("reads and converts environment values", () => {
    const config = loadConfig(
      {
        VOLTRATE_PORT: "9090",
        VOLTRATE_DATA_DIR: "/var/lib/voltrate",
        VOLTRATE_DEMO_DATA: "false",
        VOLTRATE_MONGODB_URL: "mongodb://db.internal:27017/voltrate",
      },
      "/ignored",
    );
    expect(config.VOLTRATE_PORT).toBe(9090);
    expect(config.VOLTRATE_DATA_DIR).toBe("/var/lib/voltrate");
    expect(config.VOLTRATE_DEMO_DATA).toBe(false);
    expect(config.VOLTRATE_MONGODB_URL).toBe("mongodb://db.internal:27017/voltrate");
  });

  it("treats blank values as unset", () => {
    expect(loadConfig({ VOLTRATE_PORT: "  ", VOLTRATE_MONGODB_URL: "" }).VOLTRATE_PORT).toBe(8080);
  });

  it.each([
    [{ VOLTRATE_PORT: "eighty" }, 'VOLTRATE_PORT: expected a port number (got "eighty")'],
    [{ VOLTRATE_PORT: "70000" }, 'VOLTRATE_PORT: expected a port number from 0 to 65535 (got "70000")'],
    [{ VOLTRATE_PORT: "80.5" }, 'VOLTRATE_PORT: expected a whole port number (got "80.5")'],
    [{ VOLTRATE_LOG_LEVEL: "loud" }, "VOLTRATE_LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace"],
    [{ VOLTRATE_MONGODB_URL: "postgres://x" }, "VOLTRATE_MONGODB_URL: expected a MongoDB connection string"],
    [{ VOLTRATE_DEMO_DATA: "maybe" }, "VOLTRATE_DEMO_DATA: expected true or false"],
  ])("rejects %o with one line naming the key", (env, message) => {
    let error: unknown;
    try {
      loadConfig(env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(message);
    expect((error as Error).message).not.toContain("\n");
  });

  describe("config file", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "voltrate-config-"));

    it("is read, and the environment wins over it", () => {
      const file = path.join(dir, "voltrate.json");
      writeFileSync(file, JSON.stringify({ VOLTRATE_PORT: 7000, VOLTRATE_LOG_LEVEL: "debug" }));
      const config = loadConfig({ VOLTRATE_CONFIG_FILE: file, VOLTRATE_LOG_LEVEL: "warn" });
      expect(config.VOLTRATE_PORT).toBe(7000);
      expect(config.VOLTRATE_LOG_LEVEL).toBe("warn");
    });

    it("rejects unknown keys, naming them", () => {
      const file = path.join(dir, "typo.json");
      writeFileSync(file, JSON.stringify({ VOLTRATE_PROT: 7000 }));
      expect(() => loadConfig({ VOLTRATE_CONFIG_FILE: file })).toThrow(/^VOLTRATE_PROT: unknown key/);
    });

    it("rejects a missing or malformed file", () => {
      const bad = path.join(dir, "bad.json");
      writeFileSync(bad, "{ not json");
      expect(() => loadConfig({ VOLTRATE_CONFIG_FILE: bad })).toThrow(
        /VOLTRATE_CONFIG_FILE: .*bad\.json is not valid JSON/,
      );
      expect(() => loadConfig({ VOLTRATE_CONFIG_FILE: path.join(dir, "absent.json") })).toThrow(
        /VOLTRATE_CONFIG_FILE: cannot read .*absent\.json \(ENOENT\)/,
      );
    });
  });
});
